// twin.events values: the fold's TwinEvent as an Avro single-object (schemas/twin-event.v3.avsc), with the
// deterministic event id and the reading's source position; decoding gives the TwinEvent back, so consumers
// (projector, tests) work with the domain type. v2 adds the optional anomaly.ml (the ML detector's model
// version, confidence, features); events written as v1 (before it) still decode, with ml null, since every
// known writer is read as the newest. v3 adds the anomaly's arrival time and the clock-skew offset and backlog
// age; from older writers an anomaly is taken as on time (arrival = event time).
// Not on the wire, so not restored by decoding: an anomaly's calculatedMetrics.status (status rules).
import { readFileSync } from 'node:fs';
import avro from 'avsc';
import type { Schema } from 'avsc';
import { MACHINE_STATUSES, type SensorReading } from '../processors/readings/reading.js';
import type {
  AnomalyEvent,
  CalculatedMetrics,
  MlDetection,
} from '../processors/threshold-detection/index.js';
import { SEVERITIES } from '../processors/threshold-detection/severity.js';
import type { SensorSummary, TwinEvent, TwinEventType, TwinSummary } from '../processors/partition/index.js';
import { TWIN_SENSORS, type LatestValues, type TwinSensor } from '../processors/twin-state/index.js';
import { SingleObjectRegistry } from './avro-single-object.js';
import { schemaFile } from './schema-files.js';

const loadType = (version: number) =>
  avro.Type.forSchema(JSON.parse(readFileSync(schemaFile(`twin-event.v${version}.avsc`), 'utf8')) as Schema);
/** The version producers write and consumers read as. */
export const TWIN_EVENT_LATEST = 3;
const twinEventType = loadType(TWIN_EVENT_LATEST);
export const twinEventRegistry = new SingleObjectRegistry(twinEventType, [
  { version: 1, type: loadType(1) },
  { version: 2, type: loadType(2) },
  { version: 3, type: twinEventType },
]);

