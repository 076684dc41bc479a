// The fold the runtime calls once per consumed batch of one Kafka partition: messages in offset order →
// twins evolved on each machine's own event time, anomalies detected, clocks judged and loss of signal judged on
// the partition's arrival clock (docs/time.md) → events out.
// Pure: no I/O, no clock; the same state and records (and configs) give the same result, however the
// runtime cuts the partition into batches (apart from TWIN_UPDATED, which is one per machine per batch).
import { ML_STATE_LENGTH, emptyMlState, judgeWithModel } from '../ml-detection/detector.js';
import { NO_MODELS, type ModelLookup } from '../ml-detection/model.js';
import {
  DEFAULT_ARRIVAL_POLICY,
  aheadDetail,
  judgeLateness,
  latenessDetail,
  retimeReading,
} from '../readings/arrival.js';
import type { SensorReading } from '../readings/reading.js';
import {
  DEFAULT_CLOCK_SKEW_POLICY,
  advanceStaleData,
  clearStaleData,
  judgeClock,
  noteArrival,
  reportDataGap,
  type ClockSkewPolicy,
  compileMachineTypeConfig,
  isStale,
  judgeReading,
  rebuildStaleIndex,
  resolveConfig,
  watchForStaleData,
  type CompiledConfig,
  type ConfigLookup,
  type EventSink,
} from '../threshold-detection/index.js';
import {
  classifyReading,
  createTwin,
  evolveInPlace,
  resolveTwinOptions,
  type Twin,
  type TwinOptions,
} from '../twin-state/index.js';
import {
  abandonChange,
  addMachine,
  beginChange,
  checkout,
  commitChange,
  saveForUndo,
  type MachineEntry,
  type PartitionState,
  type PartitionStore,
} from './partition-state.js';
import { judgePartitionSilence, type PartitionSilencePolicy } from './partition-silence.js';
import { summarizeTwin, type TwinEvent, type TwinUpdatedEvent } from './twin-event.js';

export interface ReadingRecord {
  /** Kafka offset of the reading in this partition; increasing within and across batches. */
  readonly offset: number;
  readonly reading: SensorReading;
  /** When it reached the broker (the topic's LogAppendTime), epoch ms; absent: on time (its event time). */
  readonly arrivalTime?: number;
}

/**
 * A message of the partition that is no reading (a clock tick, a dead letter): it only moves the arrival clock,
 * so a partition whose gateways fell silent still notices it.
 */
export interface ClockRecord {
  readonly offset: number;
  readonly arrivalTime: number;
  readonly reading?: undefined;
}

export type FoldRecord = ReadingRecord | ClockRecord;

/**
 * A reading the fold did not apply. `late` and `future_timestamp` ones (a clock ahead inside a backlog) go to
 * the dead-letter topic with that reason; `duplicate` ones are only counted (a redelivery is normal Kafka
 * behaviour, not bad input).
 */
export interface RejectedReading {
  readonly offset: number;
  readonly reason: 'late' | 'duplicate' | 'future_timestamp';
  /** One line for the dead letter's error header / logs. */
  readonly detail: string;
}

export interface BatchCounts {
  readonly readings: number;
  readonly applied: number;
  readonly appliedOutOfOrder: number;
  readonly duplicates: number;
  readonly late: number;
  readonly newMachines: number;
  readonly machinesTouched: number;
}

export interface BatchResult {
  readonly state: PartitionState;
  /** Ordered by (sourceOffset, index). */
  readonly events: TwinEvent[];
  readonly rejected: RejectedReading[];
  readonly counts: BatchCounts;
}

export interface FoldOptions extends Partial<TwinOptions> {
  /**
   * A machine's TWIN_UPDATED is due when its event time enters a new slot of this length (and whenever its
   * status changes or it has an anomaly event); at most one per machine per batch, after its last reading.
   * 0: every machine touched by the batch. Under light load batches are small, so without it nearly every
   * reading would publish a twin and the projector would write a machine_twins row per reading.
   */
  readonly twinPublishIntervalMs?: number;
  /** A reading stamped this far ahead of its arrival is re-timed to it, and its machine flagged CLOCK_SKEW. */
  readonly maxAheadMs?: number;
  /** Readings older than this on the arrival clock are late whatever their machine's state; 0: no horizon. */
  readonly backlogHorizonMs?: number;
  /** CLOCK_SKEW behind: readings this far behind their arrival at live pace for clockSkewConfirmMs. */
  readonly clockSkewBehindMs?: number;
  readonly clockSkewConfirmMs?: number;
  /** The partition's name and silence timeout: PARTITION_SILENT rows (absent: none). */
  readonly partitionSilence?: PartitionSilencePolicy;
}

