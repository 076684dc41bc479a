// Folds one partition's batch of readings into partial window sums, in offset order. Everything that decides
// whether and how a reading counts (its machine's latest event time, seq window, last counters, the status
// still covering time) is carried in the machine's position and returned, so the outcome does not depend on
// where batches are cut. Lateness is the shared per-machine rule (processors/readings/arrival.ts): one
// machine's clock never moves another machine's windows.
import {
  DEFAULT_ARRIVAL_POLICY,
  judgeLateness,
  retimeReading,
  type ArrivalPolicy,
} from '../readings/arrival.js';
import type { MachineStatus, SensorReading } from '../readings/reading.js';
import { emptySeqWindow, markSeq, seqSeen, type SeqWindow } from '../twin-state/seq-window.js';
import { HOUR_MS, emptySums, fixedSum, windowStartOf, type WindowSums } from './window-metrics.js';

export interface WindowOptions {
  /** Base window length, ms: a positive integer dividing one hour, so hours and UTC days hold whole windows. */
  readonly windowMs: number;
  /**
   * The longest a reading's status is taken to hold, ms: it covers the time up to the machine's next reading,
   * but no more than this. A longer gap is unknown time, neither up nor down.
   */
  readonly maxReadingGapMs: number;
  /** Ahead allowance, lateness grace and backlog horizon: the same rule as the processor's. */
  readonly arrival: ArrivalPolicy;
}

export const DEFAULT_WINDOW_OPTIONS: WindowOptions = {
  windowMs: 60_000,
  maxReadingGapMs: 30_000,
  arrival: DEFAULT_ARRIVAL_POLICY,
};

/** Validated options, defaults filled in; throws an Error with a one-line message. */
export function resolveWindowOptions(options: Partial<WindowOptions> = {}): WindowOptions {
  const windowMs = options.windowMs ?? DEFAULT_WINDOW_OPTIONS.windowMs;
  const maxReadingGapMs = options.maxReadingGapMs ?? DEFAULT_WINDOW_OPTIONS.maxReadingGapMs;
  const arrival = options.arrival ?? DEFAULT_WINDOW_OPTIONS.arrival;
  if (!Number.isInteger(windowMs) || windowMs <= 0 || HOUR_MS % windowMs !== 0) {
    throw new Error(
      `windowMs: expected a positive integer of ms dividing one hour (3600000), got ${windowMs}`,
    );
  }
  if (!Number.isSafeInteger(maxReadingGapMs) || maxReadingGapMs <= 0) {
    throw new Error(`maxReadingGapMs: expected a positive integer of ms, got ${maxReadingGapMs}`);
  }
  for (const name of ['maxAheadMs', 'lateGraceMs', 'backlogHorizonMs'] as const) {
    const value = arrival[name];
    if (Number.isNaN(value) || value < 0 || (name !== 'maxAheadMs' && !Number.isFinite(value))) {
      throw new Error(`arrival.${name}: expected a number of ms ≥ 0, got ${value}`);
    }
  }
  return { windowMs, maxReadingGapMs, arrival };
}

/** What the windows remember per machine between batches (a projector_positions row). */
export interface MachineWindowPosition {
  readonly seq: SeqWindow;
  /** Event time of the reading that carried lastGood / lastReject. */
  readonly countersTime: number | null;
  readonly lastGood: number | null;
  readonly lastReject: number | null;
  /** The machine's latest applied event time (after re-timing); lateness is judged against it. */
  readonly lastEventTime: number | null;
  /** The status of the reading at lastEventTime, which covers the time from it up to coveredUntil. */
  readonly lastStatus: MachineStatus | null;
  /**
   * Where that reading's coverage ends as credited: lastEventTime + maxReadingGapMs when it was applied. The
   * machine's next reading, if sooner, cuts it back to its own event time.
   */
  readonly coveredUntil: number | null;
}

export function emptyWindowPosition(): MachineWindowPosition {
  return {
    seq: emptySeqWindow(),
    countersTime: null,
    lastGood: null,
    lastReject: null,
    lastEventTime: null,
    lastStatus: null,
    coveredUntil: null,
  };
}