export interface EventSource {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

/** `<topic>-<partition>-<offset>-<index>`: the same reading always yields the same ids. */
export function twinEventId(source: EventSource, index: number): string {
  return `${source.topic}-${source.partition}-${source.offset}-${index}`;
}

// The wire records, field for field as in twin-event.v3.avsc (longs are numbers: avsc's default long type).

/** The reading that caused an event (without machine_id and machine_type: the event has them). */
export interface EventReadingRecord {
  readonly timestamp: number;
  readonly temperature: number;
  readonly vibration: number;
  readonly load: number;
  readonly status: string;
  readonly seq: number | null;
  readonly good_count: number | null;
  readonly reject_count: number | null;
  readonly rpm: number | null;
  readonly power_kw: number | null;
  readonly pressure_bar: number | null;
}

export interface MlDetectionRecord {
  readonly algorithm: string;
  readonly model_version: string;
  readonly confidence: number;
  readonly features: Readonly<Record<string, number>>;
}

export interface AnomalyRecord {
  readonly anomaly_type: string;
  readonly severity: string;
  readonly previous_severity: string | null;
  readonly rule_id: string;
  readonly config_machine_type: string;
  readonly config_version: number;
  readonly clear_reason: string | null;
  readonly value: number | null;
  readonly bound: number | null;
  readonly bound_severity: string | null;
  readonly rate_per_minute: number | null;
  readonly hysteresis: number | null;
  readonly deviation_from_baseline: number | null;
  readonly deviation_variations: number | null;
  readonly duration_ms: number;
  readonly offset_ms: number | null;
  readonly backlog_ms: number | null;
  readonly ml: MlDetectionRecord | null;
}

export interface StatusChangeRecord {
  readonly from: string | null;
  readonly to: string;
  readonly previous_duration_ms: number | null;
}

export interface SensorSummaryRecord {
  readonly count: number;
  readonly mean: number;
  readonly std_dev: number;
  readonly min: number;
  readonly max: number;
}

/** The twin as published; also the document machine_twins keeps (its `twin` column). */
export interface TwinSummaryRecord {
  readonly status: string;
  readonly status_since: number;
  readonly first_seen: number;
  readonly last_seen: number;
  readonly latest: Readonly<Record<string, number>>;
  readonly counters: Readonly<Record<string, number>>;
  readonly stats: Readonly<Record<string, SensorSummaryRecord>>;
}

export interface TwinEventRecord {
  readonly event_id: string;
  /** An Avro enum of exactly these symbols. */
  readonly type: TwinEventType;
  readonly machine_id: string;
  readonly machine_type: string;
  readonly event_time: number;
  readonly arrival_time: number | null;
  readonly source: EventSource;
  readonly reading: EventReadingRecord | null;
  readonly anomaly: AnomalyRecord | null;
  readonly status_change: StatusChangeRecord | null;
  readonly twin: TwinSummaryRecord | null;
}

const orNull = <T>(value: T | undefined | null): T | null => (value === undefined ? null : value);

function readingRecord(reading: SensorReading): EventReadingRecord {
  return {
    timestamp: reading.timestamp,
    temperature: reading.temperature,
    vibration: reading.vibration,
    load: reading.load,
    status: reading.status,
    seq: orNull(reading.seq),
    good_count: orNull(reading.goodCount),
    reject_count: orNull(reading.rejectCount),
    rpm: orNull(reading.rpm),
    power_kw: orNull(reading.powerKw),
    pressure_bar: orNull(reading.pressureBar),
  };
}

/** The wire form of a twin summary (snake_case, times in epoch ms). */
export function twinSummaryRecord(twin: TwinSummary): TwinSummaryRecord {
  const stats: Record<string, SensorSummaryRecord> = {};
  for (const [sensor, s] of Object.entries(twin.stats)) {
    stats[sensor] = { count: s.count, mean: s.mean, std_dev: s.stdDev, min: s.min, max: s.max };
  }
  return {
    status: twin.status,
    status_since: twin.statusSince,
    first_seen: twin.firstSeen,
    last_seen: twin.lastSeen,
    latest: numbersOnly(twin.latest),
    counters: numbersOnly(twin.counters),
    stats,
  };
}

function anomalyRecord(event: AnomalyEvent): AnomalyRecord {
  const metrics = event.calculatedMetrics;
  return {
    anomaly_type: event.anomalyType,
    severity: event.severity,
    previous_severity: event.previousSeverity,
    rule_id: event.ruleId,
    config_machine_type: event.configMachineType,
    config_version: event.configVersion,
    clear_reason: event.clearReason,
    value: orNull(metrics.value),
    bound: orNull(metrics.bound),
    bound_severity: orNull(metrics.boundSeverity),
    rate_per_minute: orNull(metrics.rate),
    hysteresis: orNull(metrics.hysteresis),
    deviation_from_baseline: orNull(metrics.deviationFromBaseline?.value),
    deviation_variations: orNull(metrics.deviationFromBaseline?.variations),
    duration_ms: metrics.durationMs,
    offset_ms: orNull(metrics.offsetMs),
    backlog_ms: orNull(metrics.backlogMs),
    ml:
      event.ml === undefined
        ? null
        : {
            algorithm: event.ml.algorithm,
            model_version: event.ml.modelVersion,
            confidence: event.ml.confidence,
            features: { ...event.ml.features },
          },
  };
}

/** The Avro record of one event (exported for tests and for consumers that want the plain object). */
export function twinEventRecord(event: TwinEvent, topic: string, partition: number): TwinEventRecord {
  const source = { topic, partition, offset: event.sourceOffset };
  const base = {
    event_id: twinEventId(source, event.index),
    type: event.type,
    machine_id: event.machineId,
    machine_type: event.machineType,
    event_time: event.eventTime,
    arrival_time: 'arrivalTime' in event && event.arrivalTime !== undefined ? event.arrivalTime : null,
    source,
    reading: null,
    anomaly: null,
    status_change: null,
    twin: null,
  };
  switch (event.type) {
    case 'STATUS_CHANGED':
      return {
        ...base,
        reading: readingRecord(event.reading),
        status_change: { from: event.from, to: event.to, previous_duration_ms: event.previousDurationMs },
      };
    case 'TWIN_UPDATED':
      return { ...base, twin: twinSummaryRecord(event.twin) };
    default:
      return {
        ...base,
        reading: event.reading === null ? null : readingRecord(event.reading),
        anomaly: anomalyRecord(event),
      };
  }
}

function numbersOnly(values: object): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(values)) if (typeof value === 'number') out[key] = value;
  return out;
}

