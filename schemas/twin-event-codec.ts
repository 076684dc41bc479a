// twin.events values: the fold's TwinEvent as an Avro single-object (schemas/twin-event.v2.avsc), with the
// deterministic event id and the reading's source position. Decoding is for consumers (projector, tests).
// v2 adds the optional anomaly.ml (the ML detector's model version, confidence, features); events written
// as v1 (before it) still decode, with ml null, since every known writer is read as the newest.
import { readFileSync } from 'node:fs';
import avro from 'avsc';
import type { Schema } from 'avsc';
import type { SensorReading } from '../processors/readings/reading.js';
import type { TwinEvent } from '../processors/partition/index.js';
import { SingleObjectRegistry } from './avro-single-object.js';
import { schemaFile } from './schema-files.js';

const loadType = (version: number) =>
  avro.Type.forSchema(JSON.parse(readFileSync(schemaFile(`twin-event.v${version}.avsc`), 'utf8')) as Schema);
/** The version producers write and consumers read as. */
export const TWIN_EVENT_LATEST = 2;
const twinEventType = loadType(TWIN_EVENT_LATEST);
export const twinEventRegistry = new SingleObjectRegistry(twinEventType, [
  { version: 1, type: loadType(1) },
  { version: 2, type: twinEventType },
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

const orNull = <T>(value: T | undefined | null): T | null => (value === undefined ? null : value);

function readingRecord(reading: SensorReading | null) {
  if (reading === null) return null;
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

/** The Avro record of one event (exported for tests and for consumers that want the plain object). */
export function twinEventRecord(event: TwinEvent, topic: string, partition: number) {
  const source = { topic, partition, offset: event.sourceOffset };
  const base = {
    event_id: twinEventId(source, event.index),
    type: event.type,
    machine_id: event.machineId,
    machine_type: event.machineType,
    event_time: event.eventTime,
    source,
    reading: null as ReturnType<typeof readingRecord>,
    anomaly: null as Record<string, unknown> | null,
    status_change: null as Record<string, unknown> | null,
    twin: null as Record<string, unknown> | null,
  };
  switch (event.type) {
    case 'STATUS_CHANGED':
      return {
        ...base,
        reading: readingRecord(event.reading),
        status_change: { from: event.from, to: event.to, previous_duration_ms: event.previousDurationMs },
      };
    case 'TWIN_UPDATED': {
      const { twin } = event;
      return {
        ...base,
        twin: {
          status: twin.status,
          status_since: twin.statusSince,
          first_seen: twin.firstSeen,
          last_seen: twin.lastSeen,
          latest: numbersOnly(twin.latest),
          counters: numbersOnly(twin.counters),
          stats: Object.fromEntries(
            Object.entries(twin.stats).map(([sensor, s]) => [
              sensor,
              { count: s.count, mean: s.mean, std_dev: s.stdDev, min: s.min, max: s.max },
            ]),
          ),
        },
      };
    }
    default: {
      const metrics = event.calculatedMetrics;
      return {
        ...base,
        reading: readingRecord(event.reading),
        anomaly: {
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
          ml:
            event.ml === undefined
              ? null
              : {
                  algorithm: event.ml.algorithm,
                  model_version: event.ml.modelVersion,
                  confidence: event.ml.confidence,
                  features: { ...event.ml.features },
                },
        },
      };
    }
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

export type DecodedTwinEvent = ReturnType<typeof twinEventRecord>;

export function decodeTwinEvent(bytes: Buffer): DecodedTwinEvent {
  const decoded = twinEventRegistry.decode(bytes);
  if (!decoded.ok) throw new Error(`twin event: ${decoded.error}`);
  return decoded.value as DecodedTwinEvent;
}
