// Loss of signal (STALE_DATA) on the arrival clock: a machine is silent when the broker has had no message of it
// for staleAfterMs, i.e. its lastArrival + staleAfterMs < the partition's arrival clock. The arrival clock moves
// with every message of the partition, readings or the processor's clock ticks, so a machine alone on an idle
// partition is noticed too, and no gateway's own clock can make another machine look silent (docs/time.md).
// Checked on every arrival-clock advance, so it must cost next to nothing: machines sit in a min-heap by
// deadline, and an advance only looks at the heap's top. Keys are allowed to be early (a machine's
// deadline only moves later as readings arrive); an early entry is re-keyed when it surfaces. The heap is
// an index, rebuilt from the twins after a restore or a config change, never part of the snapshot.
import type { SensorReading } from '../readings/reading.js';
import type { Twin } from '../twin-state/index.js';
import type { EventSink } from './anomaly-event.js';
import type { CompiledConfig } from './compile-config.js';
import {
  STALE_ANOMALY_TYPE,
  STALE_RULE_ID,
  emitRuleEvent,
  isStale,
  openStaleData,
  type MachineDetection,
  type RuleState,
} from './detection.js';

/** A machine as stale-data detection sees it; the fold's own entry type extends it. */
export interface StaleCandidate {
  readonly twin: Twin;
  detection: MachineDetection | null;
  /** Its latest key in the heap (NaN: not in it); an older entry of it that surfaces is dropped. Derived. */
  staleKey: number;
}

/** Binary min-heap of machines by deadline (parallel arrays: no object per entry). */
export class DeadlineHeap<T> {
  private readonly keys: number[] = [];
  private readonly items: T[] = [];

  get size(): number {
    return this.keys.length;
  }

  /** The smallest deadline, or +Infinity when empty. */
  peekKey(): number {
    return this.keys.length > 0 ? this.keys[0]! : Infinity;
  }

  push(key: number, item: T): void {
    const keys = this.keys;
    const items = this.items;
    let i = keys.length;
    keys.push(key);
    items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (keys[parent]! <= key) break;
      keys[i] = keys[parent]!;
      items[i] = items[parent]!;
      i = parent;
    }
    keys[i] = key;
    items[i] = item;
  }

  /** Removes and returns the item with the smallest deadline. */
  pop(): T {
    const keys = this.keys;
    const items = this.items;
    const top = items[0]!;
    const lastKey = keys.pop()!;
    const lastItem = items.pop()!;
    const n = keys.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= n) break;
        const right = left + 1;
        const child = right < n && keys[right]! < keys[left]! ? right : left;
        if (keys[child]! >= lastKey) break;
        keys[i] = keys[child]!;
        items[i] = items[child]!;
        i = child;
      }
      keys[i] = lastKey;
      items[i] = lastItem;
    }
    return top;
  }

  clear(): void {
    this.keys.length = 0;
    this.items.length = 0;
  }
}

/**
 * Puts a machine that is not stale into the index at its deadline, if its config watches for stale data and the
 * deadline is earlier than the key it has there (a learned cadence can bring it forward; later is fine: early
 * keys are re-keyed when they surface).
 */
export function watchForStaleData<E extends StaleCandidate>(
  heap: DeadlineHeap<E>,
  entry: E,
  config: CompiledConfig,
): void {
  if (config.staleAfterMs === null) return;
  const key = entry.twin.lastArrival + silenceAllowance(entry.twin, config);
  if (!(key < entry.staleKey) && !Number.isNaN(entry.staleKey)) return;
  entry.staleKey = key;
  heap.push(key, entry);
}

/** Never sooner than this, however fast a machine reports: a gateway's send loop may pause for a few seconds. */
export const MIN_SILENCE_MS = 10_000;
/** How much arrival time the learned cadence covers (a time-weighted average of the intervals). */
const CADENCE_TIME_CONSTANT_MS = 60_000;

/**
 * How long the machine may be silent before it has lost its signal: its type's staleAfterMs, or sooner once it
 * has missed staleMissedReadings of its own typical intervals (but never before MIN_SILENCE_MS).
 */
export function silenceAllowance(twin: Twin, config: CompiledConfig): number {
  const after = config.staleAfterMs;
  if (after === null) return Infinity;
  const missed = config.staleMissedReadings;
  const interval = twin.arrivalIntervalMs;
  if (missed === null || Number.isNaN(interval)) return after;
  return Math.min(after, Math.max(MIN_SILENCE_MS, missed * interval));
}

/**
 * A message of the machine arrived: it was heard at `arrivalTime`, and its cadence learns the interval. Weighted
 * by the interval's length, so a store-and-forward burst (intervals near 0) barely moves it; it rises faster
 * than it falls; and an outage (longer than the allowance) is not the cadence.
 */
