// The state of one Kafka partition's fold: twins and detections by machine id, stream time, and where
// the fold is in the partition. Snapshots are plain JSON (PartitionSnapshot).
//
// A PartitionState is a value: folding a batch returns a new one and leaves the old one usable, as a
// consume loop needs (a batch whose outputs failed to commit is folded again from the previous state).
// Copying twins per batch would cost more than the fold, so versions share one store, mutated in place,
// and the store keeps an undo log of the last batch (the touched twins' numbers in a reusable buffer):
// the newest state and its predecessor are usable (using the predecessor rolls the store back to it);
// anything older throws StalePartitionStateError. Twins read through getTwin belong to the store and
// change with it.
import { errorWithCode } from '../errors.js';
import type { CompiledConfig, MachineDetection } from '../threshold-detection/index.js';
import { DeadlineHeap, cloneDetection } from '../threshold-detection/index.js';
import {
  TWIN_BACKUP_NUMBERS,
  TWIN_BACKUP_STRINGS,
  backupTwin,
  restoreTwin,
  type Twin,
} from '../twin-state/index.js';

export interface PartitionState {
  /** Max event time seen on the partition; null before the first reading. Informational: no rule judges by it. */
  readonly streamTime: number | null;
  /**
   * The partition's arrival clock: max broker arrival time of any message folded (readings, clock ticks, dead
   * letters); null before the first. Loss of signal is judged on it (docs/time.md).
   */
  readonly arrivalTime: number | null;
  /** The partition as a whole: when its latest gateway reading arrived, and since when it is silent (or null). */
  readonly signal: PartitionClock;
  /** Offset of the last reading folded; null before the first. */
  readonly lastOffset: number | null;
  /** Events already numbered at lastOffset: a clock record right after continues from there. */
  readonly eventsAtLastOffset: number;
  /** Shared storage; read through getTwin / getDetection / machineIds. */
  readonly store: PartitionStore;
}

export interface PartitionClock {
  readonly lastReadingArrival: number | null;
  readonly silentSince: number | null;
}

export const NO_PARTITION_CLOCK: PartitionClock = { lastReadingArrival: null, silentSince: null };

/** A machine's state as it lives in the store; the scratch fields belong to the batch being folded. */
export interface MachineEntry {
  twin: Twin;
  detection: MachineDetection | null;
  /** Its key in the stale-data index (NaN: none); derived, reset when the index is rebuilt. */
  staleKey: number;
  /** Batch in which twin/detection were last saved to the undo log (copy on first write per batch). */
  savedIn: number;
  /** Batch that last touched the machine, and the offset / event count of its last reading there. */
  touchedIn: number;
  lastOffset: number;
  eventsAtOffset: number;
}

/**
 * How to take the store back to the state before the last batch. Machines the batch touched are listed
 * in order; their twins' numbers and strings sit in reusable buffers (no allocation per reading), their
 * detections (rarely non-null) as the objects the batch replaced.
 */
export interface UndoLog {
  readonly previous: PartitionState;
  count: number;
}

interface UndoBuffers {
  entries: MachineEntry[];
  /** CREATED: the batch created the machine (undo removes it). */
  detections: Array<MachineDetection | null | typeof CREATED>;
  numbers: Float64Array;
  strings: string[];
}

const CREATED = 'created';

/** Opaque to callers. */
export interface PartitionStore {
  readonly machines: Map<string, MachineEntry>;
  /** Stale-data index (derived, rebuilt when dirty). */
  readonly staleIndex: DeadlineHeap<MachineEntry>;
  staleIndexDirty: boolean;
  /** Compiled configs by reading machine type (derived from the batch's lookup). */
  readonly compiled: Map<string, CompiledConfig>;
  /** The version the store reflects, and how to get back to its predecessor. */
  head: PartitionState;
  undo: UndoLog | null;
  readonly undoBuffers: UndoBuffers;
  batchSeq: number;
}

/** A state older than the newest and its predecessor was used. */
export class StalePartitionStateError extends errorWithCode(
  'StalePartitionStateError',
  'STALE_PARTITION_STATE',
) {}

export function createPartitionState(): PartitionState {
  return newStoreWith(new Map(), null, null, NO_PARTITION_CLOCK, null, 0);
}

/** The twin of a machine, or undefined. Don't change it: it belongs to the state. */
export function getTwin(state: PartitionState, machineId: string): Twin | undefined {
  return checkout(state).machines.get(machineId)?.twin;
}

/** A machine's non-normal rules, or null when all are normal (or the machine is unknown). */
export function getDetection(state: PartitionState, machineId: string): MachineDetection | null {
  return checkout(state).machines.get(machineId)?.detection ?? null;
}

/** Machine ids of the partition, sorted. */
export function machineIds(state: PartitionState): string[] {
  return [...checkout(state).machines.keys()].sort(compareIds);
}

export function machineCount(state: PartitionState): number {
  return checkout(state).machines.size;
}

/**
 * Makes the store reflect `state` and returns it: a no-op for the newest state, a rollback of the last
 * batch for its predecessor.
 */
