// How one reading changes a twin. `evolve` is the pure form (returns a new twin); the partition fold uses
// `classifyReading` + `evolveInPlace` on twins it owns, to avoid copying a twin per reading.
import type { SensorReading } from '../readings/reading.js';
import { markSeq, restartSeqWindow, seqSeen } from './seq-window.js';
import { addReadingToStats, ewmaWeight } from './sensor-stats.js';
import { cloneTwin, createTwin, type Twin } from './twin.js';

/**
 * - `applied`: in event-time order (timestamp ≥ lastEventTime): latest values, status and statistics move on.
 * - `applied_out_of_order`: older than lastEventTime but within graceMs of it: statistics and counters only.
 * - `duplicate`: the machine's `seq` was already seen: counted only.
 * - `late`: older than lastEventTime − graceMs: counted only; the runtime dead-letters it with reason `late`.
 */
export type ReadingOutcome = 'applied' | 'applied_out_of_order' | 'duplicate' | 'late';

export interface TwinOptions {
  /** How far behind the twin's lastEventTime a reading is still accepted (out of order), ms. */
  readonly graceMs: number;
  /**
   * Time constant of the statistics' EWMA mean and variance, ms of event time (> 0): a reading dt ms after
   * the previous one weighs 1 − e^(−dt/τ), so the statistics cover about the last τ of event time whatever
   * the reporting interval (it replaces the per-reading `alpha` of earlier versions).
   */
  readonly statsTimeConstantMs: number;
}

/** graceMs 30 s (a gateway's typical buffering jitter); statistics over about the last minute. */
export const DEFAULT_TWIN_OPTIONS: TwinOptions = Object.freeze({
  graceMs: 30_000,
  statsTimeConstantMs: 60_000,
});

/** Defaults filled in and checked; throws a RangeError naming the bad option. */
export function resolveTwinOptions(options: Partial<TwinOptions> = {}): TwinOptions {
  if ('alpha' in options) {
    throw new RangeError(
      'alpha: no longer an option; statistics are weighted by event time, set statsTimeConstantMs (ms) instead',
    );
  }
  const graceMs = options.graceMs ?? DEFAULT_TWIN_OPTIONS.graceMs;
  const tau = options.statsTimeConstantMs ?? DEFAULT_TWIN_OPTIONS.statsTimeConstantMs;
  if (!Number.isFinite(graceMs) || graceMs < 0) throw new RangeError(`graceMs: expected ≥ 0, got ${graceMs}`);
  if (!(Number.isFinite(tau) && tau > 0)) {
    throw new RangeError(`statsTimeConstantMs: expected a number of ms above 0, got ${tau}`);
  }
  if (options.graceMs === graceMs && options.statsTimeConstantMs === tau) return options as TwinOptions;
  return { graceMs, statsTimeConstantMs: tau };
}

/**
 * The statistics' EWMA weight of a reading at event time `t` (before it is applied). A reading that moves
 * event time on weighs the time since the last one (1 − e^(−dt/τ)). One that doesn't (out of order, or at
 * the same instant) weighs one typical reporting interval of the twin, discounted by how far behind it is:
 * a late-arriving reading counts, but as an old one.
 */
export function statsWeight(twin: Twin, t: number, tauMs: number): number {
  const behind = twin.lastEventTime - t;
  if (behind < 0) return ewmaWeight(-behind, tauMs);
  const applied = twin.counters.applied;
  const interval = applied > 1 ? (twin.lastEventTime - twin.firstSeen) / (applied - 1) : 0;
  return ewmaWeight(interval, tauMs) * Math.exp(-behind / tauMs);
}

/** What a reading would do to the twin, without changing it. */
export function classifyReading(
  twin: Twin | undefined,
  reading: SensorReading,
  graceMs: number,
): ReadingOutcome {
  if (twin === undefined) return 'applied';
  const t = reading.timestamp;
  // A reading newer than anything applied can't have been applied before: never a duplicate.
  if (t > twin.lastEventTime) return 'applied';
  if (reading.seq !== undefined && seqSeen(twin.seq, reading.seq)) return 'duplicate';
  if (t === twin.lastEventTime) return 'applied';
  if (t < twin.lastEventTime - graceMs) return 'late';
  return 'applied_out_of_order';
}

/**
 * Applies a classified reading to a twin the caller owns, in place. `outcome` must come from
 * classifyReading on this twin and reading.
 */
export function evolveInPlace(
  twin: Twin,
  reading: SensorReading,
  outcome: ReadingOutcome,
  statsTimeConstantMs: number,
): void {
  const counters = twin.counters;
  let weight = 0;
  switch (outcome) {
    case 'duplicate':
      counters.duplicates += 1;
      return;
    case 'late':
      counters.late += 1;
      return;
    case 'applied_out_of_order':
      weight = statsWeight(twin, reading.timestamp, statsTimeConstantMs);
      counters.outOfOrder += 1;
      if (reading.seq !== undefined) markSeq(twin.seq, reading.seq);
      break;
    case 'applied': {
      weight = statsWeight(twin, reading.timestamp, statsTimeConstantMs);
      counters.applied += 1;
      const t = reading.timestamp;
      if (reading.seq !== undefined) {
        // Newer in time but not in seq: the gateway restarted its numbering; without this, a restarted
        // gateway's readings would all look like duplicates.
        if (t > twin.lastEventTime && reading.seq <= twin.seq.high) restartSeqWindow(twin.seq, reading.seq);
        else markSeq(twin.seq, reading.seq);
      }
      if (reading.status !== twin.status) {
        twin.status = reading.status;
        twin.statusSince = t;
      }
      twin.lastEventTime = t;
      twin.machineType = reading.machineType;
      const latest = twin.latest;
      latest.temperature = reading.temperature;
      latest.vibration = reading.vibration;
      latest.load = reading.load;
      latest.rpm = reading.rpm;
      latest.powerKw = reading.powerKw;
      latest.pressureBar = reading.pressureBar;
      if (reading.goodCount !== undefined) latest.goodCount = reading.goodCount;
      if (reading.rejectCount !== undefined) latest.rejectCount = reading.rejectCount;
      break;
    }
  }
  if (reading.timestamp < twin.firstSeen) twin.firstSeen = reading.timestamp;
  twin.lastSeen = reading.timestamp;
  addReadingToStats(twin.stats, reading, weight);
}

export interface Evolution {
  readonly twin: Twin;
  readonly outcome: ReadingOutcome;
}

/** The twin after one reading (pure: the given twin is not changed). A first reading creates the twin. */
export function evolve(
  twin: Twin | undefined,
  reading: SensorReading,
  options: Partial<TwinOptions> = DEFAULT_TWIN_OPTIONS,
): Evolution {
  const { graceMs, statsTimeConstantMs } = resolveTwinOptions(options);
  if (twin === undefined) return { twin: createTwin(reading), outcome: 'applied' };
  if (reading.machineId !== twin.machineId) {
    throw new RangeError(`reading for machine ${reading.machineId} applied to the twin of ${twin.machineId}`);
  }
  const outcome = classifyReading(twin, reading, graceMs);
  const next = cloneTwin(twin);
  evolveInPlace(next, reading, outcome, statsTimeConstantMs);
  return { twin: next, outcome };
}