/**
 * Folds one batch of one partition. `state` is not changed (it stays usable to fold the batch again if
 * its outputs could not be committed); the result's state is the new version. `configs` gives each
 * reading's machine type config (validated when loaded), DEFAULT_MACHINE_TYPE_CONFIG when it has none;
 * a config whose version changed since the last batch takes effect now. `models` gives each machine type's
 * ACTIVE ML model (processors/ml-detection); a type without one is judged by thresholds only.
 */
export function processBatch(
  state: PartitionState,
  records: ReadonlyArray<FoldRecord>,
  configs: ConfigLookup,
  options: FoldOptions = {},
  models: ModelLookup = NO_MODELS,
): BatchResult {
  const { graceMs, statsTimeConstantMs } = resolveTwinOptions(options);
  const horizon = {
    lateGraceMs: graceMs,
    backlogHorizonMs: options.backlogHorizonMs ?? DEFAULT_ARRIVAL_POLICY.backlogHorizonMs,
  };
  const skewPolicy: ClockSkewPolicy = {
    ...DEFAULT_CLOCK_SKEW_POLICY,
    maxAheadMs: options.maxAheadMs ?? DEFAULT_ARRIVAL_POLICY.maxAheadMs,
    behindAfterMs: options.clockSkewBehindMs ?? DEFAULT_CLOCK_SKEW_POLICY.behindAfterMs,
    confirmAfterMs: options.clockSkewConfirmMs ?? DEFAULT_CLOCK_SKEW_POLICY.confirmAfterMs,
  };
  const publishEvery = options.twinPublishIntervalMs ?? 0;
  const slotOf = (t: number) => (publishEvery > 0 ? Math.floor(t / publishEvery) : t);
  checkOffsets(state, records);
  const store = checkout(state);
  if (records.length === 0) {
    return { state, events: [], rejected: [], counts: countsOf(0, 0, 0, 0, 0, 0, 0) };
  }
  const undo = beginChange(state);
  try {
    const configFor = prepareConfigs(store, configs);
    const heap = store.staleIndex;
    const machines = store.machines;
    const batch = store.batchSeq;
    const events: TwinEvent[] = [];
    const rejected: RejectedReading[] = [];
    const touched: MachineEntry[] = [];
    const due = new Set<MachineEntry>();
    const sink: EventSink = { sourceOffset: 0, nextIndex: 0, events };
    const beforeStaleOpen = (entry: MachineEntry) => saveForUndo(store, undo, entry);
    // The gateway's own stamp against the broker's: before re-timing.
    const judgeClockOf = (
      entry: MachineEntry,
      original: SensorReading,
      arrival: number,
      config: CompiledConfig,
    ) => {
      entry.detection = judgeClock(
        entry.detection,
        entry.twin,
        original,
        original.timestamp,
        arrival,
        skewPolicy,
        config,
        sink,
      );
    };
    let streamTime = state.streamTime;
    let clock = state.arrivalTime;
    let signal = state.signal;
    let eventsAtLast = state.eventsAtLastOffset;
    let applied = 0;
    let outOfOrder = 0;
    let duplicates = 0;
    let late = 0;
    let created = 0;
    let readings = 0;

    for (let i = 0; i < records.length; i++) {
      const record = records[i]!;
      const offset = record.offset;
      sink.sourceOffset = offset;
      sink.nextIndex = 0;
      const original = record.reading;
      const arrival = record.arrivalTime ?? original!.timestamp;
      sink.arrivalTime = arrival;
      const clockAdvanced = clock === null || arrival > clock;
      if (clockAdvanced) clock = arrival;
      signal = judgePartitionSilence(signal, arrival, original !== undefined, options.partitionSilence, sink);
      if (original === undefined) {
        if (clockAdvanced) advanceStaleData(heap, clock!, configFor, sink, beforeStaleOpen);
        eventsAtLast = sink.nextIndex;
        continue;
      }
      readings++;
      let entry = machines.get(original.machineId);
      // A gateway clock running ahead of the broker's: placed at its arrival, or quarantined inside a backlog.
      const arrived = retimeReading(
        original,
        arrival,
        { maxAheadMs: skewPolicy.maxAheadMs, lateGraceMs: graceMs },
        entry?.twin.lastEventTime ?? null,
      );
      const reading = arrived.reading;
      const t = reading.timestamp;
      if (!arrived.quarantined && (streamTime === null || t > streamTime)) streamTime = t;
      const beyondHorizon = judgeLateness(null, t, arrival, horizon) === 'beyond_horizon';

      if (entry === undefined && beyondHorizon) {
        rejected.push({
          offset,
          reason: 'late',
          detail: latenessDetail('beyond_horizon', reading, null, arrival, horizon),
        });
        late++;
        if (clockAdvanced) advanceStaleData(heap, clock!, configFor, sink, beforeStaleOpen);
        eventsAtLast = sink.nextIndex;
        continue;
      } else if (entry === undefined) {
        const config = configFor(reading.machineType);
        entry = addMachine(store, undo, createTwin(reading, arrival));
        due.add(entry);
        pushStatusChanged(events, sink, reading, undefined);
        entry.detection = judgeReading(null, entry.twin, reading, config, sink);
        judgeClockOf(entry, original, arrival, config);
        judgeWithMl(entry.twin, reading, models, config, sink);
        watchForStaleData(heap, entry, config);
        applied++;
        created++;
      } else {
        saveForUndo(store, undo, entry);
        const twin = entry.twin;
        noteArrival(twin, arrival, configFor(twin.machineType));
        // A cadence learned just now may bring its deadline forward.
        if (!isStale(entry.detection)) watchForStaleData(heap, entry, configFor(twin.machineType));
        // Any message of the machine is a sign of life: its loss of signal ends here, on the arrival clock.
        const wasSilent = entry.detection !== null && isStale(entry.detection);
        if (entry.detection !== null && wasSilent) {
          clearStaleData(entry.detection, reading, arrival, configFor(reading.machineType), sink);
          if (entry.detection.rules.length === 0) entry.detection = null;
          watchForStaleData(heap, entry, configFor(reading.machineType));
        }
        if (arrived.quarantined) {
          rejected.push({
            offset,
            reason: 'future_timestamp',
            detail: aheadDetail(original, arrival, twin.lastEventTime, skewPolicy),
          });
          judgeClockOf(entry, original, arrival, configFor(twin.machineType));
        } else {
          const outcome = beyondHorizon ? 'late' : classifyReading(twin, reading, graceMs);
          if (outcome === 'applied') {
            const config = configFor(reading.machineType);
            if (slotOf(t) !== slotOf(twin.lastEventTime) || reading.status !== twin.status) due.add(entry);
            if (reading.status !== twin.status) pushStatusChanged(events, sink, reading, twin);
            const typeChanged = reading.machineType !== twin.machineType;
            if (!wasSilent) reportDataGap(twin, reading, config, sink);
            judgeClockOf(entry, original, arrival, config);
            entry.detection = judgeReading(entry.detection, twin, reading, config, sink);
            judgeWithMl(twin, reading, models, config, sink);
            evolveInPlace(twin, reading, outcome, statsTimeConstantMs);
            // Under another type's timeout: watched again from its new deadline.
            if (typeChanged) watchForStaleData(heap, entry, config);
            applied++;
          } else {
            if (outcome === 'duplicate') {
              rejected.push({ offset, reason: 'duplicate', detail: duplicateDetail(twin, reading) });
              duplicates++;
            } else if (outcome === 'late') {
              const kind = beyondHorizon ? 'beyond_horizon' : 'late';
              rejected.push({
                offset,
                reason: 'late',
                detail: latenessDetail(kind, reading, twin.lastEventTime, arrival, horizon),
              });
              late++;
            } else {
              outOfOrder++;
            }
            evolveInPlace(twin, reading, outcome, statsTimeConstantMs);
          }
        }
      }

      if (sink.nextIndex > 0) due.add(entry); // an anomaly or status event: the twin view follows at once
      if (clockAdvanced) advanceStaleData(heap, clock!, configFor, sink, beforeStaleOpen);
      entry.lastOffset = offset;
      entry.eventsAtOffset = sink.nextIndex;
      // One more index is kept for the machine's TWIN_UPDATED at this offset.
      eventsAtLast = sink.nextIndex + 1;
      if (entry.touchedIn !== batch) {
        entry.touchedIn = batch;
        touched.push(entry);
      }
    }

    const merged = withTwinUpdates(
      events,
      publishEvery === 0 ? touched : touched.filter((entry) => due.has(entry)),
    );
    const last = records[records.length - 1]!;
    const next = commitChange(store, undo, streamTime, clock, signal, last.offset, eventsAtLast);
    return {
      state: next,
      events: merged,
      rejected,
      counts: countsOf(readings, applied, outOfOrder, duplicates, late, created, touched.length),
    };
  } catch (error) {
    abandonChange(store, undo);
    throw error;
  }
}