export function noteArrival(twin: Twin, arrivalTime: number, config: CompiledConfig): void {
  const gap = arrivalTime - twin.lastArrival;
  if (!(gap > 0)) return;
  if (gap <= silenceAllowance(twin, config)) {
    const interval = twin.arrivalIntervalMs;
    if (Number.isNaN(interval)) {
      twin.arrivalIntervalMs = gap;
    } else {
      let weight = 1 - Math.exp(-gap / CADENCE_TIME_CONSTANT_MS);
      if (gap > interval) weight = Math.max(weight, 0.25);
      twin.arrivalIntervalMs = interval + weight * (gap - interval);
    }
  }
  twin.lastArrival = arrivalTime;
}

/** Rebuilds the index from scratch: every machine not already stale whose config watches for it. */
export function rebuildStaleIndex<E extends StaleCandidate>(
  heap: DeadlineHeap<E>,
  entries: Iterable<E>,
  configFor: (machineType: string) => CompiledConfig,
): void {
  heap.clear();
  for (const entry of entries) {
    entry.staleKey = NaN;
    if (!isStale(entry.detection)) watchForStaleData(heap, entry, configFor(entry.twin.machineType));
  }
}

/**
 * Opens STALE_DATA for every machine that fell silent by the arrival clock `arrivalTime`, once each; the
 * machine's next message clears it (clearStaleData). Machines going stale together are opened in (deadline,
 * machine id) order, so the events don't depend on the heap's history (e.g. before or after a restore).
 * `beforeOpen` lets the caller save a machine's state before its detection changes.
 */
export function advanceStaleData<E extends StaleCandidate>(
  heap: DeadlineHeap<E>,
  arrivalTime: number,
  configFor: (machineType: string) => CompiledConfig,
  sink: EventSink,
  beforeOpen?: (entry: E) => void,
): void {
  if (!(heap.peekKey() < arrivalTime)) return; // the per-message cost: one comparison
  const due: Array<{ entry: E; deadline: number; config: CompiledConfig }> = [];
  while (heap.peekKey() < arrivalTime) {
    const key = heap.peekKey();
    const entry = heap.pop();
    if (key !== entry.staleKey) continue; // an older entry of a machine pushed again since
    entry.staleKey = NaN;
    if (isStale(entry.detection)) continue; // watched again once it clears
    const config = configFor(entry.twin.machineType);
    if (config.staleAfterMs === null) continue; // watched again if a config version turns it on
    const deadline = entry.twin.lastArrival + silenceAllowance(entry.twin, config);
    if (deadline < arrivalTime) {
      due.push({ entry, deadline, config });
    } else {
      entry.staleKey = deadline;
      heap.push(deadline, entry);
    }
  }
  if (due.length > 1) {
    due.sort((a, b) => a.deadline - b.deadline || compareIds(a.entry.twin.machineId, b.entry.twin.machineId));
  }
  for (const { entry, config } of due) {
    if (isStale(entry.detection)) continue; // a machine that changed type can sit in the heap twice
    beforeOpen?.(entry);
    entry.detection = openStaleData(
      entry.detection,
      entry.twin,
      config,
      silenceAllowance(entry.twin, config),
      arrivalTime,
      sink,
    );
  }
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A gap in the machine's own data: an in-order reading more than its type's afterMs after the previous one, in
 * event time, while its signal was never lost on the arrival clock. (The learned cadence is not used: inside a
 * burst, arrivals say nothing about the data's own rhythm.) That is a hole inside a backlog (a gateway whose
 * buffer overflowed, a history sent late): no arrival-clock rule can see it, so STALE_DATA opens and clears at
 * once, on event time, with `dataGap` set. (Live, the same silence is a loss of signal, reported as it happens.)
 */
export function reportDataGap(
  twin: Twin,
  reading: SensorReading,
  config: CompiledConfig,
  sink: EventSink,
): void {
  if (config.staleAfterMs === null) return;
  const gap = reading.timestamp - twin.lastEventTime;
  const allowance = config.staleAfterMs;
  if (!(gap > allowance)) return;
  const state: RuleState = {
    ruleId: STALE_RULE_ID,
    anomalyType: STALE_ANOMALY_TYPE,
    since: twin.lastEventTime,
    severity: config.staleSeverity,
    openedAt: twin.lastEventTime + allowance,
    escalatingSince: null,
    clearingSince: null,
  };
  emitRuleEvent(sink, 'ANOMALY_OPENED', reading, twin.lastEventTime + allowance, state, config, {
    value: allowance,
    bound: allowance,
    boundSeverity: config.staleSeverity,
    durationMs: allowance,
    dataGap: true,
  });
  emitRuleEvent(sink, 'ANOMALY_CLEARED', reading, reading.timestamp, state, config, {
    value: gap,
    bound: allowance,
    durationMs: gap,
    dataGap: true,
  });
}
