import { describe, expect, it } from 'vitest';
import type { SensorReading } from '../../processors/readings/reading.js';
import { decodeReading, encodeReading, type DecodeOptions } from '../../schemas/sensor-reading-codec.js';
import { createFleet, generateReadings, type FleetOptions } from './fleet.js';
import { MACHINE_PROFILES, MACHINE_TYPES } from './machine-profiles.js';

const START = Date.parse('2025-06-01T06:00:00Z');
const HOUR = 3_600_000;
// The simulator writes event times ahead of no clock; "now" far ahead keeps future_timestamp out of the way.
const DECODE: DecodeOptions = { maxBytes: 64 * 1024, nowMs: START + 1_000 * HOUR, maxFutureSkewMs: 0 };

function fleetOf(options: Partial<FleetOptions> = {}) {
  return createFleet({ machines: 40, seed: 42, startTime: START, intervalMs: 1_000, ...options });
}

function byMachine(readings: readonly SensorReading[]): Map<string, SensorReading[]> {
  const groups = new Map<string, SensorReading[]>();
  for (const reading of readings) {
    const group = groups.get(reading.machineId) ?? [];
    group.push(reading);
    groups.set(reading.machineId, group);
  }
  return groups;
}

function highest(readings: readonly SensorReading[], sensor: 'temperature' | 'vibration' | 'load'): number {
  return readings.reduce((max, reading) => Math.max(max, reading[sensor]), Number.NEGATIVE_INFINITY);
}

function lowest(readings: readonly SensorReading[], sensor: 'temperature' | 'vibration' | 'load'): number {
  return readings.reduce((min, reading) => Math.min(min, reading[sensor]), Number.POSITIVE_INFINITY);
}