// Configs are looked up once per type per batch; a changed version is compiled and, since stale-data
// timeouts may have changed with it, the stale-data index is rebuilt (rare: a config change).
function prepareConfigs(
  store: PartitionStore,
  lookup: ConfigLookup,
): (machineType: string) => CompiledConfig {
  const compiled = store.compiled;
  for (const [type, current] of compiled) {
    const config = resolveConfig(lookup, type);
    // The version is the config's identity: same type and version, same rules.
    if (config.machineType === current.configType && config.version === current.version) continue;
    compiled.set(type, compileMachineTypeConfig(config));
    store.staleIndexDirty = true;
  }
  const configFor = (machineType: string): CompiledConfig => {
    let config = compiled.get(machineType);
    if (config === undefined) {
      config = compileMachineTypeConfig(resolveConfig(lookup, machineType));
      compiled.set(machineType, config);
    }
    return config;
  };
  if (store.staleIndexDirty) {
    rebuildStaleIndex(store.staleIndex, store.machines.values(), configFor);
    store.staleIndexDirty = false;
  }
  return configFor;
}

// After the thresholds, so at one offset threshold events come first. Only in-order readings: like the
// threshold rules, the detector runs forward on event time.
function judgeWithMl(
  twin: Twin,
  reading: SensorReading,
  models: ModelLookup,
  config: CompiledConfig,
  sink: EventSink,
): void {
  const model = models(reading.machineType);
  if (model === undefined) return; // no ACTIVE model for the type: its state, if any, waits as it is
  let ml = twin.ml;
  if (ml === undefined || ml.length !== ML_STATE_LENGTH) ml = twin.ml = emptyMlState();
  judgeWithModel(
    ml,
    reading,
    model,
    { configMachineType: config.configType, configVersion: config.version },
    sink,
  );
}