export function encodeTwinEvent(event: TwinEvent, topic: string, partition: number): Buffer {
  return twinEventRegistry.encode(twinEventRecord(event, topic, partition), TWIN_EVENT_LATEST);
}

/** A decoded twin.events value: the domain event, and where on the wire it came from. */
export interface DecodedTwinEvent {
  readonly eventId: string;
  readonly source: EventSource;
  readonly event: TwinEvent;
}

/** Throws on bytes that are not a known twin event, or whose strings are outside the domain's sets. */
export function decodeTwinEvent(bytes: Buffer): DecodedTwinEvent {
  const decoded = twinEventRegistry.decode(bytes);
  if (!decoded.ok) throw new Error(`twin event: ${decoded.error}`);
  // avsc has read the value with the v3 schema, which TwinEventRecord spells out field for field.
  const record = decoded.value as TwinEventRecord;
  return { eventId: record.event_id, source: record.source, event: twinEventOf(record) };
}

/** The index part of `<topic>-<partition>-<offset>-<index>` (the topic may hold dashes; 0 if unreadable). */
function indexOf(eventId: string): number {
  const index = Number(eventId.slice(eventId.lastIndexOf('-') + 1));
  return Number.isFinite(index) ? index : 0;
}

function twinEventOf(record: TwinEventRecord): TwinEvent {
  const common = {
    sourceOffset: record.source.offset,
    index: indexOf(record.event_id),
    machineId: record.machine_id,
    machineType: record.machine_type,
    eventTime: record.event_time,
  };
  switch (record.type) {
    case 'STATUS_CHANGED': {
      const change = present(record.status_change, 'status_change');
      return {
        ...common,
        type: record.type,
        from: change.from === null ? null : oneOf(MACHINE_STATUSES, change.from, 'status_change.from'),
        to: oneOf(MACHINE_STATUSES, change.to, 'status_change.to'),
        previousDurationMs: change.previous_duration_ms,
        reading: readingOf(present(record.reading, 'reading'), record),
      };
    }
    case 'TWIN_UPDATED':
      return { ...common, type: record.type, twin: twinSummaryOf(present(record.twin, 'twin'), record) };
    default: {
      const anomaly = present(record.anomaly, 'anomaly');
      const event: AnomalyEvent = {
        ...common,
        type: record.type,
        anomalyType: anomaly.anomaly_type,
        severity: oneOf(SEVERITIES, anomaly.severity, 'anomaly.severity'),
        previousSeverity:
          anomaly.previous_severity === null
            ? null
            : oneOf(SEVERITIES, anomaly.previous_severity, 'anomaly.previous_severity'),
        ruleId: anomaly.rule_id,
        configMachineType: anomaly.config_machine_type,
        configVersion: anomaly.config_version,
        clearReason:
          anomaly.clear_reason === null
            ? null
            : oneOf(CLEAR_REASONS, anomaly.clear_reason, 'anomaly.clear_reason'),
        reading: record.reading === null ? null : readingOf(record.reading, record),
        calculatedMetrics: metricsOf(anomaly),
        ...(record.arrival_time !== null && { arrivalTime: record.arrival_time }),
      };
      return anomaly.ml === null ? event : { ...event, ml: mlOf(anomaly.ml) };
    }
  }
}

const CLEAR_REASONS: readonly NonNullable<AnomalyEvent['clearReason']>[] = ['back_to_normal', 'rule_removed'];

/** The member of `allowed` equal to `value`; a value outside the set makes the event undecodable. */
function oneOf<T extends string>(allowed: readonly T[], value: string, field: string): T {
  const found = allowed.find((candidate) => candidate === value);
  if (found === undefined)
    throw new Error(`twin event: ${field} ${JSON.stringify(value)} is not one of ${allowed.join(', ')}`);
  return found;
}

function present<T>(value: T | null, field: string): T {
  if (value === null) throw new Error(`twin event: ${field} is missing`);
  return value;
}