/** A reading as it came off the readings topic: with its arrival time (the message's LogAppendTime). */
export interface ArrivingReading {
  readonly reading: SensorReading;
  readonly arrivalTime: number;
}

export interface AggregateInput {
  /** The batch's readings, in offset order (clock ticks and undecodable messages left out). */
  readonly readings: readonly ArrivingReading[];
  /** Positions of the batch's machines; a machine absent here is new. */
  readonly positions: Pick<ReadonlyMap<string, MachineWindowPosition>, 'get'>;
  readonly options: WindowOptions;
}

export interface AggregateCounts {
  applied: number;
  duplicates: number;
  late: number;
  /** Of the applied, readings stamped too far ahead of their arrival, placed at their arrival time. */
  retimed: number;
}

export interface AggregateOutput {
  /** This batch's partial sums, one per (machine, window), sorted by machineId then windowStart. */
  readonly sums: WindowSums[];
  /** New positions of the machines with at least one applied reading. */
  readonly positions: Map<string, MachineWindowPosition>;
  readonly counts: AggregateCounts;
  /** The newest event time applied (after re-timing), null when nothing was. */
  readonly newestEventTime: number | null;
}

type MutablePosition = { -readonly [K in keyof MachineWindowPosition]: MachineWindowPosition[K] };

// Planned production time excludes planned downtime only; FAULT, STOPPED and IDLE are losses.
const UNPLANNED: ReadonlySet<MachineStatus> = new Set<MachineStatus>(['MAINTENANCE']);

/** Aggregates a batch; pure: the inputs are not changed. */
export function aggregateReadings(input: AggregateInput): AggregateOutput {
  const { windowMs, maxReadingGapMs, arrival: policy } = input.options;
  const positions = new Map<string, MutablePosition>();
  const windows = new Map<string, WindowSums>();
  const counts: AggregateCounts = { applied: 0, duplicates: 0, late: 0, retimed: 0 };
  let newestEventTime: number | null = null;
  let arrival = 0; // of the reading being applied

  const windowOf = (machineId: string, windowStart: number): WindowSums => {
    const key = `${machineId}\u0000${windowStart}`;
    let sums = windows.get(key);
    if (sums === undefined) {
      sums = emptySums(machineId, windowStart, windowMs);
      windows.set(key, sums);
    }
    if (arrival > sums.lastArrival) sums.lastArrival = arrival;
    return sums;
  };
  /** Adds (sign 1) or takes back (sign -1) the time [from, to) in `status` to the windows it spans. */
  const cover = (machineId: string, status: MachineStatus, from: number, to: number, sign: 1 | -1) => {
    for (let start = windowStartOf(from, windowMs); start < to; start += windowMs) {
      const ms = sign * (Math.min(to, start + windowMs) - Math.max(from, start));
      const sums = windowOf(machineId, start);
      sums.coveredMs += ms;
      if (status === 'RUNNING') sums.runningMs += ms;
      else if (status === 'MAINTENANCE') sums.maintenanceMs += ms;
    }
  };

  for (const { reading: original, arrivalTime } of input.readings) {
    const machineId = original.machineId;
    const known = positions.get(machineId) ?? input.positions.get(machineId);
    const { reading, aheadByMs, quarantined } = retimeReading(
      original,
      arrivalTime,
      policy,
      known?.lastEventTime ?? null,
    );
    const t = reading.timestamp;
    // Ahead inside a backlog: the processor dead-letters it (future_timestamp), so it counts for nothing here.
    if (quarantined) {
      counts.late += 1;
      continue;
    }
    const lateness = judgeLateness(known?.lastEventTime ?? null, t, arrivalTime, policy);
    // As the processor judges: beyond the horizon first, then duplicates, then the machine's own grace.
    if (lateness === 'beyond_horizon') {
      counts.late += 1;
      continue;
    }
    if (reading.seq !== undefined && known !== undefined && seqSeen(known.seq, reading.seq)) {
      counts.duplicates += 1;
      continue;
    }
    if (lateness === 'late') {
      counts.late += 1;
      continue;
    }
    counts.applied += 1;
    arrival = arrivalTime;
    if (aheadByMs > 0) counts.retimed += 1;
    if (newestEventTime === null || t > newestEventTime) newestEventTime = t;

    let position = positions.get(machineId);
    if (position === undefined) {
      position = copyPosition(input.positions.get(machineId) ?? emptyWindowPosition());
      positions.set(machineId, position);
    }
    if (reading.seq !== undefined) markSeq(position.seq, reading.seq);

    const sums = windowOf(machineId, windowStartOf(t, windowMs));
    sums.readings += 1;
    sums.sumLoad += fixedSum(reading.load);
    sums.sumTemperature += fixedSum(reading.temperature);
    sums.sumVibration += fixedSum(reading.vibration);
    if (!UNPLANNED.has(reading.status)) sums.plannedReadings += 1;
    if (reading.status === 'RUNNING') {
      sums.runningReadings += 1;
      sums.sumLoadRunning += fixedSum(reading.load);
    }
    addCounterDeltas(position, sums, reading);
    if (lateness === 'on_time') moveCoverage(position, reading, maxReadingGapMs, cover);
  }

  const sums = [...windows.values()].sort((a, b) =>
    a.machineId === b.machineId ? a.windowStart - b.windowStart : a.machineId < b.machineId ? -1 : 1,
  );
  return { sums, positions, counts, newestEventTime };
}