function pushStatusChanged(
  events: TwinEvent[],
  sink: EventSink,
  reading: SensorReading,
  before: Twin | undefined,
) {
  events.push({
    type: 'STATUS_CHANGED',
    sourceOffset: sink.sourceOffset,
    index: sink.nextIndex++,
    machineId: reading.machineId,
    machineType: reading.machineType,
    eventTime: reading.timestamp,
    from: before ? before.status : null,
    to: reading.status,
    previousDurationMs: before ? reading.timestamp - before.statusSince : null,
    reading,
  });
}

// One TWIN_UPDATED per machine due, placed after the other events of its last reading's offset.
function withTwinUpdates(events: TwinEvent[], touched: MachineEntry[]): TwinEvent[] {
  touched.sort((a, b) => a.lastOffset - b.lastOffset);
  const merged: TwinEvent[] = [];
  let e = 0;
  for (const entry of touched) {
    while (e < events.length && events[e]!.sourceOffset <= entry.lastOffset) merged.push(events[e++]!);
    const update: TwinUpdatedEvent = {
      type: 'TWIN_UPDATED',
      sourceOffset: entry.lastOffset,
      index: entry.eventsAtOffset,
      machineId: entry.twin.machineId,
      machineType: entry.twin.machineType,
      eventTime: entry.twin.lastEventTime,
      twin: summarizeTwin(entry.twin),
    };
    merged.push(update);
  }
  while (e < events.length) merged.push(events[e++]!);
  return merged;
}

function checkOffsets(state: PartitionState, records: ReadonlyArray<FoldRecord>): void {
  let previous = state.lastOffset ?? -1;
  for (const { offset } of records) {
    if (!Number.isSafeInteger(offset) || offset <= previous) {
      throw new RangeError(
        `offsets must increase across the partition's batches: ${offset} after ${previous} (replayed or unordered records would duplicate event ids)`,
      );
    }
    previous = offset;
  }
}

function duplicateDetail(twin: Twin, reading: SensorReading): string {
  return `seq ${reading.seq} of machine ${reading.machineId} already seen (highest seq ${twin.seq.high})`;
}

function countsOf(
  readings: number,
  applied: number,
  appliedOutOfOrder: number,
  duplicates: number,
  late: number,
  newMachines: number,
  machinesTouched: number,
): BatchCounts {
  return { readings, applied, appliedOutOfOrder, duplicates, late, newMachines, machinesTouched };
}
