import { describe, expect, it } from 'vitest';
import { configLookup, PUMP_CONFIG, SEED_MACHINE_TYPE_CONFIGS } from '../threshold-detection/index.js';
import { given, machine, minutes, prng, randomReadings, seconds, T0 } from '../testing/index.js';
import { createPartitionState, getTwin, StalePartitionStateError } from './partition-state.js';
import { processBatch, type ReadingRecord } from './process-batch.js';
import { serializePartitionState } from './snapshot.js';
import type { TwinEvent } from './twin-event.js';

const configs = configLookup(SEED_MACHINE_TYPE_CONFIGS);
const records = (readings: ReturnType<typeof randomReadings>, from = 0): ReadingRecord[] =>
  readings.map((reading, i) => ({ offset: from + i, reading }));

describe('processBatch', () => {
  it('given readings of two machines, when folded, then one TWIN_UPDATED per machine follows the events of its last reading', () => {
    const a = machine('a', 'pump');
    const b = machine('b', 'pump');
    const { events } = given([PUMP_CONFIG]).when(
      a.at(0),
      b.at(0),
      a.at(seconds(1)),
      a.at(seconds(2), { status: 'IDLE' }),
      b.at(seconds(3)),
    );
    expect(events.map((e) => [e.type, e.machineId, e.sourceOffset, e.index])).toEqual([
      ['STATUS_CHANGED', 'a', 0, 0],
      ['STATUS_CHANGED', 'b', 1, 0],
      ['STATUS_CHANGED', 'a', 3, 0],
      ['TWIN_UPDATED', 'a', 3, 1],
      ['TWIN_UPDATED', 'b', 4, 0],
    ]);
  });

  it('given a TWIN_UPDATED, then it carries a compact summary of the twin after the batch', () => {
    const a = machine('a', 'pump');
    const { events } = given([PUMP_CONFIG]).when(
      a.at(0, { temperature: 50 }),
      a.at(seconds(1), { temperature: 60, goodCount: 7 }),
    );
    expect(events.at(-1)).toMatchObject({
      type: 'TWIN_UPDATED',
      machineId: 'a',
      eventTime: T0 + seconds(1),
      twin: {
        status: 'RUNNING',
        lastEventTime: T0 + seconds(1),
        latest: { temperature: 60, goodCount: 7 },
        counters: { applied: 2 },
        // A new twin's first values are plainly averaged (see twin-state's statistics).
        stats: { temperature: { count: 2, mean: 55, stdDev: 5, min: 50, max: 60 } },
      },
    });
  });

  it('given a reading within grace, a late one and a duplicate, when folded, then the late one is returned for the DLQ and the duplicate only counted', () => {
    const a = machine('a', 'pump');
    const first = a.at(0);
    const outcome = given([PUMP_CONFIG])
      .readings(first, a.at(minutes(1)))
      .when(a.at(seconds(45)), a.at(seconds(10)), first);
    expect(outcome.rejected).toEqual([
      {
        offset: 3,
        reason: 'late',
        detail: `event time ${T0 + seconds(10)} is 50000 ms behind machine a's last event time ${T0 + minutes(1)} (grace 30000 ms)`,
      },
      { offset: 4, reason: 'duplicate', detail: 'seq 0 of machine a already seen (highest seq 2)' },
    ]);
    expect(outcome.counts).toEqual({
      readings: 3,
      applied: 0,
      appliedOutOfOrder: 1,
      duplicates: 1,
      late: 1,
      newMachines: 0,
      machinesTouched: 1,
    });
    expect(outcome.events.map((e) => e.type)).toEqual(['TWIN_UPDATED']);
    expect((outcome.events[0] as Extract<TwinEvent, { type: 'TWIN_UPDATED' }>).twin.counters).toEqual({
      applied: 2,
      outOfOrder: 1,
      duplicates: 1,
      late: 1,
    });
  });

  it('given an out-of-order reading beyond a threshold, when folded, then it is not judged (detection runs on in-order readings)', () => {
    const a = machine('a', 'pump');
    given([PUMP_CONFIG])
      .readings(a.at(0), a.at(seconds(30)))
      .when(a.at(seconds(20), { temperature: 99, status: 'FAULT' }))
      .then([]);
  });

  it('given a custom grace, when folding, then it decides what is late', () => {
    const a = machine('a', 'pump');
    const outcome = given([PUMP_CONFIG], { graceMs: 5_000 })
      .readings(a.at(seconds(10)))
      .when(a.at(seconds(4)));
    expect(outcome.rejected.map((r) => r.reason)).toEqual(['late']);
  });

  it('given offsets that do not increase, when folded, then it refuses before changing anything', () => {
    const a = machine('a', 'pump');
    const first = processBatch(createPartitionState(), [{ offset: 5, reading: a.at(0) }], configs);
    expect(() => processBatch(first.state, [{ offset: 5, reading: a.at(seconds(1)) }], configs)).toThrow(
      /offsets must increase/,
    );
    expect(() =>
      processBatch(
        first.state,
        [
          { offset: 7, reading: a.at(seconds(1)) },
          { offset: 6, reading: a.at(seconds(2)) },
        ],
        configs,
      ),
    ).toThrow(/offsets must increase/);
    expect(getTwin(first.state, 'a')?.counters.applied).toBe(1);
  });

  it('given an empty batch, when folded, then nothing changes', () => {
    const state = createPartitionState();
    const result = processBatch(state, [], configs);
    expect(result.state).toBe(state);
    expect(result.events).toEqual([]);
  });

  it('gives every event a distinct (sourceOffset, index), in order', () => {
    const readings = randomReadings({ seed: 3, count: 3_000, machines: 30, silences: true });
    const { events } = processBatch(createPartitionState(), records(readings), configs);
    const ids = events.map((e) => `${e.sourceOffset}-${e.index}`);
    expect(new Set(ids).size).toBe(ids.length);
    const sorted = [...events].sort((x, y) => x.sourceOffset - y.sourceOffset || x.index - y.index);
    expect(events).toEqual(sorted);
    // Within an offset, indexes run 0, 1, 2, … without gaps.
    events.forEach((event, i) => {
      const previous = events[i - 1];
      const expected = previous?.sourceOffset === event.sourceOffset ? previous.index + 1 : 0;
      expect(event.index, `event ${i}`).toBe(expected);
    });
  });

  describe('the state is a value', () => {
    it('given a folded batch, when the previous state is folded again (a retry after a failed commit), then the result is the same', () => {
      const readings = randomReadings({ seed: 11, count: 600, machines: 12, silences: true });
      const first = processBatch(createPartitionState(), records(readings.slice(0, 300)), configs);
      const second = processBatch(first.state, records(readings.slice(300), 300), configs);
      const retried = processBatch(first.state, records(readings.slice(300), 300), configs);
      expect(retried.events).toEqual(second.events);
      expect(serializePartitionState(retried.state)).toEqual(
        serializePartitionState(processBatch(first.state, records(readings.slice(300), 300), configs).state),
      );
    });

    it('given a retry that folds a longer batch from the previous state, then it matches folding that batch once', () => {
      const readings = randomReadings({ seed: 12, count: 400, machines: 8 });
      const base = processBatch(createPartitionState(), records(readings.slice(0, 100)), configs);
      processBatch(base.state, records(readings.slice(100, 200), 100), configs); // its commit "failed"
      const retried = processBatch(base.state, records(readings.slice(100), 100), configs);
      const reference = processBatch(
        processBatch(createPartitionState(), records(readings.slice(0, 100)), configs).state,
        records(readings.slice(100), 100),
        configs,
      );
      expect(retried.events).toEqual(reference.events);
      expect(serializePartitionState(retried.state)).toEqual(serializePartitionState(reference.state));
    });

    it('given a batch with new machines, optional sensors, stale data and anomalies, when the previous state is read again, then it is exactly as it was', () => {
      const readings = randomReadings({
        seed: 14,
        count: 1_500,
        machines: 20,
        silences: true,
        disorder: 0.1,
      });
      const first = processBatch(createPartitionState(), records(readings.slice(0, 500)), configs);
      const before = serializePartitionState(first.state);
      const second = processBatch(first.state, records(readings.slice(500), 500), configs);
      expect(second.events.some((e) => e.type === 'ANOMALY_OPENED')).toBe(true);
      expect(serializePartitionState(first.state)).toEqual(before); // rolls the store back
      expect(() => serializePartitionState(second.state)).toThrow(StalePartitionStateError);
    });

    it('given a batch that starts one rate track and moves another on, when the previous state is read again, then both are as they were', () => {
      const idle = machine('idle', 'pump');
      const running = machine('running', 'pump');
      const first = processBatch(
        createPartitionState(),
        records([idle.at(0, { status: 'IDLE' }), ...[0, 1, 2].map((s) => running.at(seconds(s)))]),
        configs,
      );
      const before = serializePartitionState(first.state);
      expect(before.machines.map((m) => m.twin.rates === null)).toEqual([true, false]);
      const batch = [10, 20, 30, 40].flatMap((s) => [
        idle.at(seconds(s), { temperature: 60 }),
        running.at(seconds(s), { temperature: 60 }),
      ]);
      const second = processBatch(first.state, records(batch, 4), configs);
      const after = serializePartitionState(second.state).machines.map((m) => m.twin.rates);
      expect(after[0]).not.toBeNull();
      expect(after[1]).not.toEqual(before.machines[1]!.twin.rates);
      expect(serializePartitionState(first.state)).toEqual(before);
    });

    it('given two newer versions, when the oldest is used, then it refuses instead of giving wrong answers', () => {
      const readings = randomReadings({ seed: 13, count: 30, machines: 3 });
      const s0 = createPartitionState();
      const s1 = processBatch(s0, records(readings.slice(0, 10)), configs).state;
      processBatch(s1, records(readings.slice(10, 20), 10), configs);
      expect(() => processBatch(s0, records(readings.slice(0, 10)), configs)).toThrow(
        StalePartitionStateError,
      );
    });

    it('given a config lookup that throws half-way, when folded, then the state is as before the batch', () => {
      const a = machine('a', 'pump');
      const first = processBatch(createPartitionState(), [{ offset: 0, reading: a.at(0) }], configs);
      const before = serializePartitionState(first.state);
      const failing = (type: string) => {
        if (type === 'boom') throw new Error('config store down');
        return configs(type);
      };
      const batch = [
        { offset: 1, reading: a.at(seconds(1), { temperature: 90 }) },
        { offset: 2, reading: machine('b', 'boom').at(seconds(2)) },
      ];
      expect(() => processBatch(first.state, batch, failing)).toThrow('config store down');
      expect(serializePartitionState(first.state)).toEqual(before);
    });
  });

  describe('twin publish interval', () => {
    const fold = (
      state: ReturnType<typeof createPartitionState>,
      offset: number,
      reading: ReadingRecord['reading'],
    ) => processBatch(state, [{ offset, reading }], configs, { twinPublishIntervalMs: seconds(5) });

    it('given one reading per second, each its own batch, when folded with a 5 s interval, then a twin is published on entering each 5 s slot and on a status change', () => {
      const a = machine('a', 'pump');
      let state = createPartitionState();
      const published: number[] = [];
      for (let i = 0; i < 12; i++) {
        const outcome = fold(state, i, a.at(seconds(i), i === 7 ? { status: 'IDLE' } : {}));
        state = outcome.state;
        if (outcome.events.some((e) => e.type === 'TWIN_UPDATED')) published.push(i);
      }
      // T0 is slot-aligned: new machine at 0, slots at 5 and 10, status changes at 7 (IDLE) and 8 (RUNNING).
      expect(T0 % seconds(5)).toBe(0);
      expect(published).toEqual([0, 5, 7, 8, 10]);
    });

    it("given a random stream cut into random batches, when folded with a 5 s interval, then each machine's last published twin is less than one interval behind its final event time", () => {
      // About one reading per machine per second.
      const readings = randomReadings({ seed: 11, count: 2_000, machines: 25, disorder: 0.05, stepMs: 40 });
      const random = prng(17);
      let state = createPartitionState();
      const last = new Map<string, number>();
      let updates = 0;
      for (let start = 0; start < readings.length;) {
        const size = 1 + Math.floor(random() * 40);
        const batch = processBatch(state, records(readings.slice(start, start + size), start), configs, {
          twinPublishIntervalMs: seconds(5),
        });
        state = batch.state;
        for (const event of batch.events)
          if (event.type === 'TWIN_UPDATED') {
            last.set(event.machineId, event.eventTime);
            updates += 1;
          }
        start += size;
      }
      const every = processBatch(createPartitionState(), records(readings), configs).events;
      expect(last.size).toBe(25);
      for (const [machineId, eventTime] of last) {
        const final = getTwin(state, machineId)!.lastEventTime;
        expect(final - eventTime).toBeLessThan(seconds(5));
      }
      // Far fewer than one per reading.
      expect(updates).toBeLessThan(readings.length / 2);
      expect(every.filter((e) => e.type === 'TWIN_UPDATED').length).toBe(25);
    });
  });

  describe('determinism (property-style)', () => {
    it.each([1, 2, 3, 4, 5])(
      'given a random stream (seed %i), when folded in one batch or cut into random batches, then anomaly/status events and the final state are identical',
      (seed) => {
        const readings = randomReadings({ seed, count: 2_000, machines: 25, silences: true, disorder: 0.08 });
        const whole = processBatch(createPartitionState(), records(readings), configs);

        const random = prng(seed * 7919);
        let state = createPartitionState();
        const events: TwinEvent[] = [];
        const rejected: unknown[] = [];
        for (let start = 0; start < readings.length;) {
          const size = 1 + Math.floor(random() * 150);
          const batch = processBatch(state, records(readings.slice(start, start + size), start), configs);
          state = batch.state;
          events.push(...batch.events);
          rejected.push(...batch.rejected);
          start += size;
        }

        const changes = (list: TwinEvent[]) => list.filter((e) => e.type !== 'TWIN_UPDATED');
        expect(changes(events)).toEqual(changes(whole.events));
        expect(rejected).toEqual(whole.rejected);
        expect(serializePartitionState(state)).toEqual(serializePartitionState(whole.state));
        // The last TWIN_UPDATED of each machine is the same too (id included).
        const lastUpdates = (list: TwinEvent[]) =>
          new Map(list.filter((e) => e.type === 'TWIN_UPDATED').map((e) => [e.machineId, e]));
        expect(lastUpdates(events)).toEqual(lastUpdates(whole.events));
        // The stream does exercise the interesting paths.
        const types = new Set(
          changes(whole.events).map((e) => ('anomalyType' in e ? `${e.type}:${e.anomalyType}` : e.type)),
        );
        expect(types).toContain('ANOMALY_OPENED:STALE_DATA');
        expect(types).toContain('ANOMALY_CLEARED:STALE_DATA');
        expect(types).toContain('ANOMALY_OPENED:STATUS_FAULT');
        // Rate tracks are folded too (their anomalies across batch cuts: rate-of-change.unit.spec.ts).
        expect(serializePartitionState(whole.state).machines.some((m) => m.twin.rates !== null)).toBe(true);
        expect(whole.counts.duplicates + whole.counts.late + whole.counts.appliedOutOfOrder).toBeGreaterThan(
          0,
        );
      },
    );
  });
});
