import { describe, expect, it } from 'vitest';
import { DEFAULT_ARRIVAL_POLICY, type ArrivalPolicy } from '../readings/arrival.js';
import type { SensorReading } from '../readings/reading.js';
import { machine, minutes, prng, randomReadings, reading, seconds, T0 } from '../testing/index.js';
import { emptySeqWindow, markSeq } from '../twin-state/seq-window.js';
import {
  aggregateReadings,
  emptyWindowPosition,
  resolveWindowOptions,
  type AggregateCounts,
  type AggregateOutput,
  type ArrivingReading,
  type MachineWindowPosition,
  type WindowOptions,
} from './aggregate-readings.js';
import { fixedSum, mergeSums, windowMetrics, type WindowSums } from './window-metrics.js';

const HOUR = minutes(60);
const arrival: ArrivalPolicy = { maxAheadMs: seconds(60), lateGraceMs: seconds(30), backlogHorizonMs: 0 };
const options: WindowOptions = { windowMs: minutes(1), maxReadingGapMs: seconds(30), arrival };

/** A reading as it arrives: on time (arrival = its event time) unless said otherwise. */
const arrived = (item: SensorReading, arrivalTime = item.timestamp): ArrivingReading => ({
  reading: item,
  arrivalTime,
});

function aggregate(
  readings: ReadonlyArray<SensorReading | ArrivingReading>,
  given: { positions?: ReadonlyMap<string, MachineWindowPosition>; options?: WindowOptions } = {},
): AggregateOutput {
  return aggregateReadings({
    readings: readings.map((item) => ('reading' in item ? item : arrived(item))),
    positions: given.positions ?? new Map(),
    options: given.options ?? options,
  });
}

const pick = (output: AggregateOutput, machineId: string, windowStart: number): WindowSums | undefined =>
  output.sums.find((sums) => sums.machineId === machineId && sums.windowStart === windowStart);

const counts = (partial: Partial<AggregateCounts>): AggregateCounts => ({
  applied: 0,
  duplicates: 0,
  late: 0,
  retimed: 0,
  ...partial,
});

/** Folds batch after batch, carrying positions, and adds the partial sums up as the repository does. */
function foldInBatches(
  batches: ReadonlyArray<ReadonlyArray<SensorReading | ArrivingReading>>,
  given: { positions?: ReadonlyMap<string, MachineWindowPosition>; options?: WindowOptions } = {},
) {
  const positions = new Map(given.positions ?? []);
  const merged = new Map<string, WindowSums>();
  const total = counts({});
  for (const batch of batches) {
    const output = aggregate(batch, { positions, options: given.options ?? options });
    for (const [id, position] of output.positions) positions.set(id, position);
    for (const sums of output.sums) {
      const key = `${sums.machineId}@${sums.windowStart}`;
      const earlier = merged.get(key);
      merged.set(key, earlier === undefined ? sums : mergeSums(earlier, sums));
    }
    for (const key of Object.keys(total) as Array<keyof AggregateCounts>) total[key] += output.counts[key];
  }
  const sums = [...merged.values()].sort((a, b) =>
    a.machineId === b.machineId ? a.windowStart - b.windowStart : a.machineId < b.machineId ? -1 : 1,
  );
  return { sums, positions, counts: total };
}

const onlyMachine = (sums: readonly WindowSums[], machineId: string) =>
  sums.filter((item) => item.machineId === machineId);

