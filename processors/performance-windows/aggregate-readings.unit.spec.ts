import { describe, expect, it } from 'vitest';
import type { SensorReading } from '../readings/reading.js';
import { machine, minutes, prng, randomReadings, reading, seconds, T0 } from '../testing/index.js';
import { emptySeqWindow, markSeq } from '../twin-state/seq-window.js';
import {
  aggregateReadings,
  emptyWindowPosition,
  resolveWindowOptions,
  type AggregateOutput,
  type MachineWindowPosition,
  type WindowOptions,
} from './aggregate-readings.js';
import { fixedSum, mergeSums, type WindowSums } from './window-metrics.js';

const options: WindowOptions = { windowMs: minutes(1), graceMs: seconds(30) };

function aggregate(
  readings: readonly SensorReading[],
  given: {
    streamTime?: number | null;
    positions?: ReadonlyMap<string, MachineWindowPosition>;
    options?: WindowOptions;
  } = {},
): AggregateOutput {
  return aggregateReadings({
    streamTime: given.streamTime ?? null,
    readings,
    positions: given.positions ?? new Map(),
    options: given.options ?? options,
  });
}

const pick = (output: AggregateOutput, machineId: string, windowStart: number): WindowSums | undefined =>
  output.sums.find((sums) => sums.machineId === machineId && sums.windowStart === windowStart);