describe('createFleet and generateReadings', () => {
  it('given the same seed, when generated twice, then the streams and fault schedules are identical', () => {
    const first = fleetOf({ faultFraction: 0.5 });
    const second = fleetOf({ faultFraction: 0.5 });
    expect(generateReadings(second, { count: 30_000 })).toEqual(generateReadings(first, { count: 30_000 }));
    expect(second.faults()).toEqual(first.faults());
  });

  it('given another seed, when generated, then the stream differs', () => {
    const first = generateReadings(fleetOf(), { count: 1_000 });
    const other = generateReadings(fleetOf({ seed: 43 }), { count: 1_000 });
    expect(other.map((r) => r.temperature)).not.toEqual(first.map((r) => r.temperature));
  });

  it('given a start time shifted by a day, when generated, then only the timestamps move', () => {
    const shifted = generateReadings(fleetOf({ startTime: START + 24 * HOUR, faultFraction: 0.5 }), {
      count: 5_000,
    });
    const original = generateReadings(fleetOf({ faultFraction: 0.5 }), { count: 5_000 });
    expect(shifted).toEqual(original.map((r) => ({ ...r, timestamp: r.timestamp + 24 * HOUR })));
  });

  it('given a count, when generated, then exactly that many readings come, in event-time order', () => {
    const readings = generateReadings(fleetOf({ faultFraction: 1 }), { count: 12_345 });
    expect(readings).toHaveLength(12_345);
    for (let i = 1; i < readings.length; i++) {
      expect((readings[i]?.timestamp ?? 0) >= (readings[i - 1]?.timestamp ?? 0)).toBe(true);
    }
  });

  it('given an until time, when generated, then every reading is before it and the next call continues', () => {
    const fleet = fleetOf();
    const firstMinute = generateReadings(fleet, { until: START + 60_000 });
    const secondMinute = generateReadings(fleet, { until: START + 120_000 });
    expect(firstMinute).toHaveLength(40 * 60);
    expect(firstMinute.every((r) => r.timestamp < START + 60_000)).toBe(true);
    expect(secondMinute.every((r) => r.timestamp >= START + 60_000 && r.timestamp < START + 120_000)).toBe(
      true,
    );
    expect([...firstMinute, ...secondMinute]).toEqual(
      generateReadings(fleetOf(), { until: START + 120_000 }),
    );
  });

  it('given a fleet, when each interval passes, then every machine reports once, spread over the interval', () => {
    const readings = generateReadings(fleetOf({ faultFraction: 0 }), { count: 40 * 10 });
    for (const [, own] of byMachine(readings)) {
      expect(own).toHaveLength(10);
      own.slice(1).forEach((reading, i) => expect(reading.timestamp - (own[i]?.timestamp ?? 0)).toBe(1_000));
    }
    expect(readings.slice(0, 40).map((r) => r.timestamp - START)).toEqual(
      Array.from({ length: 40 }, (_, i) => i * 25),
    );
  });

  it('given 8 machines, when created, then ids are numbered per type and types assigned round robin', () => {
    const fleet = createFleet({ machines: 8, seed: 1, startTime: START });
    expect(fleet.machines.map((m) => m.machineId)).toEqual([
      'cnc_mill-0001',
      'pump-0001',
      'compressor-0001',
      'conveyor-0001',
      'cnc_mill-0002',
      'pump-0002',
      'compressor-0002',
      'conveyor-0002',
    ]);
  });

  it('given 40,000 machines, when created, then every id fits the 50-character contract', () => {
    const fleet = createFleet({ machines: 40_000, seed: 1, startTime: START, faultFraction: 0 });
    expect(fleet.machines.at(-1)?.machineId).toBe('conveyor-10000');
    expect(fleet.machines.every((m) => m.machineId.length <= 50)).toBe(true);
  });

  it('given faults of every kind, when each machine reports, then seq increases by one per reading', () => {
    const fleet = fleetOf({ faultFraction: 1, firstSeq: 1_000, faultPeriodMs: HOUR / 2 });
    for (const [machineId, own] of byMachine(generateReadings(fleet, { until: START + HOUR }))) {
      const gaps = own.filter((reading, i) => reading.seq !== 1_000 + i);
      expect(gaps, machineId).toEqual([]);
    }
  });

  it.each([
    ['avro v2', 'avro', 2],
    ['avro v1', 'avro', 1],
    ['json', 'json', 2],
  ] as const)(
    'given readings with every fault, when encoded as %s and decoded, then the real validator accepts them',
    (_, format, version) => {
      const fleet = fleetOf({ faultFraction: 1, faultPeriodMs: HOUR / 3 });
      const readings = generateReadings(fleet, { until: START + HOUR / 3 });
      const decoded = readings.map((reading) => {
        const result = decodeReading(encodeReading(reading, format, version), DECODE);
        if (!result.ok) throw new Error(`${reading.machineId} @${reading.timestamp}: ${result.error}`);
        return result.reading;
      });
      const expected = version === 1 ? readings.map(({ pressureBar: _, ...v1 }) => v1) : readings;
      expect(decoded).toStrictEqual(expected);
    },
  );

  it('given the types, when they report, then counters come from part makers and pressure from fluid machines', () => {
    const readings = generateReadings(fleetOf(), { count: 400 });
    for (const reading of readings) {
      const makesParts = reading.machineType === 'cnc_mill' || reading.machineType === 'conveyor';
      expect(reading.goodCount !== undefined, reading.machineType).toBe(makesParts);
      expect(reading.rejectCount !== undefined).toBe(makesParts);
      expect(reading.pressureBar !== undefined).toBe(!makesParts);
      expect(reading.rpm).toBeDefined();
      expect(reading.powerKw).toBeDefined();
    }
  });

  it('given a healthy fleet, when it runs for hours, then production counters only grow, and only while running', () => {
    const readings = generateReadings(fleetOf({ faultFraction: 0 }), { until: START + 2 * HOUR });
    let produced = 0;
    const wrong: SensorReading[] = [];
    for (const [, own] of byMachine(readings)) {
      own.forEach((reading, i) => {
        const before = i > 0 ? own[i - 1] : undefined;
        if (reading.goodCount === undefined || before?.goodCount === undefined) return;
        const good = reading.goodCount - before.goodCount;
        const rejected = (reading.rejectCount ?? 0) - (before.rejectCount ?? 0);
        if (good < 0 || rejected < 0 || (reading.status !== 'RUNNING' && good + rejected > 0))
          wrong.push(reading);
        produced += good + rejected;
      });
    }
    expect(wrong).toEqual([]);
    expect(produced).toBeGreaterThan(5_000);
  });

  it('given a healthy fleet, when running, then no reading exceeds its type’s normal mean + 4σ', () => {
    const readings = generateReadings(fleetOf({ machines: 200, faultFraction: 0 }), { until: START + HOUR });
    for (const type of MACHINE_TYPES) {
      const running = readings.filter((r) => r.machineType === type && r.status === 'RUNNING');
      const { temperature, vibration } = MACHINE_PROFILES[type];
      expect(highest(running, 'temperature'), type).toBeLessThan(temperature.mean + 4 * temperature.sigma);
      expect(highest(running, 'vibration'), type).toBeLessThan(vibration.mean + 4 * vibration.sigma);
    }
  });

  it('given each type, when it runs for hours, then its operating pattern shows in the statuses and load', () => {
    const readings = generateReadings(fleetOf({ faultFraction: 0 }), { until: START + 4 * HOUR });
    const statuses = (type: string) =>
      new Set(
        readings.filter((r) => r.machineType === type && r.status !== 'MAINTENANCE').map((r) => r.status),
      );
    expect(statuses('cnc_mill')).toEqual(new Set(['RUNNING', 'IDLE']));
    expect(statuses('pump')).toEqual(new Set(['RUNNING']));
    expect(statuses('compressor')).toEqual(new Set(['RUNNING']));
    expect(statuses('conveyor')).toEqual(new Set(['RUNNING', 'IDLE', 'STOPPED']));
    // CNC jobs vary between 30 and 90 %, compressors cycle loaded/unloaded, pumps hold about 70 %.
    const running = (type: string) =>
      readings.filter((r) => r.machineType === type && r.status === 'RUNNING');
    expect(lowest(running('cnc_mill'), 'load')).toBeLessThan(40);
    expect(highest(running('cnc_mill'), 'load')).toBeGreaterThan(80);
    expect(lowest(running('compressor'), 'load')).toBeLessThan(40);
    expect(highest(running('compressor'), 'load')).toBeGreaterThan(85);
    expect(lowest(running('pump'), 'load')).toBeGreaterThan(60);
    expect(highest(running('pump'), 'load')).toBeLessThan(80);
  });

  it('given a fleet over two weeks, when it runs, then maintenance happens, rarely, with the machine locked out', () => {
    const fleet = fleetOf({ machines: 50, faultFraction: 0, intervalMs: 60_000 });
    let total = 0;
    let maintenance = 0;
    while (fleet.nextTime < START + 14 * 24 * HOUR) {
      const reading = fleet.next();
      total += 1;
      if (reading.status !== 'MAINTENANCE') continue;
      maintenance += 1;
      expect([reading.load, reading.rpm, reading.powerKw]).toEqual([0, 0, 0]);
    }
    expect(maintenance).toBeGreaterThan(0);
    expect(maintenance / total).toBeLessThan(0.02);
  });

  it.each([
    [{ machines: 0 }, /machines must be an integer from 1/],
    [{ intervalMs: 0 }, /intervalMs must be a positive number/],
    [{ faultFraction: 1.5 }, /faultFraction must be from 0 to 1/],
    [{ startTime: 1.5 }, /startTime must be integer epoch milliseconds/],
  ])('given %o, when created, then it is refused with a clear message', (bad, message) => {
    expect(() => fleetOf(bad)).toThrow(message);
  });

  it('given one machine type, when created, then every machine is of it', () => {
    const readings = generateReadings(fleetOf({ machineTypes: ['pump'] }), { count: 100 });
    expect(new Set(readings.map((r) => r.machineType))).toEqual(new Set(['pump']));
    expect(MACHINE_TYPES).toContain('pump');
  });
});