describe('aggregateReadings', () => {
  it('given readings of several statuses in one minute, when aggregated, then the window adds up their values and the time each status held', () => {
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
        // RUNNING 0–10 s and 30–60 s (the last reading holds for the maximum gap), IDLE 10–20 s, MAINTENANCE 20–30 s.
        coveredMs: seconds(60),
        runningMs: seconds(40),
        maintenanceMs: seconds(10),
        // on time here: the last reading's event time
        lastArrival: T0 + seconds(30),
      },
    ]);
    expect(output.counts).toEqual(counts({ applied: 4 }));
    expect(output.newestEventTime).toBe(T0 + seconds(30));
    expect(output.positions.get('press-1')).toMatchObject({
      lastEventTime: T0 + seconds(30),
      lastStatus: 'RUNNING',
      coveredUntil: T0 + seconds(60),
    });
    expect(windowMetrics(output.sums[0]!).uptimePercentage).toBe(80); // 40 s of 50 s planned
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
      options: { ...options, windowMs: minutes(5) },
    });
    expect(output.sums[0]).toMatchObject({ windowStart: T0 + minutes(5), windowMs: minutes(5) });
  });

  describe('lateness, per machine, on its own latest event time', () => {
    const at = (lastEventTime: number): ReadonlyMap<string, MachineWindowPosition> =>
      new Map([['pump-1', { ...emptyWindowPosition(), lastEventTime }]]);

    it('given a machine at 2:00, when its reading of 1:29.999 arrives (more than the grace behind), then it is late and counts for nothing', () => {
      const output = aggregate([reading({ timestamp: T0 + seconds(90) - 1, seq: 7, goodCount: 5 })], {
        positions: at(T0 + minutes(2)),
      });
      expect(output.counts).toEqual(counts({ late: 1 }));
      expect(output.sums).toEqual([]);
      expect(output.positions.size).toBe(0);
    });

    it('given a machine at 2:00, when its reading of 1:30 arrives (just inside the grace), then it corrects its window, values only', () => {
      const output = aggregate([reading({ timestamp: T0 + seconds(90), load: 40 })], {
        positions: at(T0 + minutes(2)),
      });
      expect(output.counts).toEqual(counts({ applied: 1 }));
      expect(pick(output, 'pump-1', T0 + minutes(1))).toMatchObject({
        readings: 1,
        sumLoad: fixedSum(40),
        coveredMs: 0,
      });
      // The machine's clock stays where it was.
      expect(output.positions.get('pump-1')?.lastEventTime).toBe(T0 + minutes(2));
    });

    it('given a batch whose own readings move the machine on, when an older reading of it follows, then it is judged against them', () => {
      const output = aggregate([
        reading({ timestamp: T0 + minutes(2) }),
        reading({ timestamp: T0 + seconds(20) }), // 100 s behind: late
        reading({ timestamp: T0 + minutes(1) + seconds(40) }), // 20 s behind: out of order
      ]);
      expect(output.counts).toEqual(counts({ applied: 2, late: 1 }));
      expect(output.sums.map((sums) => sums.windowStart - T0)).toEqual([minutes(1), minutes(2)]);
    });

    it("given another machine on the partition far ahead in event time, when this machine's older readings arrive, then they are applied: one machine's clock never makes another late", () => {
      const output = aggregate([
        reading({ machineId: 'press-9', timestamp: T0 + minutes(50) }),
        reading({ timestamp: T0 }),
        reading({ timestamp: T0 + seconds(10) }),
      ]);
      expect(output.counts).toEqual(counts({ applied: 3 }));
      expect(pick(output, 'pump-1', T0)).toMatchObject({ readings: 2, coveredMs: seconds(40) });
    });

    it('given no position yet, when an old reading opens the machine, then it is applied', () => {
      expect(aggregate([reading({ timestamp: Date.UTC(2001, 0, 1) })]).counts.applied).toBe(1);
    });

    it('given a backlog horizon of a day, when a reading more than a day behind its arrival comes, then it is late, whatever its machine', () => {
      const horizon = { ...options, arrival: { ...arrival, backlogHorizonMs: 24 * HOUR } };
      const output = aggregate(
        [
          arrived(reading({ timestamp: T0 - 1 }), T0 + 24 * HOUR),
          arrived(reading({ timestamp: T0 }), T0 + 24 * HOUR),
          arrived(reading({ timestamp: T0 - 1 }), T0 + 24 * HOUR), // inside the grace, but beyond the horizon
        ],
        { options: horizon },
      );
      expect(output.counts).toEqual(counts({ applied: 1, late: 2 }));
    });
  });

  describe('gateway clocks ahead of the broker', () => {
    it('given a reading stamped 50 minutes after it arrived, when aggregated, then it is placed at its arrival time', () => {
      const output = aggregate([
        arrived(reading({ timestamp: T0 + minutes(50) + seconds(5) }), T0 + seconds(5)),
      ]);
      expect(output.counts).toEqual(counts({ applied: 1, retimed: 1 }));
      expect(output.sums.map((sums) => sums.windowStart)).toEqual([T0]);
      expect(output.positions.get('pump-1')?.lastEventTime).toBe(T0 + seconds(5));
    });

    it('given a reading exactly the allowance ahead, then it keeps its own time', () => {
      const output = aggregate([arrived(reading({ timestamp: T0 + seconds(60) }), T0)]);
      expect(output.counts).toEqual(counts({ applied: 1 }));
      expect(output.positions.get('pump-1')?.lastEventTime).toBe(T0 + seconds(60));
    });

    it("given a gateway 50 minutes ahead sharing the partition, when another machine's readings come between its own, then that machine's windows are those of a run without it", () => {
      const steady = machine('pump-1', 'pump');
      const skewed = machine('press-2', 'press');
      const steadyOnly: ArrivingReading[] = [];
      const both: ArrivingReading[] = [];
      for (let s = 0; s < 180; s += 5) {
        const now = T0 + seconds(s);
        const own = arrived(steady.at(seconds(s), { status: s % 60 < 40 ? 'RUNNING' : 'IDLE' }), now + 20);
        steadyOnly.push(own);
        both.push(arrived(skewed.at(minutes(50) + seconds(s)), now + 10), own);
      }
      const alone = aggregate(steadyOnly);
      const shared = aggregate(both);
      expect(shared.counts).toEqual(counts({ applied: both.length, retimed: steadyOnly.length }));
      expect(onlyMachine(shared.sums, 'pump-1')).toEqual(alone.sums);
      expect(shared.positions.get('pump-1')).toEqual(alone.positions.get('pump-1'));
    });
  });

  describe('time covered by each status', () => {
    it('given one RUNNING reading and then silence, then it covers the maximum gap and the rest of the window is unknown', () => {
      const output = aggregate([reading({ timestamp: T0 + seconds(5) })]);
      expect(output.sums[0]).toMatchObject({
        coveredMs: seconds(30),
        runningMs: seconds(30),
        maintenanceMs: 0,
      });
    });

    it('given two readings further apart than the maximum gap, then the first covers only the gap', () => {
      const output = aggregate([
        reading({ timestamp: T0, status: 'FAULT' }),
        reading({ timestamp: T0 + seconds(50), status: 'RUNNING' }),
      ]);
      expect(pick(output, 'pump-1', T0)).toMatchObject({ coveredMs: seconds(40), runningMs: seconds(10) });
    });

    it('given a reading near a window end, then its time runs on into the next window, which gets a row without readings', () => {
      const output = aggregate([reading({ timestamp: T0 + seconds(50), status: 'MAINTENANCE' })]);
      expect(output.sums.map((sums) => [sums.windowStart - T0, sums.readings, sums.maintenanceMs])).toEqual([
        [0, 1, seconds(10)],
        [minutes(1), 0, seconds(20)],
      ]);
    });

    it("given the machine's next reading in a later batch, when it comes sooner than the gap, then it cuts back the time credited before", () => {
      const first = reading({ timestamp: T0 + seconds(50), status: 'IDLE' });
      const next = reading({ timestamp: T0 + seconds(55) });
      const whole = aggregate([first, next]);
      expect(foldInBatches([[first], [next]])).toEqual({
        sums: whole.sums,
        positions: whole.positions,
        counts: whole.counts,
      });
      expect(pick(whole, 'pump-1', T0)).toMatchObject({ coveredMs: seconds(10), runningMs: seconds(5) });
      // The next window keeps a row, its IDLE time taken back: the same rows whichever way batches are cut.
      expect(pick(whole, 'pump-1', T0 + minutes(1))).toMatchObject({ readings: 0, coveredMs: seconds(25) });
    });

    it('given a reading at the same instant as the previous one, then the previous one covers nothing', () => {
      const output = aggregate([
        reading({ timestamp: T0, status: 'FAULT' }),
        reading({ timestamp: T0, status: 'RUNNING' }),
      ]);
      expect(output.sums[0]).toMatchObject({ readings: 2, coveredMs: seconds(30), runningMs: seconds(30) });
    });

    it('given an out-of-order reading inside the grace, then it adds its values but no time', () => {
      const output = aggregate([
        reading({ timestamp: T0 }),
        reading({ timestamp: T0 + seconds(10) }),
        reading({ timestamp: T0 + seconds(5), status: 'FAULT' }),
      ]);
      expect(output.sums[0]).toMatchObject({ readings: 3, coveredMs: seconds(40), runningMs: seconds(40) });
    });

    it('given a position credited under a longer gap setting, when the next reading comes, then exactly what was credited is cut back', () => {
      const positions = new Map([
        [
          'pump-1',
          {
            ...emptyWindowPosition(),
            lastEventTime: T0,
            lastStatus: 'IDLE' as const,
            coveredUntil: T0 + seconds(45),
          },
        ],
      ]);
      const output = aggregate([reading({ timestamp: T0 + seconds(20) })], { positions });
      // IDLE 20–45 s taken back; RUNNING 20–50 s credited.
      expect(output.sums[0]).toMatchObject({ coveredMs: seconds(5), runningMs: seconds(30) });
    });

    it('given a machine offline for two hours whose buffered readings then arrive in a burst, then its windows equal those of the readings sent on time', () => {
      const pump = machine('pump-1', 'pump');
      const neighbour = machine('press-2', 'press');
      const statusAt = (s: number) => (s % 600 < 420 ? 'RUNNING' : s % 600 < 500 ? 'IDLE' : 'FAULT');
      const own = (s: number) => pump.at(seconds(s), { status: statusAt(s), load: 50 + (s % 7) });
      const onTime: ArrivingReading[] = [];
      const before: ArrivingReading[] = [];
      const during: ArrivingReading[] = [];
      const buffered: SensorReading[] = [];
      for (let s = 0; s < 3 * 3600; s += 5) {
        const now = T0 + seconds(s);
        const mine = own(s);
        const theirs = arrived(neighbour.at(seconds(s)), now);
        onTime.push(theirs, arrived(mine, now));
        // Offline from 0:30:00 to 2:30:00: buffered, then sent in order when the uplink returns.
        if (s < 1800) before.push(theirs, arrived(mine, now));
        else if (s < 9000) {
          during.push(theirs);
          buffered.push(mine);
        } else during.push(theirs, arrived(mine, now));
      }
      const burstAt = T0 + seconds(9000);
      const cut = during.findIndex((item) => item.arrivalTime >= burstAt);
      const late: ArrivingReading[] = [
        ...during.slice(0, cut),
        ...buffered.map((item, i) => arrived(item, burstAt + Math.floor(i / 100))),
        ...during.slice(cut),
      ];
      const burst = foldInBatches([before, late.slice(0, 1000), late.slice(1000)], {
        options: { ...options, arrival: DEFAULT_ARRIVAL_POLICY },
      });
      const sentOnTime = aggregate(onTime, { options: { ...options, arrival: DEFAULT_ARRIVAL_POLICY } });
      expect(burst.counts).toEqual(sentOnTime.counts);
      // The same sums; only when they arrived differs (not stored: it picks the model version).
      const stored = (sums: readonly WindowSums[]) =>
        onlyMachine(sums, 'pump-1').map(({ lastArrival: _arrival, ...rest }) => rest);
      expect(stored(burst.sums)).toEqual(stored(sentOnTime.sums));
      expect(burst.positions).toEqual(sentOnTime.positions);
    });
  });

  describe('duplicates, by seq', () => {
    it('given a seq seen earlier in the batch, when it comes again, then it is a duplicate', () => {
      const output = aggregate([reading({ seq: 1 }), reading({ seq: 2 }), reading({ seq: 1, load: 99 })]);
      expect(output.counts).toEqual(counts({ applied: 2, duplicates: 1 }));
      expect(output.sums[0]?.readings).toBe(2);
    });

    it('given a seq seen in an earlier batch, when it comes again, then it is a duplicate', () => {
      const seq = emptySeqWindow();
      markSeq(seq, 41);
      const positions = new Map([['pump-1', { ...emptyWindowPosition(), seq }]]);
      const output = aggregate([reading({ seq: 41 }), reading({ seq: 42 })], { positions });
      expect(output.counts).toEqual(counts({ applied: 1, duplicates: 1 }));
      expect(output.positions.get('pump-1')?.seq.high).toBe(42);
    });

    it('given the same seq on two machines, or readings without seq, then none is a duplicate', () => {
      const output = aggregate([
        reading({ machineId: 'a', seq: 1 }),
        reading({ machineId: 'b', seq: 1 }),
        reading({ machineId: 'a' }),
        reading({ machineId: 'a' }),
      ]);
      expect(output.counts).toEqual(counts({ applied: 4 }));
    });

    it("given a late reading with a seq, when aggregated, then the machine's position is left as it was", () => {
      const positions = new Map([['pump-1', { ...emptyWindowPosition(), lastEventTime: T0 + minutes(10) }]]);
      const output = aggregate([reading({ timestamp: T0, seq: 5 })], { positions });
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
        [
          'pump-1',
          {
            ...emptyWindowPosition(),
            countersTime: T0,
            lastGood: 100,
            lastReject: 0,
            lastEventTime: T0 + minutes(2),
          },
        ],
      ]);
      const output = aggregate([counters(seconds(5), 105, 0), counters(minutes(3), 112, 1)], { positions });
      expect(output.counts).toEqual(counts({ applied: 1, late: 1 }));
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
      lastEventTime: T0 - 1,
      lastStatus: 'IDLE',
      coveredUntil: T0 + seconds(29),
    });
    const positions = new Map([['pump-1', before]]);
    const output = aggregate([reading({ seq: 4, goodCount: 3, rejectCount: 0 })], { positions });
    expect(before).toEqual({
      seq: { high: 3, recent: 0, older: 0 },
      countersTime: T0 - 1,
      lastGood: 1,
      lastReject: 0,
      lastEventTime: T0 - 1,
      lastStatus: 'IDLE',
      coveredUntil: T0 + seconds(29),
    });
    expect(output.positions.get('pump-1')).toEqual({
      seq: { high: 4, recent: 1, older: 0 },
      countersTime: T0,
      lastGood: 3,
      lastReject: 0,
      lastEventTime: T0,
      lastStatus: 'RUNNING',
      coveredUntil: T0 + seconds(30),
    });
  });

  it('given a stream with disorder, a clock 50 minutes ahead and a backlog, cut into batches at random, when folded batch by batch, then sums, positions and counts equal one batch', () => {
    const random = prng(7);
    const good = new Map<string, number>();
    let now = 0;
    const emitted = randomReadings({
      seed: 11,
      count: 4_000,
      machines: 12,
      stepMs: 400,
      disorder: 0.08,
    }).map((item, offset): ArrivingReading & { offset: number } => {
      // The broker's clock: a little after the newest reading sent so far (re-sent old ones arrive now).
      now = Math.max(now, item.timestamp + 50);
      let value: SensorReading = item;
      if (random() >= 0.2) {
        // Counters that mostly grow, sometimes reset, carried on most readings.
        const last = good.get(item.machineId) ?? Math.floor(random() * 1000);
        const next = random() < 0.01 ? 0 : last + Math.floor(random() * 4);
        good.set(item.machineId, next);
        value = { ...value, goodCount: next, rejectCount: Math.floor(next / 50) };
      }
      if (item.machineId === 'm-0001') value = { ...value, timestamp: value.timestamp + minutes(50) };
      // m-0002 is offline from 2 to 12 minutes in: its readings wait in its gateway, then come at once.
      const held = item.machineId === 'm-0002' && now >= T0 + minutes(2) && now < T0 + minutes(12);
      return { reading: value, arrivalTime: held ? T0 + minutes(12) : now, offset };
    });
    // LogAppendTime: the log is in arrival order.
    const readings = [...emitted].sort((a, b) => a.arrivalTime - b.arrivalTime || a.offset - b.offset);
    const opts: WindowOptions = {
      windowMs: seconds(30),
      maxReadingGapMs: seconds(8),
      arrival: { maxAheadMs: seconds(60), lateGraceMs: seconds(5), backlogHorizonMs: minutes(8) },
    };
    const whole = aggregate(readings, { options: opts });
    expect(whole.counts.duplicates).toBeGreaterThan(0);
    expect(whole.counts.late).toBeGreaterThan(0);
    expect(whole.counts.retimed).toBeGreaterThan(0);

    const batches: ArrivingReading[][] = [];
    for (let start = 0; start < readings.length;) {
      const end = Math.min(readings.length, start + 1 + Math.floor(random() * 300));
      batches.push(readings.slice(start, end));
      start = end;
    }
    const batched = foldInBatches(batches, { options: opts });

    expect(batched.counts).toEqual(whole.counts);
    expect(batched.positions).toEqual(whole.positions);
    // Fixed-point sums and integer ms: equal to the last unit, not merely to rounding.
    expect(batched.sums).toEqual(whole.sums);
    for (const sums of whole.sums) {
      expect(sums.coveredMs).toBeGreaterThanOrEqual(0);
      expect(sums.coveredMs).toBeLessThanOrEqual(sums.windowMs);
      expect(sums.runningMs + sums.maintenanceMs).toBeLessThanOrEqual(sums.coveredMs);
      expect(Math.min(sums.runningMs, sums.maintenanceMs)).toBeGreaterThanOrEqual(0);
    }
  });
});