/**
 * Time coverage follows the machine's in-order readings. The previous one's status was credited up to
 * coveredUntil; this reading ends it at its own event time, so what lies beyond is taken back. This reading's
 * status is credited for the maximum gap, to be cut back in turn by the next one. Credit and correction are
 * both sums, so the windows end the same whichever batch each lands in. An out-of-order reading (inside the
 * grace) adds its values but no time: the time around it is already the earlier reading's.
 */
function moveCoverage(
  position: MutablePosition,
  reading: SensorReading,
  maxReadingGapMs: number,
  cover: (machineId: string, status: MachineStatus, from: number, to: number, sign: 1 | -1) => void,
): void {
  const t = reading.timestamp;
  if (position.lastStatus !== null && position.coveredUntil !== null && t < position.coveredUntil) {
    cover(reading.machineId, position.lastStatus, t, position.coveredUntil, -1);
  }
  cover(reading.machineId, reading.status, t, t + maxReadingGapMs, 1);
  position.lastEventTime = t;
  position.lastStatus = reading.status;
  position.coveredUntil = t + maxReadingGapMs;
}

function copyPosition(position: MachineWindowPosition): MutablePosition {
  return {
    seq: { high: position.seq.high, recent: position.seq.recent, older: position.seq.older },
    countersTime: position.countersTime,
    lastGood: position.lastGood,
    lastReject: position.lastReject,
    lastEventTime: position.lastEventTime,
    lastStatus: position.lastStatus,
    coveredUntil: position.coveredUntil,
  };
}

/**
 * Production counters are cumulative: a window gets the increase since the machine's last counters, in event
 * time. A reading not newer than those adds nothing (its increase is already in a later reading's). The first
 * counters seen for a machine are a baseline only, since a gateway's counters usually predate the stream; a
 * counter that went down was reset, and counts from zero again.
 */
function addCounterDeltas(position: MutablePosition, sums: WindowSums, reading: SensorReading): void {
  const { goodCount, rejectCount, timestamp } = reading;
  if (goodCount === undefined && rejectCount === undefined) return;
  if (position.countersTime !== null && timestamp <= position.countersTime) return;
  if (goodCount !== undefined) {
    sums.goodCount += counterDelta(goodCount, position.lastGood);
    position.lastGood = goodCount;
  }
  if (rejectCount !== undefined) {
    sums.rejectCount += counterDelta(rejectCount, position.lastReject);
    position.lastReject = rejectCount;
  }
  position.countersTime = timestamp;
}

function counterDelta(current: number, last: number | null): number {
  if (last === null) return 0;
  return current >= last ? current - last : current;
}