describe('aggregateReadings', () => {
  it('given readings of several statuses in one minute, when aggregated, then the window adds them up', () => {
    const press = machine('press-1', 'press');
    const output = aggregate([
      press.at(seconds(0), { load: 80, temperature: 50, vibration: 2 }),
      press.at(seconds(10), { load: 60, temperature: 52, vibration: 3, status: 'IDLE' }),
      press.at(seconds(20), { load: 10, temperature: 54, vibration: 1, status: 'MAINTENANCE' }),
      press.at(seconds(30), { load: 70, temperature: 56, vibration: 2, status: 'RUNNING' }),
    ]);
    expect(output.sums).toEqual([
      {
        machineId: 'press-1',
        windowStart: T0,
        windowMs: minutes(1),
        readings: 4,
        sumLoad: fixedSum(220),
        sumTemperature: fixedSum(212),
        sumVibration: fixedSum(8),
        plannedReadings: 3,
        runningReadings: 2,
        sumLoadRunning: fixedSum(150),
        goodCount: 0,
        rejectCount: 0,
        anomalyCount: 0,
      },
    ]);
    expect(output.counts).toEqual({ applied: 4, duplicates: 0, late: 0 });
    expect(output.streamTime).toBe(T0 + seconds(30));
  });

  it('given readings either side of a minute boundary, when aggregated, then they fall in UTC-aligned windows', () => {
    const output = aggregate([
      reading({ timestamp: T0 + minutes(1) - 1 }),
      reading({ timestamp: T0 + minutes(1) }),
      reading({ machineId: 'pump-0', timestamp: T0 + minutes(3) + 5 }),
    ]);
    expect(output.sums.map((sums) => [sums.machineId, sums.windowStart - T0, sums.readings])).toEqual([
      ['pump-0', minutes(3), 1],
      ['pump-1', 0, 1],
      ['pump-1', minutes(1), 1],
    ]);
  });

  it('given a 5-minute base window, when aggregated, then windows start on multiples of 5 minutes', () => {
    const output = aggregate([reading({ timestamp: T0 + minutes(7) })], {
      options: { windowMs: minutes(5), graceMs: 0 },
    });
    expect(output.sums[0]).toMatchObject({ windowStart: T0 + minutes(5), windowMs: minutes(5) });
  });

  describe('lateness, on the stream time before each reading', () => {
    it('given stream time at the window end plus grace, when a reading of that window arrives, then it is late and counts for nothing', () => {
      const streamTime = T0 + minutes(1) + seconds(30);
      const output = aggregate([reading({ timestamp: T0 + seconds(59), seq: 7, goodCount: 5 })], {
        streamTime,
      });
      expect(output.counts).toEqual({ applied: 0, duplicates: 0, late: 1 });
      expect(output.sums).toEqual([]);
      expect(output.positions.size).toBe(0);
      expect(output.streamTime).toBe(streamTime);
    });

    it('given stream time one ms short of the window end plus grace, when a reading of that window arrives, then it is applied', () => {
      const output = aggregate([reading({ timestamp: T0 })], {
        streamTime: T0 + minutes(1) + seconds(30) - 1,
      });
      expect(output.counts.applied).toBe(1);
    });

    it('given a batch whose own readings move stream time on, when an older reading follows, then it is judged against them', () => {
      const output = aggregate([
        reading({ timestamp: T0 + minutes(2) }),
        reading({ timestamp: T0 + seconds(20) }), // window closed at T0 + 1:30
        reading({ timestamp: T0 + minutes(1) + seconds(10) }), // window open until T0 + 2:30
      ]);
      expect(output.counts).toEqual({ applied: 2, duplicates: 0, late: 1 });
      expect(output.sums.map((sums) => sums.windowStart - T0)).toEqual([minutes(1), minutes(2)]);
    });

    it('given no stream time yet, when an old reading opens the partition, then it is applied', () => {
      expect(aggregate([reading({ timestamp: 0 })]).counts.applied).toBe(1);
    });
  });

  describe('duplicates, by seq', () => {
    it('given a seq seen earlier in the batch, when it comes again, then it is a duplicate', () => {
      const output = aggregate([reading({ seq: 1 }), reading({ seq: 2 }), reading({ seq: 1, load: 99 })]);
      expect(output.counts).toEqual({ applied: 2, duplicates: 1, late: 0 });
      expect(output.sums[0]?.readings).toBe(2);
    });

    it('given a seq seen in an earlier batch, when it comes again, then it is a duplicate', () => {
      const seq = emptySeqWindow();
      markSeq(seq, 41);
      const positions = new Map([['pump-1', { ...emptyWindowPosition(), seq }]]);
      const output = aggregate([reading({ seq: 41 }), reading({ seq: 42 })], { positions });
      expect(output.counts).toEqual({ applied: 1, duplicates: 1, late: 0 });
      expect(output.positions.get('pump-1')?.seq.high).toBe(42);
    });

    it('given the same seq on two machines, or readings without seq, then none is a duplicate', () => {
      const output = aggregate([
        reading({ machineId: 'a', seq: 1 }),
        reading({ machineId: 'b', seq: 1 }),
        reading({ machineId: 'a' }),
        reading({ machineId: 'a' }),
      ]);
      expect(output.counts).toEqual({ applied: 4, duplicates: 0, late: 0 });
    });

    it("given a late reading with a seq, when aggregated, then the machine's position is left as it was", () => {
      const output = aggregate([reading({ timestamp: T0, seq: 5 })], { streamTime: T0 + minutes(10) });
      expect(output.counts.late).toBe(1);
      expect(output.positions.has('pump-1')).toBe(false);
    });
  });

  describe('production counters (cumulative on the wire)', () => {
    const counters = (timestamp: number, goodCount: number, rejectCount: number) =>
      reading({ timestamp: T0 + timestamp, goodCount, rejectCount });

    it('given a new machine, when its first counters arrive, then they are a baseline and later increases count', () => {
      const output = aggregate([
        counters(seconds(0), 150_000, 900),
        counters(seconds(30), 150_010, 901),
        counters(seconds(70), 150_025, 901),
      ]);
      expect(output.sums.map((sums) => [sums.goodCount, sums.rejectCount])).toEqual([
        [10, 1],
        [15, 0],
      ]);
      expect(output.positions.get('pump-1')).toMatchObject({
        countersTime: T0 + seconds(70),
        lastGood: 150_025,
        lastReject: 901,
      });
    });

    it('given a counter that went down, when it arrives, then it was reset and counts from zero', () => {
      const output = aggregate([counters(0, 500, 10), counters(seconds(10), 4, 1)]);
      expect(output.sums[0]).toMatchObject({ goodCount: 4, rejectCount: 1 });
    });

    it('given an out-of-order reading older than the last counters, then it adds no counts', () => {
      const output = aggregate([
        counters(0, 100, 0),
        counters(seconds(20), 120, 2),
        counters(seconds(10), 110, 1),
        counters(seconds(30), 130, 2),
      ]);
      expect(output.sums[0]).toMatchObject({ readings: 4, goodCount: 30, rejectCount: 2 });
    });

    it('given a late reading with counters, then its increase goes to the next applied reading', () => {
      const positions = new Map([
        ['pump-1', { ...emptyWindowPosition(), countersTime: T0, lastGood: 100, lastReject: 0 }],
      ]);
      const output = aggregate([counters(seconds(5), 105, 0), counters(minutes(3), 112, 1)], {
        positions,
        streamTime: T0 + minutes(3),
      });
      expect(output.counts).toEqual({ applied: 1, duplicates: 0, late: 1 });
      expect(pick(output, 'pump-1', T0 + minutes(3))).toMatchObject({ goodCount: 12, rejectCount: 1 });
    });

    it('given readings carrying only one counter, then each counter keeps its own last value', () => {
      const output = aggregate([
        reading({ timestamp: T0, goodCount: 10, rejectCount: 1 }),
        reading({ timestamp: T0 + seconds(1), goodCount: 12 }),
        reading({ timestamp: T0 + seconds(2), rejectCount: 3 }),
      ]);
      expect(output.sums[0]).toMatchObject({ goodCount: 2, rejectCount: 2 });
    });
  });

  it('given frozen input positions, when aggregated, then they are left as they were and new ones returned', () => {
    const seq = Object.freeze({ ...emptySeqWindow(), high: 3 });
    const before: MachineWindowPosition = Object.freeze({
      seq,
      countersTime: T0 - 1,
      lastGood: 1,
      lastReject: 0,
    });
    const positions = new Map([['pump-1', before]]);
    const output = aggregate([reading({ seq: 4, goodCount: 3, rejectCount: 0 })], { positions });
    expect(before).toEqual({
      seq: { high: 3, recent: 0, older: 0 },
      countersTime: T0 - 1,
      lastGood: 1,
      lastReject: 0,
    });
    expect(output.positions.get('pump-1')).toEqual({
      seq: { high: 4, recent: 1, older: 0 },
      countersTime: T0,
      lastGood: 3,
      lastReject: 0,
    });
  });

  it('given a stream cut into batches at random, when folded batch by batch, then sums, positions and counts equal one batch', () => {
    const random = prng(7);
    const good = new Map<string, number>();
    const readings = randomReadings({
      seed: 11,
      count: 4_000,
      machines: 12,
      stepMs: 400,
      disorder: 0.08,
    }).map((item): SensorReading => {
      if (random() < 0.2) return item;
      // Counters that mostly grow, sometimes reset, carried on most readings.
      const last = good.get(item.machineId) ?? Math.floor(random() * 1000);
      const next = random() < 0.01 ? 0 : last + Math.floor(random() * 4);
      good.set(item.machineId, next);
      return { ...item, goodCount: next, rejectCount: Math.floor(next / 50) };
    });
    const opts: WindowOptions = { windowMs: seconds(30), graceMs: seconds(5) };
    const whole = aggregate(readings, { options: opts });
    expect(whole.counts.duplicates).toBeGreaterThan(0);
    expect(whole.counts.late).toBeGreaterThan(0);

    let streamTime: number | null = null;
    const positions = new Map<string, MachineWindowPosition>();
    const merged = new Map<string, WindowSums>();
    const counts = { applied: 0, duplicates: 0, late: 0 };
    for (let start = 0; start < readings.length;) {
      const end = Math.min(readings.length, start + 1 + Math.floor(random() * 300));
      const batch = aggregate(readings.slice(start, end), { streamTime, positions, options: opts });
      streamTime = batch.streamTime;
      for (const [id, position] of batch.positions) positions.set(id, position);
      for (const sums of batch.sums) {
        const key = `${sums.machineId}@${sums.windowStart}`;
        const earlier = merged.get(key);
        merged.set(key, earlier === undefined ? sums : mergeSums(earlier, sums));
      }
      counts.applied += batch.counts.applied;
      counts.duplicates += batch.counts.duplicates;
      counts.late += batch.counts.late;
      start = end;
    }

    expect(streamTime).toBe(whole.streamTime);
    expect(counts).toEqual(whole.counts);
    expect(positions).toEqual(whole.positions);
    const batched = [...merged.values()].sort((a, b) =>
      a.machineId === b.machineId ? a.windowStart - b.windowStart : a.machineId < b.machineId ? -1 : 1,
    );
    // Fixed-point sums: equal to the last unit, not merely to rounding.
    expect(batched).toEqual(whole.sums);
  });
});

describe('resolveWindowOptions', () => {
  it('given nothing, then one-minute windows with 30 s of grace', () => {
    expect(resolveWindowOptions()).toEqual({ windowMs: 60_000, graceMs: 30_000 });
  });

  it.each([60_000, 300_000, 30_000, 3_600_000, 1])(
    'given windowMs %i, which divides an hour, then it is kept',
    (windowMs) => {
      expect(resolveWindowOptions({ windowMs, graceMs: 0 })).toEqual({ windowMs, graceMs: 0 });
    },
  );

  it.each([0, -60_000, 7_000, 1.5, 7_200_000, Number.NaN])(
    'given windowMs %s, then it is refused in one line',
    (windowMs) => {
      expect(() => resolveWindowOptions({ windowMs })).toThrow(
        /^windowMs: expected a positive integer of ms dividing one hour/,
      );
    },
  );

  it.each([-1, Number.POSITIVE_INFINITY, Number.NaN])('given graceMs %s, then it is refused', (graceMs) => {
    expect(() => resolveWindowOptions({ graceMs })).toThrow(/^graceMs: expected a number of ms ≥ 0/);
  });
});