describe('resolveWindowOptions', () => {
  it('given nothing, then one-minute windows, a 30 s maximum reading gap and the default arrival rule', () => {
    expect(resolveWindowOptions()).toEqual({
      windowMs: 60_000,
      maxReadingGapMs: 30_000,
      arrival: DEFAULT_ARRIVAL_POLICY,
    });
  });

  it.each([60_000, 300_000, 30_000, 3_600_000, 1])(
    'given windowMs %i, which divides an hour, then it is kept',
    (windowMs) => {
      expect(resolveWindowOptions({ windowMs }).windowMs).toBe(windowMs);
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

  it.each([0, -1, 1.5, Number.POSITIVE_INFINITY, Number.NaN])(
    'given maxReadingGapMs %s, then it is refused',
    (maxReadingGapMs) => {
      expect(() => resolveWindowOptions({ maxReadingGapMs })).toThrow(
        /^maxReadingGapMs: expected a positive integer of ms/,
      );
    },
  );

  it.each([
    ['lateGraceMs', -1],
    ['backlogHorizonMs', Number.POSITIVE_INFINITY],
    ['maxAheadMs', Number.NaN],
  ] as const)('given arrival.%s %s, then it is refused', (name, value) => {
    expect(() => resolveWindowOptions({ arrival: { ...DEFAULT_ARRIVAL_POLICY, [name]: value } })).toThrow(
      new RegExp(`^arrival.${name}: expected a number of ms ≥ 0`),
    );
  });
});
