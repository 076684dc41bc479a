// Detection quality against the simulator's ground truth, with the seed configs: a healthy fleet raises no
// anomaly at all (no false alarms, at 1 s and at 100 ms reporting), and every injected fault of a kind
// thresholds can see is caught, by an anomaly of the matching kind, during its window or shortly after.
import { describe, expect, it } from 'vitest';
import { createPartitionState, processBatch, type TwinEvent } from '../../processors/partition/index.js';
import {
  configLookup,
  SEED_MACHINE_TYPE_CONFIGS,
  type AnomalyEvent,
} from '../../processors/threshold-detection/index.js';
import { createFleet, generateReadings, type FaultPlan, type FaultType, type FleetOptions } from './index.js';

const T0 = Date.UTC(2025, 0, 6, 6, 0, 0);
const MINUTE = 60_000;
const configs = configLookup(SEED_MACHINE_TYPE_CONFIGS);

type Anomaly = AnomalyEvent;

/** Folds the fleet's readings until `until` in batches of 5,000 (the processor's default): the anomalies. */
function foldFleet(options: FleetOptions, until: number): Anomaly[] {
  const fleet = createFleet(options);
  let state = createPartitionState();
  let offset = 0;
  const opened: Anomaly[] = [];
  while (fleet.nextTime < until) {
    const readings = generateReadings(fleet, { count: 5_000, until });
    const result = processBatch(
      state,
      readings.map((reading) => ({ offset: offset++, reading })),
      configs,
    );
    state = result.state;
    for (const event of result.events) if (isOpened(event)) opened.push(event);
  }
  return opened;
}

const isOpened = (event: TwinEvent): event is AnomalyEvent => event.type === 'ANOMALY_OPENED';
const describeAnomaly = (a: Anomaly) =>
  `${a.machineId} ${a.anomalyType} ${a.severity} at ${(a.eventTime - T0) / 1000} s`;