function readingOf(reading: EventReadingRecord, event: TwinEventRecord): SensorReading {
  return {
    machineId: event.machine_id,
    machineType: event.machine_type,
    timestamp: reading.timestamp,
    temperature: reading.temperature,
    vibration: reading.vibration,
    load: reading.load,
    status: oneOf(MACHINE_STATUSES, reading.status, 'reading.status'),
    ...(reading.seq !== null && { seq: reading.seq }),
    ...(reading.good_count !== null && { goodCount: reading.good_count }),
    ...(reading.reject_count !== null && { rejectCount: reading.reject_count }),
    ...(reading.rpm !== null && { rpm: reading.rpm }),
    ...(reading.power_kw !== null && { powerKw: reading.power_kw }),
    ...(reading.pressure_bar !== null && { pressureBar: reading.pressure_bar }),
  };
}

function metricsOf(anomaly: AnomalyRecord): CalculatedMetrics {
  const metrics: CalculatedMetrics = { durationMs: anomaly.duration_ms };
  if (anomaly.value !== null) metrics.value = anomaly.value;
  if (anomaly.bound !== null) metrics.bound = anomaly.bound;
  if (anomaly.bound_severity !== null) {
    metrics.boundSeverity = oneOf(SEVERITIES, anomaly.bound_severity, 'anomaly.bound_severity');
  }
  if (anomaly.rate_per_minute !== null) metrics.rate = anomaly.rate_per_minute;
  if (anomaly.hysteresis !== null) metrics.hysteresis = anomaly.hysteresis;
  if (anomaly.deviation_from_baseline !== null) {
    metrics.deviationFromBaseline = {
      value: anomaly.deviation_from_baseline,
      variations: anomaly.deviation_variations,
    };
  }
  if (anomaly.offset_ms !== null) metrics.offsetMs = anomaly.offset_ms;
  if (anomaly.backlog_ms !== null) metrics.backlogMs = anomaly.backlog_ms;
  return metrics;
}

function mlOf(ml: MlDetectionRecord): MlDetection {
  return {
    algorithm: ml.algorithm,
    modelVersion: ml.model_version,
    confidence: ml.confidence,
    features: { ...ml.features },
  };
}

const OPTIONAL_LATEST = ['rpm', 'powerKw', 'pressureBar', 'goodCount', 'rejectCount'] as const;

/** The twin's type and lastEventTime are the event's (TWIN_UPDATED carries them there, not in the twin). */
function twinSummaryOf(twin: TwinSummaryRecord, event: TwinEventRecord): TwinSummary {
  const latest: LatestValues = {
    temperature: counted(twin.latest, 'temperature', 'twin.latest'),
    vibration: counted(twin.latest, 'vibration', 'twin.latest'),
    load: counted(twin.latest, 'load', 'twin.latest'),
  };
  for (const key of OPTIONAL_LATEST) {
    const value = twin.latest[key];
    if (value !== undefined) latest[key] = value;
  }
  const stats: { [S in TwinSensor]?: SensorSummary } = {};
  for (const sensor of TWIN_SENSORS) {
    const s = twin.stats[sensor];
    if (s !== undefined)
      stats[sensor] = { count: s.count, mean: s.mean, stdDev: s.std_dev, min: s.min, max: s.max };
  }
  return {
    machineType: event.machine_type,
    status: oneOf(MACHINE_STATUSES, twin.status, 'twin.status'),
    statusSince: twin.status_since,
    firstSeen: twin.first_seen,
    lastSeen: twin.last_seen,
    lastEventTime: event.event_time,
    latest,
    counters: {
      applied: counted(twin.counters, 'applied', 'twin.counters'),
      outOfOrder: counted(twin.counters, 'outOfOrder', 'twin.counters'),
      duplicates: counted(twin.counters, 'duplicates', 'twin.counters'),
      late: counted(twin.counters, 'late', 'twin.counters'),
    },
    stats,
  };
}

function counted(values: Readonly<Record<string, number>>, key: string, field: string): number {
  const value = values[key];
  if (value === undefined) throw new Error(`twin event: ${field}.${key} is missing`);
  return value;
}
