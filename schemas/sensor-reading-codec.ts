// The one way in for readings: Kafka value bytes to a SensorReading, or a rejection whose reason becomes the
// dead-letter header and a metric label. Avro single-object values start with C3 01; anything else is JSON.
// And the way out for producers (simulator, tests): a SensorReading to value bytes in either format.
import type { SensorReading } from '../processors/readings/reading.js';
import {
  READING_REJECT_REASONS,
  validateReading,
  type ReadingClock,
} from '../processors/readings/validate-reading.js';
import { toWireReading, type WireReading } from './sensor-reading-wire.js';
import { isSingleObject } from './avro-single-object.js';
import { encodeJson, parseJsonObject } from './sensor-reading-json.js';
import {
  SENSOR_READING_LATEST,
  sensorReadingRegistry,
  type SensorReadingVersion,
} from './sensor-reading-avro.js';

/** Every reason a value can be refused for: a closed set, snake_case (DLQ header value, metric label). */
export const REJECT_REASONS = [
  'empty',
  'oversize',
  'malformed_json',
  'malformed_avro',
  'unknown_fingerprint',
  'missing_field',
  'invalid_field',
  'future_timestamp',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

// The validator's reasons must stay inside the closed set: this line stops compiling if they drift apart.
const _validatorReasons: readonly RejectReason[] = READING_REJECT_REASONS;

export const READING_FORMATS = ['avro', 'json'] as const;
export type ReadingFormat = (typeof READING_FORMATS)[number];

export interface DecodeOptions extends ReadingClock {
  /** Larger values are refused before any parsing. */
  readonly maxBytes: number;
}

export type DecodeResult =
  | {
      readonly ok: true;
      readonly reading: SensorReading;
      readonly format: ReadingFormat;
      /** The writer schema's version, for Avro values. */
      readonly schemaVersion?: number;
    }
  | { readonly ok: false; readonly reason: RejectReason; readonly error: string };

export function decodeReading(value: Buffer | null, options: DecodeOptions): DecodeResult {
  if (value === null) return { ok: false, reason: 'empty', error: 'the message has no value (a tombstone)' };
  if (value.length === 0) return { ok: false, reason: 'empty', error: 'the message value is 0 bytes' };
  if (value.length > options.maxBytes) {
    return {
      ok: false,
      reason: 'oversize',
      error: `the message value is ${value.length} bytes, more than the ${options.maxBytes} allowed`,
    };
  }
  return isSingleObject(value) ? decodeAvro(value, options) : decodeJson(value, options);
}

function decodeAvro(value: Buffer, options: DecodeOptions): DecodeResult {
  const decoded = sensorReadingRegistry.decode(value);
  if (!decoded.ok) return decoded;
  const checked = validateReading(decoded.value as Readonly<Record<string, unknown>>, options);
  if (!checked.ok) return checked;
  return { ok: true, reading: checked.reading, format: 'avro', schemaVersion: decoded.version };
}

function decodeJson(value: Buffer, options: DecodeOptions): DecodeResult {
  const parsed = parseJsonObject(value);
  if (!parsed.ok) return { ok: false, reason: 'malformed_json', error: parsed.error };
  const checked = validateReading(parsed.value, options);
  if (!checked.ok) return checked;
  return { ok: true, reading: checked.reading, format: 'json' };
}

/**
 * A reading as a Kafka value: JSON (snake_case, epoch-ms timestamp) or Avro single-object with the given writer
 * schema. Does not validate (tests use it to build bad input; decodeReading is the gate). Schema v1 has no
 * pressure_bar, so a v1 value drops it.
 */
export function encodeReading(
  reading: SensorReading,
  format: ReadingFormat,
  schemaVersion: SensorReadingVersion = SENSOR_READING_LATEST,
): Buffer {
  if (format === 'json') return encodeJson(toWireReading(reading));
  return sensorReadingRegistry.encode(toAvroRecord(reading), schemaVersion);
}

const AVRO_ABSENT: Readonly<Partial<Record<keyof WireReading, null>>> = {
  seq: null,
  good_count: null,
  reject_count: null,
  rpm: null,
  power_kw: null,
  pressure_bar: null,
};

/** Every field present, absent optional ones as null: the shape avsc writes ["null", T] unions from. */
function toAvroRecord(reading: SensorReading): Record<string, unknown> {
  return { ...AVRO_ABSENT, ...toWireReading(reading) };
}