export function checkout(state: PartitionState): PartitionStore {
  const store = state.store;
  if (store.head === state) return store;
  if (store.undo !== null && store.undo.previous === state) {
    rollback(store, store.undo);
    store.head = state;
    store.undo = null;
    return store;
  }
  throw new StalePartitionStateError(
    'this partition state is older than the one before the newest: fold from the newest state, or restore a snapshot',
  );
}

/** Starts a batch's undo log against the newest state (the older one is no longer needed). */
export function beginChange(state: PartitionState): UndoLog {
  const store = checkout(state);
  store.batchSeq += 1;
  const lastCount = store.undo?.count ?? 0;
  store.undo = null;
  // Buffers sized for one huge batch (a restore's catch-up, say) are not kept for the small ones after it.
  const buffers = store.undoBuffers;
  if (buffers.numbers.length > 8 * Math.max(lastCount, 256) * TWIN_BACKUP_NUMBERS) {
    buffers.numbers = new Float64Array(0);
    buffers.entries = [];
    buffers.detections = [];
    buffers.strings = [];
  }
  return { previous: state, count: 0 };
}

/** Before the batch changes an existing machine: keep what undo needs, once per batch. */
export function saveForUndo(store: PartitionStore, undo: UndoLog, entry: MachineEntry): void {
  if (entry.savedIn === store.batchSeq) return;
  entry.savedIn = store.batchSeq;
  const slot = reserveUndoSlot(store.undoBuffers, undo);
  const buffers = store.undoBuffers;
  buffers.entries[slot] = entry;
  backupTwin(
    entry.twin,
    buffers.numbers,
    slot * TWIN_BACKUP_NUMBERS,
    buffers.strings,
    slot * TWIN_BACKUP_STRINGS,
  );
  buffers.detections[slot] = entry.detection;
  // Detection is changed in place by the fold: keep the original, work on a copy.
  entry.detection = cloneDetection(entry.detection);
}

/** A machine the batch created: undo removes it. */
export function addMachine(store: PartitionStore, undo: UndoLog, twin: Twin): MachineEntry {
  const entry: MachineEntry = {
    twin,
    detection: null,
    staleKey: NaN,
    savedIn: store.batchSeq,
    touchedIn: 0,
    lastOffset: -1,
    eventsAtOffset: 0,
  };
  store.machines.set(twin.machineId, entry);
  const slot = reserveUndoSlot(store.undoBuffers, undo);
  store.undoBuffers.entries[slot] = entry;
  store.undoBuffers.detections[slot] = CREATED;
  return entry;
}

/** Ends a batch: the new version becomes the head, the old one stays usable through the undo log. */
export function commitChange(
  store: PartitionStore,
  undo: UndoLog,
  streamTime: number | null,
  arrivalTime: number | null,
  signal: PartitionClock,
  lastOffset: number | null,
  eventsAtLastOffset: number,
): PartitionState {
  const next: PartitionState = { streamTime, arrivalTime, signal, lastOffset, eventsAtLastOffset, store };
  store.head = next;
  store.undo = undo;
  return next;
}

/** A batch failed half-way: put everything back as it was before it. */
export function abandonChange(store: PartitionStore, undo: UndoLog): void {
  rollback(store, undo);
}

export function newStoreWith(
  machines: Map<string, MachineEntry>,
  streamTime: number | null,
  arrivalTime: number | null,
  signal: PartitionClock,
  lastOffset: number | null,
  eventsAtLastOffset: number,
): PartitionState {
  const store: PartitionStore = {
    machines,
    staleIndex: new DeadlineHeap<MachineEntry>(),
    staleIndexDirty: true,
    compiled: new Map(),
    head: undefined as unknown as PartitionState,
    undo: null,
    undoBuffers: { entries: [], detections: [], numbers: new Float64Array(0), strings: [] },
    batchSeq: 0,
  };
  const state: PartitionState = { streamTime, arrivalTime, signal, lastOffset, eventsAtLastOffset, store };
  store.head = state;
  return state;
}

export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function rollback(store: PartitionStore, undo: UndoLog): void {
  const { entries, detections, numbers, strings } = store.undoBuffers;
  for (let slot = undo.count - 1; slot >= 0; slot--) {
    const entry = entries[slot]!;
    const detection = detections[slot]!;
    if (detection === CREATED) {
      store.machines.delete(entry.twin.machineId);
    } else {
      restoreTwin(entry.twin, numbers, slot * TWIN_BACKUP_NUMBERS, strings, slot * TWIN_BACKUP_STRINGS);
      entry.detection = detection;
    }
    entry.savedIn = 0;
  }
  undo.count = 0;
  // The heap was popped and pushed by the batch: rebuild it rather than undo it.
  store.staleIndexDirty = true;
}

function reserveUndoSlot(buffers: UndoBuffers, undo: UndoLog): number {
  const slot = undo.count++;
  const needed = (slot + 1) * TWIN_BACKUP_NUMBERS;
  if (buffers.numbers.length < needed) {
    const grown = new Float64Array(Math.max(needed, buffers.numbers.length * 2, 256 * TWIN_BACKUP_NUMBERS));
    grown.set(buffers.numbers);
    buffers.numbers = grown;
  }
  return slot;
}
