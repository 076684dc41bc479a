// Folds one partition's batch of readings into partial window sums, in offset order. Everything that decides
// whether a reading counts (stream time, seq window, last counters) is carried in the input and returned, so
// the outcome does not depend on where batches are cut.
import type { MachineStatus, SensorReading } from '../readings/reading.js';
import { emptySeqWindow, markSeq, seqSeen, type SeqWindow } from '../twin-state/seq-window.js';
import { HOUR_MS, emptySums, fixedSum, windowStartOf, type WindowSums } from './window-metrics.js';

export interface WindowOptions {
  /** Base window length, ms: a positive integer dividing one hour, so hours and UTC days hold whole windows. */
  readonly windowMs: number;
  /** How long after its end (in stream time) a window still takes readings. */
  readonly graceMs: number;
}

export const DEFAULT_WINDOW_OPTIONS: WindowOptions = { windowMs: 60_000, graceMs: 30_000 };

/** Validated options, defaults filled in; throws an Error with a one-line message. */
export function resolveWindowOptions(options: Partial<WindowOptions> = {}): WindowOptions {
  const windowMs = options.windowMs ?? DEFAULT_WINDOW_OPTIONS.windowMs;
  const graceMs = options.graceMs ?? DEFAULT_WINDOW_OPTIONS.graceMs;
  if (!Number.isInteger(windowMs) || windowMs <= 0 || HOUR_MS % windowMs !== 0) {
    throw new Error(
      `windowMs: expected a positive integer of ms dividing one hour (3600000), got ${windowMs}`,
    );
  }
  if (!Number.isFinite(graceMs) || graceMs < 0) {
    throw new Error(`graceMs: expected a number of ms ≥ 0, got ${graceMs}`);
  }
  return { windowMs, graceMs };
}

/** What the windows remember per machine between batches (a projector_positions row). */
export interface MachineWindowPosition {
  readonly seq: SeqWindow;
  /** Event time of the reading that carried lastGood / lastReject. */
  readonly countersTime: number | null;
  readonly lastGood: number | null;
  readonly lastReject: number | null;
}

export function emptyWindowPosition(): MachineWindowPosition {
  return { seq: emptySeqWindow(), countersTime: null, lastGood: null, lastReject: null };
}

export interface AggregateInput {
  /** The partition's stream time before this batch (max event time seen), null before its first reading. */
  readonly streamTime: number | null;
  /** The batch, in offset order. */
  readonly readings: readonly SensorReading[];
  /** Positions of the batch's machines; a machine absent here is new. */
  readonly positions: Pick<ReadonlyMap<string, MachineWindowPosition>, 'get'>;
  readonly options: WindowOptions;
}

export interface AggregateCounts {
  applied: number;
  duplicates: number;
  late: number;
}

export interface AggregateOutput {
  readonly streamTime: number | null;
  /** This batch's partial sums, one per (machine, window), sorted by machineId then windowStart. */
  readonly sums: WindowSums[];
  /** New positions of the machines with at least one applied reading. */
  readonly positions: Map<string, MachineWindowPosition>;
  readonly counts: AggregateCounts;
}

type MutablePosition = { -readonly [K in keyof MachineWindowPosition]: MachineWindowPosition[K] };

// Planned production time excludes planned downtime only; FAULT, STOPPED and IDLE are losses.
const UNPLANNED: ReadonlySet<MachineStatus> = new Set<MachineStatus>(['MAINTENANCE']);

/** Aggregates a batch; pure: the inputs are not changed. */
export function aggregateReadings(input: AggregateInput): AggregateOutput {
  const { windowMs, graceMs } = input.options;
  let streamTime = input.streamTime;
  const positions = new Map<string, MutablePosition>();
  const windows = new Map<string, WindowSums>();
  const counts: AggregateCounts = { applied: 0, duplicates: 0, late: 0 };

  for (const reading of input.readings) {
    const t = reading.timestamp;
    const before = streamTime;
    if (streamTime === null || t > streamTime) streamTime = t;
    const machineId = reading.machineId;
    const known = positions.get(machineId) ?? input.positions.get(machineId);
    if (reading.seq !== undefined && known !== undefined && seqSeen(known.seq, reading.seq)) {
      counts.duplicates += 1;
      continue;
    }
    const windowStart = windowStartOf(t, windowMs);
    if (before !== null && windowStart + windowMs + graceMs <= before) {
      counts.late += 1;
      continue;
    }
    counts.applied += 1;

    let position = positions.get(machineId);
    if (position === undefined) {
      position = copyPosition(input.positions.get(machineId) ?? emptyWindowPosition());
      positions.set(machineId, position);
    }
    if (reading.seq !== undefined) markSeq(position.seq, reading.seq);

    const key = `${machineId}\u0000${windowStart}`;
    let sums = windows.get(key);
    if (sums === undefined) {
      sums = emptySums(machineId, windowStart, windowMs);
      windows.set(key, sums);
    }
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
  }

  const sums = [...windows.values()].sort((a, b) =>
    a.machineId === b.machineId ? a.windowStart - b.windowStart : a.machineId < b.machineId ? -1 : 1,
  );
  return { streamTime, sums, positions, counts };
}

function copyPosition(position: MachineWindowPosition): MutablePosition {
  return {
    seq: { high: position.seq.high, recent: position.seq.recent, older: position.seq.older },
    countersTime: position.countersTime,
    lastGood: position.lastGood,
    lastReject: position.lastReject,
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
