// Snapshots: the partition state as plain JSON data (for JSONB), and back. A restored state behaves
// exactly as the one that was serialized; derived indexes (stale-data heap, compiled configs) are
// rebuilt on the next fold.
import { z } from 'zod';
import { errorWithCode } from '../errors.js';
import { mlStateProblem } from '../ml-detection/detector.js';
import { MACHINE_STATUSES } from '../readings/reading.js';
import { SEVERITIES, type MachineDetection, type RuleState } from '../threshold-detection/index.js';
import { TWIN_STATS_LENGTH, rateTracksProblem, type LatestValues, type Twin } from '../twin-state/index.js';
import {
  checkout,
  compareIds,
  NO_PARTITION_CLOCK,
  newStoreWith,
  type MachineEntry,
  type PartitionClock,
  type PartitionState,
} from './partition-state.js';

// 2: twin statistics as one array of 30 numbers (1 had a tuple per sensor).
// 3: twins carry rate-of-change tracks (`rates`), and their statistics are weighted by event time.
//    Twins may carry the ML detector's state (`ml`, NaN written as null); optional, so format 3 snapshots
//    written before the detector existed restore as they are (the detector starts afresh on them).
export const SNAPSHOT_FORMAT = 3;

/** What the current format changed, for the message that rejects an older one. */
const FORMAT_CHANGES = 'twins now keep rate-of-change tracks and event-time-weighted statistics';

/** A twin as a snapshot holds it: JSON has no NaN, so an unset clock-skew watch is absent. */
type ClockFields = 'behindSinceArrival' | 'behindSinceEvent' | 'lastArrival' | 'arrivalIntervalMs';
export type TwinJson = Omit<Twin, ClockFields> & Partial<Pick<Twin, ClockFields>>;

export interface MachineSnapshot {
  readonly machineId: string;
  readonly twin: TwinJson;
  readonly detection: MachineDetection | null;
}

export interface PartitionSnapshot {
  readonly format: typeof SNAPSHOT_FORMAT;
  readonly streamTime: number | null;
  /** Absent in snapshots from before the arrival clock. */
  readonly arrivalTime?: number | null;
  readonly signal?: PartitionClock;
  readonly lastOffset: number | null;
  readonly eventsAtLastOffset: number;
  /** Sorted by machine id; each entry stands alone (a state_snapshots row per machine works too). */
  readonly machines: readonly MachineSnapshot[];
}

/** A snapshot that can't be restored; `message` is one line naming the path. */
export class SnapshotError extends errorWithCode('SnapshotError', 'SNAPSHOT_UNREADABLE') {}

/** The state as JSON-ready data, detached from the state (later folds don't change it). */
export function serializePartitionState(state: PartitionState): PartitionSnapshot {
  const store = checkout(state);
  const machines: MachineSnapshot[] = [];
  for (const id of [...store.machines.keys()].sort(compareIds)) {
    const entry = store.machines.get(id)!;
    machines.push({
      machineId: id,
      twin: withMlToJson(twinToJson(entry.twin), entry.twin.ml),
      detection: detectionToJson(entry.detection),
    });
  }
  return {
    format: SNAPSHOT_FORMAT,
    streamTime: state.streamTime,
    arrivalTime: state.arrivalTime,
    signal: { ...state.signal },
    lastOffset: state.lastOffset,
    eventsAtLastOffset: state.eventsAtLastOffset,
    machines,
  };
}

