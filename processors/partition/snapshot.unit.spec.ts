import { describe, expect, it } from 'vitest';
import { configLookup, PUMP_CONFIG, SEED_MACHINE_TYPE_CONFIGS } from '../threshold-detection/index.js';
import { given, machine, randomReadings, seconds, T0 } from '../testing/index.js';
import { createPartitionState, getTwin, type PartitionState } from './partition-state.js';
import { processBatch, type ReadingRecord } from './process-batch.js';
import { restorePartitionState, serializePartitionState, SnapshotError } from './snapshot.js';
import type { TwinEvent } from './twin-event.js';

const configs = configLookup(SEED_MACHINE_TYPE_CONFIGS);
const records = (readings: ReturnType<typeof randomReadings>, from = 0): ReadingRecord[] =>
  readings.map((reading, i) => ({ offset: from + i, reading }));
const viaJson = (state: PartitionState): unknown =>
  JSON.parse(JSON.stringify(serializePartitionState(state)));
const changes = (events: TwinEvent[]) => events.filter((e) => e.type !== 'TWIN_UPDATED');

describe('snapshots', () => {
  it.each([21, 22, 23])(
    'given a random stream (seed %i) cut into A and B, when A is folded, snapshotted through JSON, restored and B folded, then it equals folding A+B in one go',
    (seed) => {
      const readings = randomReadings({ seed, count: 3_000, machines: 40, silences: true, disorder: 0.08 });
      const cut = 1_234;
      const whole = processBatch(createPartitionState(), records(readings), configs);

      const a = processBatch(createPartitionState(), records(readings.slice(0, cut)), configs);
      const restored = restorePartitionState(viaJson(a.state));
      const b = processBatch(restored, records(readings.slice(cut), cut), configs);

      expect(changes([...a.events, ...b.events])).toEqual(changes(whole.events));
      expect([...a.rejected, ...b.rejected]).toEqual(whole.rejected);
      expect(serializePartitionState(b.state)).toEqual(serializePartitionState(whole.state));

      // And exactly (TWIN_UPDATED included) what folding B without the snapshot gives.
      const bWithoutSnapshot = processBatch(a.state, records(readings.slice(cut), cut), configs);
      expect(b.events).toEqual(bWithoutSnapshot.events);
    },
  );

  it('given a rate track mid-window, when snapshotted and restored, then it carries on as if never snapshotted', () => {
    const p = machine('pump-1', 'pump');
    // Rising 8 °C/min from the baseline: windows end at 90 s, 150 s, …; the snapshot is taken at 100 s.
    const readings = Array.from({ length: 300 }, (_, i) =>
      p.at(seconds(i), { temperature: 55 + (8 * i) / 60 }),
    );
    const driver = given([PUMP_CONFIG]).readings(...readings.slice(0, 101));
    expect(driver.snapshot().machines[0]?.twin.rates).toEqual([
      0, // temperature
      1, // anchored
      expect.closeTo(55 + (8 * 100) / 60 - 2, 0), // smoothed: lags the ramp by 8 °C/min × 15 s
      T0 + seconds(100),
      expect.closeTo(55 + (8 * 90) / 60 - 2, 0), // anchor: the smoothed value at 90 s
      T0 + seconds(90),
    ]);
    const changes = (d: ReturnType<typeof given>) =>
      d.when(...readings.slice(101)).changes.filter((e) => e.type !== 'TWIN_UPDATED');
    const restored = changes(driver.restored());
    expect(restored).toEqual(changes(given([PUMP_CONFIG]).readings(...readings.slice(0, 101))));
    expect(restored).toContainEqual(expect.objectContaining({ anomalyType: 'TEMPERATURE_RATE' }));
  });

  it('given a pending detection, when snapshotted and restored, then its raise timer carries on', () => {
    const p = machine('pump-1', 'pump');
    // Pump: temperature HIGH bound 73 °C, raiseAfterMs 30 s.
    const driver = given([PUMP_CONFIG]).readings(p.at(0, { temperature: 75 }));
    expect(driver.snapshot().machines[0]?.detection?.rules).toEqual([
      expect.objectContaining({
        ruleId: 'temperature.high',
        severity: null,
        since: driver.twin('pump-1')!.firstSeen,
      }),
    ]);
    driver
      .restored()
      .when(p.at(seconds(30), { temperature: 75 }))
      .then([
        {
          type: 'ANOMALY_OPENED',
          anomalyType: 'TEMPERATURE_HIGH',
          calculatedMetrics: { durationMs: seconds(30) },
        },
      ]);
  });

  it('is plain JSON data: no undefined, NaN or Infinity, and stable through a JSON round trip', () => {
    const readings = randomReadings({ seed: 5, count: 1_000, machines: 10, silences: true });
    const { state } = processBatch(createPartitionState(), records(readings), configs);
    const snapshot = serializePartitionState(state);
    expect(JSON.parse(JSON.stringify(snapshot))).toStrictEqual(snapshot);
    const restored = restorePartitionState(JSON.parse(JSON.stringify(snapshot)));
    expect(serializePartitionState(restored)).toStrictEqual(snapshot);
    expect(snapshot.machines.map((m) => m.machineId)).toEqual(
      [...snapshot.machines.map((m) => m.machineId)].sort(),
    );
  });

  it('is detached: folding on after a snapshot does not change it', () => {
    const p = machine('pump-1', 'pump');
    const first = processBatch(createPartitionState(), [{ offset: 0, reading: p.at(0) }], configs);
    const snapshot = serializePartitionState(first.state);
    const copy = structuredClone(snapshot);
    processBatch(first.state, [{ offset: 1, reading: p.at(seconds(1), { temperature: 99 }) }], configs);
    expect(snapshot).toEqual(copy);
  });

  it('keeps a twin compact: well under 1 KB of JSON per machine with every optional sensor', () => {
    const p = machine('pump-1', 'pump');
    const batch = Array.from({ length: 500 }, (_, i) => ({
      offset: i,
      reading: p.at(seconds(i), { rpm: 1480, powerKw: 45.5, pressureBar: 6.2, goodCount: i, rejectCount: 3 }),
    }));
    const { state } = processBatch(createPartitionState(), batch, configs);
    const [machineSnapshot] = serializePartitionState(state).machines;
    expect(JSON.stringify(machineSnapshot).length).toBeLessThan(1_024);
    expect(getTwin(state, 'pump-1')?.counters.applied).toBe(500);
  });

  describe('given a damaged snapshot, when restored, then it fails with one line naming the path', () => {
    // The snapshot as loosely typed JSON, so a test can damage it.
    interface JsonSnapshot {
      format: number;
      machines: Array<{
        machineId: string;
        twin: { status: string; counters: { late?: number }; rates: number[] | null };
      }>;
    }
    const valid = (): JsonSnapshot => {
      const p = machine('pump-1', 'pump');
      const { state } = processBatch(createPartitionState(), [{ offset: 0, reading: p.at(0) }], configs);
      return JSON.parse(JSON.stringify(serializePartitionState(state))) as JsonSnapshot;
    };

    it.each([
      [
        'an older format',
        (s: JsonSnapshot) => ({ ...s, format: 2 }),
        /^partition snapshot format 2 can't be restored: this version reads format 3 only \(twins now keep rate-of-change tracks/,
      ],
      [
        'a format that is not a number',
        (s: JsonSnapshot) => ({ ...s, format: '3' }),
        /^invalid partition snapshot: format: /,
      ],
      [
        'rate tracks of the wrong length',
        (s: JsonSnapshot) => ((s.machines[0]!.twin.rates = [0, 1, 55, 0, 55]), s),
        /machines\.0\.twin\.rates: expected up to 6 tracks of 6 numbers, got 5 numbers/,
      ],
      [
        'a rate track of an unknown sensor',
        (s: JsonSnapshot) => ((s.machines[0]!.twin.rates = [6, 1, 55, 0, 55, 0]), s),
        /machines\.0\.twin\.rates: track 0: sensor must be a distinct TWIN_SENSORS index, got 6/,
      ],
      [
        'a bad status',
        (s: JsonSnapshot) => ((s.machines[0]!.twin.status = 'ON'), s),
        /machines\.0\.twin\.status/,
      ],
      [
        'a missing counter',
        (s: JsonSnapshot) => (delete s.machines[0]!.twin.counters.late, s),
        /machines\.0\.twin\.counters\.late/,
      ],
      [
        'an id mismatch',
        (s: JsonSnapshot) => ((s.machines[0]!.machineId = 'x'), s),
        /machines\.0\.twin\.machineId: differs/,
      ],
      [
        'a duplicate machine',
        (s: JsonSnapshot) => ({ ...s, machines: [s.machines[0], s.machines[0]] }),
        /appears twice/,
      ],
      ['not an object', () => 'snapshot', /\(root\)/],
    ])('%s', (_case, damage, message) => {
      expect(() => restorePartitionState(damage(valid()))).toThrow(SnapshotError);
      expect(() => restorePartitionState(damage(valid()))).toThrow(message);
    });
  });
});
