import { describe, expect, it } from 'vitest';
import type { SensorReading } from '../../processors/readings/reading.js';
import { FAULT_TYPES, type FaultPlan, type FaultWindow } from './faults.js';
import { createFleet, generateReadings, type FleetOptions } from './fleet.js';
import { MACHINE_PROFILES, type MachineType } from './machine-profiles.js';

const START = Date.parse('2025-06-01T06:00:00Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

function readingsOf(options: Partial<FleetOptions>, until: number) {
  const fleet = createFleet({ machines: 8, seed: 7, startTime: START, intervalMs: 1_000, ...options });
  return { fleet, readings: generateReadings(fleet, { until }) };
}

function machineReadings(readings: readonly SensorReading[], machineId: string, from = 0, to = Infinity) {
  return readings.filter((r) => r.machineId === machineId && r.timestamp >= from && r.timestamp < to);
}

function normalOf(type: string) {
  return MACHINE_PROFILES[type as MachineType];
}

const average = (values: readonly number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;

/** The visible trace each fault must leave in its window, as a detector (or a person) would look for it. */
function expectVisible(window: FaultWindow, readings: readonly SensorReading[], intervalMs: number): void {
  const inside = machineReadings(readings, window.machineId, window.startTime, window.endTime);
  const { temperature, vibration } = normalOf(window.machineType);
  const label = `${window.fault} on ${window.machineId}`;
  const quarter = Math.max(1, Math.floor(inside.length / 4));
  switch (window.fault) {
    case 'overheating':
      expect(Math.max(...inside.map((r) => r.temperature)), label).toBeGreaterThan(
        temperature.mean + 4 * temperature.sigma,
      );
      break;
    case 'vibration_spike':
      expect(Math.min(...inside.map((r) => r.vibration)), label).toBeGreaterThan(
        vibration.mean + 4 * vibration.sigma,
      );
      break;
    case 'bearing_wear': {
      const early = average(inside.slice(0, quarter).map((r) => r.vibration));
      const late = average(inside.slice(-quarter).map((r) => r.vibration));
      expect(late, label).toBeGreaterThan(early);
      expect(late, label).toBeGreaterThan(vibration.mean + 3 * vibration.sigma);
      break;
    }
    case 'stuck_sensor': {
      const sensor = window.sensor ?? 'temperature';
      expect(inside.length, label).toBeGreaterThanOrEqual(
        Math.floor((window.endTime - window.startTime) / intervalMs),
      );
      expect(new Set(inside.map((r) => r[sensor])).size, `${label} (${sensor})`).toBe(1);
      break;
    }
    case 'dropout':
      expect(inside, label).toEqual([]);
      expect(machineReadings(readings, window.machineId, window.endTime).length, label).toBeGreaterThan(0);
      break;
  }
}

describe('fault injection', () => {
  it('given a fault fraction, when scheduled, then that share of machines gets one fault each, every kind present', () => {
    const fleet = createFleet({ machines: 200, seed: 42, startTime: START, faultFraction: 0.05 });
    const faults = fleet.faults();
    expect(faults).toHaveLength(10);
    expect(new Set(faults.map((f) => f.machineId)).size).toBe(10);
    for (const fault of FAULT_TYPES) expect(faults.filter((f) => f.fault === fault)).toHaveLength(2);
    const byId = new Map(fleet.machines.map((m) => [m.machineId, m.machineType]));
    for (const fault of faults) {
      expect(fault.machineType).toBe(byId.get(fault.machineId));
      // After a quiet lead (a healthy baseline first), and inside the hour they were drawn for.
      expect(fault.startTime).toBeGreaterThanOrEqual(START + 5 * MINUTE);
      expect(fault.endTime).toBeLessThanOrEqual(START + HOUR);
      expect(fault.endTime).toBeGreaterThan(fault.startTime);
    }
  });

  it('given another seed, when scheduled, then other machines fail at other times', () => {
    const schedule = (seed: number) =>
      createFleet({ machines: 200, seed, startTime: START })
        .faults()
        .map((f) => `${f.machineId}@${f.startTime}`);
    expect(schedule(43)).not.toEqual(schedule(42));
  });

  it('given a fault fraction of 0, when generated, then nothing is injected', () => {
    const { fleet } = readingsOf({ faultFraction: 0 }, START + HOUR);
    expect(fleet.groundTruth()).toEqual([]);
  });

  it('given a drawn schedule, when the stream is generated, then every ground-truth fault is visible in its window', () => {
    const { fleet, readings } = readingsOf({ machines: 100, faultFraction: 0.1 }, START + HOUR);
    const truth = fleet.groundTruth();
    expect(truth).toHaveLength(10);
    expect(truth).toEqual(fleet.faults().map(({ magnitude: _, ...record }) => record));
    for (const window of fleet.faults()) expectVisible(window, readings, 1_000);
  });

  it('given an endless stream, when it passes the fault period, then a new round of faults is drawn', () => {
    const fleet = createFleet({
      machines: 100,
      seed: 3,
      startTime: START,
      faultFraction: 0.05,
      faultPeriodMs: HOUR,
    });
    expect(fleet.faults()).toHaveLength(5);
    generateReadings(fleet, { until: START + HOUR + 1_000 });
    expect(fleet.faults()).toHaveLength(10);
    expect(fleet.groundTruth(START + HOUR)).toHaveLength(5);
    expect(
      fleet
        .faults()
        .slice(5)
        .every((f) => f.startTime >= START + HOUR),
    ).toBe(true);
  });

  describe('given one fault of each kind planned by hand', () => {
    const at = (minutes: number) => START + minutes * MINUTE;
    const plans: FaultPlan[] = [
      { machineId: 'cnc_mill-0001', fault: 'overheating', startTime: at(20), endTime: at(30) },
      { machineId: 'pump-0001', fault: 'vibration_spike', startTime: at(20), endTime: at(20.5) },
      { machineId: 'compressor-0001', fault: 'bearing_wear', startTime: at(10), endTime: at(50) },
      {
        machineId: 'conveyor-0001',
        fault: 'stuck_sensor',
        startTime: at(20),
        endTime: at(25),
        sensor: 'vibration',
      },
      { machineId: 'cnc_mill-0002', fault: 'dropout', startTime: at(20), endTime: at(23) },
      {
        machineId: 'pump-0002',
        fault: 'stuck_sensor',
        startTime: at(20),
        endTime: at(25),
        sensor: 'temperature',
      },
      {
        machineId: 'compressor-0002',
        fault: 'stuck_sensor',
        startTime: at(20),
        endTime: at(25),
        sensor: 'load',
      },
    ];
    const { fleet, readings } = readingsOf({ faults: plans }, at(60));

    it('when generated, then the ground truth is exactly the plan', () => {
      expect(fleet.groundTruth()).toEqual(
        [...plans]
          .sort((a, b) => a.startTime - b.startTime || a.machineId.localeCompare(b.machineId))
          .map((plan) => ({ ...plan, machineType: plan.machineId.replace(/-\d+$/, '') })),
      );
    });

    it.each(plans.map((plan) => [`${plan.fault} on ${plan.machineId}`, plan.machineId] as const))(
      'when generated, then %s shows in its window',
      (_, machineId) => {
        const window = fleet.faults().find((f) => f.machineId === machineId);
        if (window === undefined) throw new Error(`no fault for ${machineId}`);
        expectVisible(window, readings, 1_000);
      },
    );

    it('when overheating, then the temperature ramps up by several °C a minute and comes back', () => {
      const perMinute = (from: number) =>
        average(machineReadings(readings, 'cnc_mill-0001', at(from), at(from + 1)).map((r) => r.temperature));
      const ramp = (perMinute(25) - perMinute(21)) / 4;
      expect(ramp).toBeGreaterThan(2);
      expect(ramp).toBeLessThan(10);
      expect(perMinute(35)).toBeLessThan(normalOf('cnc_mill').temperature.mean + 2 * 3);
    });

    it('when a machine drops out, then its readings resume afterwards with the next seq', () => {
      const own = machineReadings(readings, 'cnc_mill-0002');
      const before = own.filter((r) => r.timestamp < at(20)).at(-1);
      const after = own.find((r) => r.timestamp >= at(23));
      expect(after?.seq).toBe((before?.seq ?? Number.NaN) + 1);
      expect((after?.timestamp ?? 0) - (before?.timestamp ?? 0)).toBeGreaterThan(3 * MINUTE - 1_000);
    });

    it('when a sensor is stuck, then it moves again once the window ends', () => {
      const after = machineReadings(readings, 'conveyor-0001', at(25), at(27));
      expect(new Set(after.map((r) => r.vibration)).size).toBeGreaterThan(10);
    });

    it('when a fault is active, then the machine is held running so the fault shows', () => {
      for (const plan of plans.filter((p) => p.fault !== 'dropout')) {
        const inside = machineReadings(readings, plan.machineId, plan.startTime, plan.endTime);
        expect(new Set(inside.map((r) => r.status)), plan.machineId).toEqual(new Set(['RUNNING']));
      }
    });
  });

  it.each([
    [
      [{ machineId: 'lathe-0001', fault: 'dropout', startTime: START, endTime: START + 1 }],
      /unknown machine/,
    ],
    [
      [{ machineId: 'pump-0001', fault: 'dropout', startTime: START, endTime: START }],
      /endTime must be after/,
    ],
    [
      [
        { machineId: 'pump-0001', fault: 'dropout', startTime: START, endTime: START + 10 },
        { machineId: 'pump-0001', fault: 'overheating', startTime: START + 5, endTime: START + 20 },
      ],
      /overlap/,
    ],
  ] as const)('given a bad plan %#, when the fleet is created, then it is refused', (faults, message) => {
    expect(() => createFleet({ machines: 4, seed: 1, startTime: START, faults })).toThrow(message);
  });

  it('given faults planned ahead, when dropped slots are counted, then they match the readings that never came', () => {
    const faults: FaultPlan[] = [
      { machineId: 'pump-0001', fault: 'dropout', startTime: START + 10_500, endTime: START + 20_500 },
    ];
    const fleet = createFleet({ machines: 4, seed: 1, startTime: START, faults });
    expect(fleet.droppedSlotsBefore(START + HOUR)).toBe(10);
    expect(generateReadings(fleet, { until: START + 60_000 })).toHaveLength(4 * 60 - 10);
  });
});