/** A state from a snapshot (parsed JSON), validated. Throws SnapshotError. */
export function restorePartitionState(snapshot: unknown): PartitionState {
  const format = (snapshot as { format?: unknown } | null)?.format;
  if (typeof format === 'number' && format !== SNAPSHOT_FORMAT) {
    throw new SnapshotError(
      `partition snapshot format ${format} can't be restored: this version reads format ${SNAPSHOT_FORMAT} only ` +
        `(${FORMAT_CHANGES}); rebuild the state by folding the partition again from an earlier offset`,
    );
  }
  const parsed = snapshotSchema.safeParse(snapshot);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new SnapshotError(
      `invalid partition snapshot: ${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
  }
  const data = parsed.data;
  const intern = interner();
  const machines = new Map<string, MachineEntry>();
  for (const [i, machine] of data.machines.entries()) {
    if (machine.twin.machineId !== machine.machineId) {
      throw new SnapshotError(
        `invalid partition snapshot: machines.${i}.twin.machineId: differs from machineId`,
      );
    }
    if (machines.has(machine.machineId)) {
      throw new SnapshotError(
        `invalid partition snapshot: machines.${i}.machineId: ${machine.machineId} appears twice`,
      );
    }
    machines.set(machine.machineId, {
      twin: twinFromJson(machine.twin as Twin, machine.twin.ml, intern),
      detection: detectionFromJson(machine.detection, intern),
      staleKey: NaN,
      savedIn: 0,
      touchedIn: 0,
      lastOffset: -1,
      eventsAtOffset: 0,
    });
  }
  // Before the arrival clock, stream time was what stale data was judged on.
  const arrivalTime = data.arrivalTime === undefined ? data.streamTime : data.arrivalTime;
  return newStoreWith(
    machines,
    data.streamTime,
    arrivalTime,
    data.signal ?? NO_PARTITION_CLOCK,
    data.lastOffset,
    data.eventsAtLastOffset,
  );
}

// Copies in a fixed property order with absent optional fields left out: the JSON a restore reads back.
function twinToJson(twin: Twin): TwinJson {
  const latest: LatestValues = {
    temperature: twin.latest.temperature,
    vibration: twin.latest.vibration,
    load: twin.latest.load,
  };
  for (const key of ['rpm', 'powerKw', 'pressureBar', 'goodCount', 'rejectCount'] as const) {
    const value = twin.latest[key];
    if (value !== undefined) latest[key] = value;
  }
  return {
    machineId: twin.machineId,
    machineType: twin.machineType,
    firstSeen: twin.firstSeen,
    lastSeen: twin.lastSeen,
    lastEventTime: twin.lastEventTime,
    status: twin.status,
    statusSince: twin.statusSince,
    lastArrival: twin.lastArrival,
    ...(!Number.isNaN(twin.arrivalIntervalMs) && { arrivalIntervalMs: twin.arrivalIntervalMs }),
    // JSON has no NaN: an unset clock-skew watch is left out.
    ...(!Number.isNaN(twin.behindSinceArrival) && {
      behindSinceArrival: twin.behindSinceArrival,
      behindSinceEvent: twin.behindSinceEvent,
    }),
    latest,
    counters: { ...twin.counters },
    stats: twin.stats.slice(),
    seq: { ...twin.seq },
    rates: twin.rates === null ? null : twin.rates.slice(),
  };
}

function twinFromJson(
  twin: Twin,
  ml: ReadonlyArray<number | null> | undefined,
  intern: (text: string) => string,
): Twin {
  const json = twinToJson(twin);
  const copy: Twin = {
    ...json,
    // Snapshots from before the arrival clock: the machine was last heard at its last event.
    lastArrival: json.lastArrival ?? json.lastEventTime,
    behindSinceArrival: json.behindSinceArrival ?? NaN,
    behindSinceEvent: json.behindSinceEvent ?? NaN,
    arrivalIntervalMs: json.arrivalIntervalMs ?? NaN,
  };
  copy.machineType = intern(copy.machineType);
  copy.status = intern(copy.status) as Twin['status'];
  if (ml !== undefined) copy.ml = ml.map((value) => (value === null ? NaN : value));
  return copy;
}

// JSON has no NaN (the ML state's "not set"): it is written as null.
function withMlToJson(json: TwinJson, ml: readonly number[] | undefined): TwinJson {
  if (ml === undefined) return json;
  const numbers = ml.map((value) => (Number.isNaN(value) ? null : value));
  return { ...json, ml: numbers as number[] };
}

function detectionToJson(detection: MachineDetection | null): MachineDetection | null {
  if (detection === null) return null;
  return {
    configType: detection.configType,
    configVersion: detection.configVersion,
    rules: detection.rules.map((rule) => ({ ...rule })),
  };
}

function detectionFromJson(
  detection: MachineDetection | null,
  intern: (text: string) => string,
): MachineDetection | null {
  if (detection === null) return null;
  return {
    configType: intern(detection.configType),
    configVersion: detection.configVersion,
    rules: detection.rules.map((rule): RuleState => ({
      ruleId: intern(rule.ruleId),
      anomalyType: intern(rule.anomalyType),
      since: rule.since,
      severity: rule.severity,
      openedAt: rule.openedAt,
      escalatingSince: rule.escalatingSince,
      clearingSince: rule.clearingSince,
    })),
  };
}

// 100k twins of a handful of types: one copy of each type string, not one per machine.
function interner(): (text: string) => string {
  const seen = new Map<string, string>();
  return (text) => {
    const known = seen.get(text);
    if (known !== undefined) return known;
    seen.set(text, text);
    return text;
  };
}

const time = z.number().finite();
const count = z.number().int().min(0);
const uint32 = z.number().int().min(0).max(0xffff_ffff);
// 5 per sensor ([count, EWMA mean, EWMA variance, min, max]), in TWIN_SENSORS order.
const stats = z.array(z.number()).length(TWIN_STATS_LENGTH);
const optionalValue = z.number().optional();

const twinSchema = z.strictObject({
  machineId: z.string().min(1),
  machineType: z.string().min(1),
  firstSeen: time,
  lastSeen: time,
  lastEventTime: time,
  status: z.enum(MACHINE_STATUSES),
  statusSince: time,
  lastArrival: time.optional(),
  arrivalIntervalMs: z.number().min(0).finite().optional(),
  behindSinceArrival: time.optional(),
  behindSinceEvent: time.optional(),
  latest: z.strictObject({
    temperature: z.number(),
    vibration: z.number(),
    load: z.number(),
    rpm: optionalValue,
    powerKw: optionalValue,
    pressureBar: optionalValue,
    goodCount: optionalValue,
    rejectCount: optionalValue,
  }),
  counters: z.strictObject({ applied: count, outOfOrder: count, duplicates: count, late: count }),
  stats,
  seq: z.strictObject({ high: z.number().int().min(-1), recent: uint32, older: uint32 }),
  // Rate-of-change tracks, RATE_TRACK_NUMBERS numbers per sensor (see twin-state/rate-tracking).
  rates: z
    .array(z.number())
    .superRefine((rates, ctx) => {
      const problem = rateTracksProblem(rates);
      if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
    })
    .nullable(),
  // The ML detector's state (see ml-detection/detector.ts); absent in snapshots from before it.
  ml: z
    .array(z.number().nullable())
    .superRefine((ml, ctx) => {
      const problem = mlStateProblem(ml.map((value) => (value === null ? NaN : value)));
      if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
});

const ruleStateSchema = z.strictObject({
  ruleId: z.string().min(1),
  anomalyType: z.string().min(1).max(50),
  since: time,
  severity: z.enum(SEVERITIES).nullable(),
  openedAt: time.nullable(),
  escalatingSince: time.nullable(),
  clearingSince: time.nullable(),
});

const snapshotSchema = z.strictObject({
  format: z.literal(SNAPSHOT_FORMAT),
  streamTime: time.nullable(),
  arrivalTime: time.nullable().optional(),
  signal: z.strictObject({ lastReadingArrival: time.nullable(), silentSince: time.nullable() }).optional(),
  lastOffset: z.number().int().min(0).nullable(),
  eventsAtLastOffset: count,
  machines: z.array(
    z.strictObject({
      machineId: z.string().min(1),
      twin: twinSchema,
      detection: z
        .strictObject({
          configType: z.string().min(1),
          configVersion: count,
          rules: z.array(ruleStateSchema).min(1),
        })
        .nullable(),
    }),
  ),
});