describe('detection quality over the simulated fleet (seed configs)', () => {
  it.each([
    // 100 machines reporting every second; 40 every 100 ms (the demo's 300 machines at 3,000 readings/s).
    { intervalMs: 1_000, machines: 100, seed: 7 },
    { intervalMs: 100, machines: 40, seed: 8 },
  ])(
    'given a healthy fleet of $machines machines reporting every $intervalMs ms, when folded for 30 minutes, then no anomaly opens',
    ({ intervalMs, machines, seed }) => {
      const opened = foldFleet(
        { machines, seed, startTime: T0, intervalMs, faultFraction: 0 },
        T0 + 30 * MINUTE,
      );
      expect(opened.map(describeAnomaly)).toEqual([]);
    },
    60_000,
  );

  describe('injected faults', () => {
    // What each fault must raise. stuck_sensor is left out on purpose: a sensor frozen at a normal value
    // breaks no bound and has no rate, so thresholds can't see it by design (it needs a flat-line rule).
    const EXPECTED: Readonly<Record<Exclude<FaultType, 'stuck_sensor'>, readonly string[]>> = {
      overheating: ['TEMPERATURE_HIGH', 'TEMPERATURE_RATE'],
      vibration_spike: ['VIBRATION_HIGH'],
      bearing_wear: ['VIBRATION_HIGH'],
      dropout: ['STALE_DATA'],
    };
    // Durations the thresholds can see by design: a spike must outlast the type's raiseAfterMs (≤ 30 s), a
    // dropout its stale-data timeout (≤ 5 min). All within the simulator's realistic ranges but the dropout,
    // a minute beyond its 1–5 minutes so that the compressor's 5-minute timeout sees it too.
    const WINDOWS: Readonly<Record<keyof typeof EXPECTED, { startMin: number; minutes: number }>> = {
      overheating: { startMin: 6, minutes: 12 },
      vibration_spike: { startMin: 8, minutes: 1 },
      bearing_wear: { startMin: 5, minutes: 30 },
      dropout: { startMin: 10, minutes: 6 },
    };
    /** "Shortly after": an anomaly may open this long after the window ends (a window still being judged). */
    const AFTER_MS = 2 * MINUTE;
    const TYPES = ['cnc_mill', 'pump', 'compressor', 'conveyor'] as const;

    // 5 machines per type (ids `<type>-0001`…): faults on 0001-0004, one fault type each; 0005 stays healthy.
    const plans: FaultPlan[] = TYPES.flatMap((type) =>
      (Object.keys(EXPECTED) as Array<keyof typeof EXPECTED>).map((fault, i) => ({
        machineId: `${type}-000${i + 1}`,
        fault,
        startTime: T0 + WINDOWS[fault].startMin * MINUTE,
        endTime: T0 + (WINDOWS[fault].startMin + WINDOWS[fault].minutes) * MINUTE,
      })),
    );
    const until = Math.max(...plans.map((plan) => plan.endTime)) + AFTER_MS + MINUTE;

    it.each([
      { intervalMs: 1_000, seed: 11 },
      { intervalMs: 100, seed: 12 },
    ])(
      'given a fleet reporting every $intervalMs ms with overheating, vibration spikes, bearing wear and dropouts on each machine type, when folded, then each fault opens an anomaly of its kind during or shortly after its window, and nothing else opens',
      ({ intervalMs, seed }) => {
        const opened = foldFleet({ machines: 20, seed, startTime: T0, intervalMs, faults: plans }, until);
        const undetected: string[] = [];
        const explained = new Set<Anomaly>();
        for (const plan of plans) {
          const expected = EXPECTED[plan.fault as keyof typeof EXPECTED];
          const during = opened.filter(
            (a) =>
              a.machineId === plan.machineId &&
              a.eventTime >= plan.startTime &&
              a.eventTime <= plan.endTime + AFTER_MS,
          );
          for (const a of during) explained.add(a);
          if (!during.some((a) => expected.includes(a.anomalyType))) {
            undetected.push(`${plan.fault} on ${plan.machineId}: ${during.map(describeAnomaly).join(', ')}`);
          }
        }
        expect(undetected).toEqual([]);
        // No false alarms: not on the healthy machines, nor on the faulty ones outside their windows.
        expect(opened.filter((a) => !explained.has(a)).map(describeAnomaly)).toEqual([]);
      },
      60_000,
    );

    it('given faults shorter than the thresholds wait for, when folded, then they pass unnoticed, by design', () => {
      // The pump waits 30 s before raising (raiseAfterMs); no machine loses its signal in under 10 s.
      const short: FaultPlan[] = [
        {
          machineId: 'pump-0001',
          fault: 'vibration_spike',
          startTime: T0 + 5 * MINUTE,
          endTime: T0 + 5 * MINUTE + 20_000,
        },
        {
          machineId: 'pump-0002',
          fault: 'dropout',
          startTime: T0 + 5 * MINUTE,
          endTime: T0 + 5 * MINUTE + 8_000,
        },
      ];
      const opened = foldFleet(
        { machines: 2, seed: 13, startTime: T0, intervalMs: 1_000, machineTypes: ['pump'], faults: short },
        T0 + 12 * MINUTE,
      );
      expect(opened.map(describeAnomaly)).toEqual([]);
    });

    it('given a 2-minute dropout of a machine reporting every second, when folded, then it loses its signal after 20 missed readings, well before the pump config 3-minute afterMs', () => {
      const dropout: FaultPlan[] = [
        { machineId: 'pump-0002', fault: 'dropout', startTime: T0 + 5 * MINUTE, endTime: T0 + 7 * MINUTE },
      ];
      const opened = foldFleet(
        { machines: 2, seed: 13, startTime: T0, intervalMs: 1_000, machineTypes: ['pump'], faults: dropout },
        T0 + 12 * MINUTE,
      );
      expect(opened.map((a) => [a.machineId, a.anomalyType])).toEqual([['pump-0002', 'STALE_DATA']]);
      const silence = opened[0]!.eventTime - (T0 + 5 * MINUTE);
      expect(silence).toBeGreaterThan(19_000);
      expect(silence).toBeLessThan(23_000);
    });
  });
});
