import { describe, expect, it } from 'vitest';
import { machine, reading, seconds, T0 } from '../testing/index.js';
import { DEFAULT_TWIN_OPTIONS, evolve, resolveTwinOptions } from './evolve.js';
import { sensorStats } from './sensor-stats.js';
import type { Twin } from './twin.js';

/** A number within 10^−digits / 2 of `value`, as a matcher inside expected objects. */
const near = (value: number, digits = 0): number => expect.closeTo(value, digits) as number;

const pump = () => machine('pump-1', 'pump');

/** Folds readings one by one through the pure evolve, returning the last twin and every outcome. */
function fold(...readings: Parameters<typeof evolve>[1][]) {
  let twin: Twin | undefined;
  const outcomes: string[] = [];
  for (const r of readings) {
    const next = evolve(twin, r);
    twin = next.twin;
    outcomes.push(next.outcome);
  }
  return { twin: twin!, outcomes };
}

describe('evolve', () => {
  it('given no twin, when a first reading arrives, then it creates the twin from it', () => {
    const { twin, outcome } = evolve(undefined, reading({ seq: 7, rpm: 1450, goodCount: 10 }));
    expect(outcome).toBe('applied');
    expect(twin).toMatchObject({
      machineId: 'pump-1',
      machineType: 'pump',
      firstSeen: T0,
      lastSeen: T0,
      lastEventTime: T0,
      status: 'RUNNING',
      statusSince: T0,
      latest: { temperature: 55, vibration: 3, load: 60, rpm: 1450, goodCount: 10 },
      counters: { applied: 1, outOfOrder: 0, duplicates: 0, late: 0 },

      seq: { high: 7 },
    });
    expect(sensorStats(twin.stats, 'temperature')).toEqual({
      count: 1,
      mean: 55,
      variance: 0,
      min: 55,
      max: 55,
    });
    expect(sensorStats(twin.stats, 'rpm')).toMatchObject({ count: 1, mean: 1450 });
    expect(sensorStats(twin.stats, 'powerKw')).toBeUndefined();
  });

  it('given a twin, when a newer reading arrives, then latest values, status and statusSince move on', () => {
    const m = pump();
    const { twin, outcomes } = fold(m.at(0), m.at(seconds(10), { temperature: 60, status: 'IDLE' }));
    expect(outcomes).toEqual(['applied', 'applied']);
    expect(twin.lastEventTime).toBe(T0 + seconds(10));
    expect(twin.latest.temperature).toBe(60);
    expect(twin.status).toBe('IDLE');
    expect(twin.statusSince).toBe(T0 + seconds(10));
  });

  it('given an unchanged status, when readings arrive, then statusSince stays when the status began', () => {
    const m = pump();
    const { twin } = fold(m.at(0), m.at(seconds(10)), m.at(seconds(20)));
    expect(twin.statusSince).toBe(T0);
  });

  it('given a new twin, when its first values arrive, then they are plainly averaged (mean and population variance) until the EWMA weighs less', () => {
    const m = pump();
    const { twin } = fold(
      m.at(0, { temperature: 50 }),
      m.at(1000, { temperature: 60 }),
      m.at(2000, { temperature: 40 }),
    );
    // 1 s apart with τ = 60 s the EWMA weight is 1 − e^(−1/60) ≈ 0.017, below 1/2 and 1/3: a plain average.
    const { count, mean, variance, min, max } = sensorStats(twin.stats, 'temperature')!;
    expect(mean).toBeCloseTo(50, 10);
    expect(variance).toBeCloseTo(200 / 3, 10);
    expect([count, min, max]).toEqual([3, 40, 60]);
  });

  it('given statsTimeConstantMs 1 s, when a value arrives 1 s after the last, then it weighs 1 − e^(−1)', () => {
    const m = pump();
    let twin = evolve(undefined, m.at(0, { temperature: 50 })).twin;
    twin = evolve(twin, m.at(1000, { temperature: 60 }), { statsTimeConstantMs: 1000 }).twin;
    const weight = 1 - Math.exp(-1);
    expect(sensorStats(twin.stats, 'temperature')).toMatchObject({
      mean: near(50 + 10 * weight, 10),
      variance: near((1 - weight) * 100 * weight, 10),
    });
  });

  it.each([100, 1_000, 10_000])(
    'given a step from 50 to 60 °C reported every %i ms, when a minute (τ) has passed, then the mean has closed the gap by e^(−t/τ) in event time, not per reading',
    (intervalMs) => {
      const m = pump();
      const readings = Array.from({ length: 120_000 / intervalMs + 1 }, (_, i) =>
        m.at(i * intervalMs, { temperature: i * intervalMs < 60_000 ? 50 : 60 }),
      );
      let twin: Twin | undefined;
      for (const r of readings) twin = evolve(twin, r).twin;
      // The step's first reading weighs one interval: the mean is 60 − 10·e^(−(60 s + interval)/60 s).
      const expected = 60 - 10 * Math.exp(-(60_000 + intervalMs) / 60_000);
      expect(sensorStats(twin!.stats, 'temperature')!.mean).toBeCloseTo(expected, 6);
    },
  );

  describe('out of order', () => {
    it('given a twin at t=60 s, when a reading from t=45 s arrives (within 30 s grace), then statistics and counters change, latest values and status do not', () => {
      const m = pump();
      const newest = m.at(seconds(60), { temperature: 55 });
      const older = m.at(seconds(45), { temperature: 95, status: 'FAULT' });
      const { twin, outcomes } = fold(m.at(0), newest, older);
      expect(outcomes.at(-1)).toBe('applied_out_of_order');
      expect(twin.lastEventTime).toBe(T0 + seconds(60));
      expect(twin.latest.temperature).toBe(55);
      expect(twin.status).toBe('RUNNING');
      expect(twin.counters).toEqual({ applied: 2, outOfOrder: 1, duplicates: 0, late: 0 });
      expect(sensorStats(twin.stats, 'temperature')).toMatchObject({ max: 95, count: 3 });
      expect(twin.lastSeen).toBe(T0 + seconds(45));
    });

    it('given a twin reporting every 10 s, when a reading 20 s behind arrives, then it weighs one interval, discounted by how far behind it is', () => {
      const m = pump();
      const readings = Array.from({ length: 30 }, (_, i) => m.at(seconds(10 * i), { temperature: 50 }));
      const { twin } = fold(...readings, m.at(seconds(270), { temperature: 60 }));
      const weight = (1 - Math.exp(-10 / 60)) * Math.exp(-20 / 60);
      expect(sensorStats(twin.stats, 'temperature')!.mean).toBeCloseTo(50 + 10 * weight, 10);
    });

    it('given a reading older than the first one, when accepted out of order, then firstSeen moves back to it', () => {
      const m = pump();
      const { twin } = fold(m.at(seconds(20)), m.at(seconds(5)));
      expect(twin.firstSeen).toBe(T0 + seconds(5));
    });
  });

  describe('late', () => {
    it('given a twin at t=60 s, when a reading from t=29.999 s arrives (beyond 30 s grace), then it is late and only counted', () => {
      const m = pump();
      const before = fold(m.at(0), m.at(seconds(60))).twin;
      const { twin, outcome } = evolve(before, m.at(seconds(60) - seconds(30) - 1, { temperature: 99 }));
      expect(outcome).toBe('late');
      expect(twin.counters.late).toBe(1);
      expect({ ...twin, counters: before.counters }).toEqual(before);
    });

    it('given a grace of exactly 30 s, when a reading is exactly 30 s behind, then it is still accepted', () => {
      const m = pump();
      const { outcomes } = fold(m.at(seconds(60)), m.at(seconds(30)));
      expect(outcomes.at(-1)).toBe('applied_out_of_order');
    });

    it('given graceMs 0, when any older reading arrives, then it is late', () => {
      const m = pump();
      const before = evolve(undefined, m.at(seconds(60))).twin;
      expect(evolve(before, m.at(seconds(59)), { graceMs: 0 }).outcome).toBe('late');
    });
  });

  describe('duplicates', () => {
    it('given seq 5 applied, when seq 5 arrives again, then it is a duplicate and only counted', () => {
      const r = reading({ seq: 5 });
      const before = evolve(undefined, r).twin;
      const { twin, outcome } = evolve(before, r);
      expect(outcome).toBe('duplicate');
      expect(twin.counters.duplicates).toBe(1);
      expect(twin.stats).toEqual(before.stats);
    });

    it('given seqs 1..10 applied, when seq 4 is redelivered, then it is a duplicate (not out of order)', () => {
      const m = pump();
      const readings = Array.from({ length: 10 }, (_, i) => m.at(seconds(i)));
      const { twin } = fold(...readings);
      expect(evolve(twin, readings[4]!).outcome).toBe('duplicate');
    });

    it('given a duplicate far beyond grace, when it arrives, then duplicate wins over late (counted, not dead-lettered)', () => {
      const m = pump();
      const first = m.at(0);
      const { twin } = fold(first, m.at(seconds(40)));
      expect(evolve(twin, first).outcome).toBe('duplicate');
    });

    it('given readings without seq, when the same reading arrives twice, then it cannot be told a duplicate', () => {
      const r = reading();
      const before = evolve(undefined, r).twin;
      expect(evolve(before, r).outcome).toBe('applied');
    });

    it('given seq 1000 applied, when the gateway restarts at seq 0 with a newer timestamp, then the reading is applied and the window restarts', () => {
      const m = pump();
      const { twin } = fold(m.at(0, { seq: 1000 }), m.at(seconds(10), { seq: 0 }));
      expect(twin.counters.applied).toBe(2);
      expect(twin.seq.high).toBe(0);
      expect(evolve(twin, m.at(seconds(11), { seq: 1 })).outcome).toBe('applied');
    });
  });

  it('given a twin, when evolved, then the given twin is not changed (pure)', () => {
    const m = pump();
    const before = evolve(undefined, m.at(0)).twin;
    const copy = structuredClone(before);
    evolve(before, m.at(seconds(1), { temperature: 90, status: 'FAULT', rpm: 10 }));
    evolve(before, m.at(0));
    expect(before).toEqual(copy);
  });

  it('given a reading of another machine, when evolved onto a twin, then it refuses', () => {
    const before = evolve(undefined, reading()).twin;
    expect(() => evolve(before, reading({ machineId: 'pump-2' }))).toThrow(/pump-2/);
  });

  it('given a newest reading without an optional sensor, when applied, then that latest value is gone but its statistics stay', () => {
    const m = pump();
    const { twin } = fold(m.at(0, { rpm: 1450 }), m.at(seconds(1)));
    expect(twin.latest.rpm).toBeUndefined();
    expect(sensorStats(twin.stats, 'rpm')?.count).toBe(1);
  });

  it('keeps a twin small and of fixed size whatever the number of readings', () => {
    const m = pump();
    const few = fold(...Array.from({ length: 10 }, (_, i) => m.at(seconds(i), { rpm: 1450, seq: i }))).twin;
    const many = fold(
      ...Array.from({ length: 1000 }, (_, i) => m.at(seconds(i), { rpm: 1450, seq: i })),
    ).twin;
    const size = (twin: Twin) => JSON.stringify(twin).length;
    expect(Math.abs(size(many) - size(few))).toBeLessThan(40); // only digits differ
    expect(size(many)).toBeLessThan(900);
  });

  it('documents its defaults and rejects bad options', () => {
    expect(DEFAULT_TWIN_OPTIONS).toEqual({ graceMs: 30_000, statsTimeConstantMs: 60_000 });
    expect(() => resolveTwinOptions({ statsTimeConstantMs: 0 })).toThrow(/statsTimeConstantMs/);
    expect(() => resolveTwinOptions({ statsTimeConstantMs: Infinity })).toThrow(/statsTimeConstantMs/);
    // The per-reading alpha of earlier versions is refused, not silently ignored.
    expect(() => resolveTwinOptions({ alpha: 0.1 } as object)).toThrow(
      /alpha: no longer an option.*statsTimeConstantMs/,
    );
    expect(() => resolveTwinOptions({ graceMs: -1 })).toThrow(/graceMs/);
  });
});
