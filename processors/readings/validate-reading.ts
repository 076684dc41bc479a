// The input contract, checked: a wire reading (from JSON or Avro) becomes a SensorReading or a rejection with a
// reason and one readable line naming the field. Hand-written checks rather than a schema library: this runs for
// every reading (100k+/s per core) and must cost little more than the decode itself.
// Avro types the values already, but its doubles may still be NaN or Infinity and nothing bounds them.
import { parseIsoTimestamp } from './iso-timestamp.js';
import { MACHINE_STATUSES, type MachineStatus, type SensorReading } from './reading.js';

/** Why a decoded reading was refused; a subset of the decoder's reasons (DLQ header, metric label). */
export const READING_REJECT_REASONS = ['missing_field', 'invalid_field', 'future_timestamp'] as const;
export type ReadingRejectReason = (typeof READING_REJECT_REASONS)[number];

export interface ReadingRejection {
  readonly ok: false;
  readonly reason: ReadingRejectReason;
  /** One line: `field: what was wrong`. */
  readonly error: string;
}

export type ReadingValidation = { readonly ok: true; readonly reading: SensorReading } | ReadingRejection;

/** Stream time for the future-timestamp check, passed in: processors/ has no clock. */
export interface ReadingClock {
  readonly nowMs: number;
  /** How far ahead of nowMs a gateway's clock may run before its readings are refused. */
  readonly maxFutureSkewMs: number;
}

/**
 * Physical bounds of the core sensors, inclusive. Wide on purpose: they catch garbage (a unit mix-up, a stuck
 * register, 1e308), not anomalies, which are threshold-detection's job.
 */
export const READING_BOUNDS = {
  /** Absolute zero up to beyond what industrial thermocouples measure in furnaces. */
  temperature: { min: -273.15, max: 2000, unit: '°C' },
  /** ISO 10816 puts destructive vibration near 45 mm/s; 1000 is a broken sensor. */
  vibration: { min: 0, max: 1000, unit: 'mm/s RMS' },
  /** Drives run briefly above rated load; 150 % is the usual overload limit. */
  load: { min: 0, max: 150, unit: '% of rated load' },
} as const;

/** machine_id and machine_type are VARCHAR(50) columns: characters, not bytes. */
export const MAX_ID_CHARACTERS = 50;

/** Event times before 2000-01-01T00:00:00Z are a gateway clock that was never set, or epoch seconds. */
export const MIN_TIMESTAMP_MS = 946_684_800_000;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Bounds = { readonly min: number; readonly max: number; readonly unit: string };

const STATUSES: ReadonlySet<string> = new Set(MACHINE_STATUSES);
const TIMESTAMP_EXPECTED = 'epoch milliseconds (an integer) or an ISO-8601 date-time with zone';
const EDGE_WHITESPACE = /^\s|\s$/;

/** Checks a wire reading (snake_case; optional fields absent or null) against the contract. */
export function validateReading(
  raw: Readonly<Record<string, unknown>>,
  clock: ReadingClock,
): ReadingValidation {
  const machineId = identifier(raw.machine_id, 'machine_id');
  if (typeof machineId !== 'string') return machineId;
  const machineType = identifier(raw.machine_type, 'machine_type');
  if (typeof machineType !== 'string') return machineType;
  const timestamp = eventTime(raw.timestamp, clock);
  if (typeof timestamp !== 'number') return timestamp;
  const temperature = measurement(raw.temperature, 'temperature', READING_BOUNDS.temperature);
  if (typeof temperature !== 'number') return temperature;
  const vibration = measurement(raw.vibration, 'vibration', READING_BOUNDS.vibration);
  if (typeof vibration !== 'number') return vibration;
  const load = measurement(raw.load, 'load', READING_BOUNDS.load);
  if (typeof load !== 'number') return load;
  const status = machineStatus(raw.status);
  if (typeof status !== 'string') return status;

  const seq = optionalCount(raw.seq, 'seq');
  if (typeof seq === 'object') return seq;
  const goodCount = optionalCount(raw.good_count, 'good_count');
  if (typeof goodCount === 'object') return goodCount;
  const rejectCount = optionalCount(raw.reject_count, 'reject_count');
  if (typeof rejectCount === 'object') return rejectCount;
  const rpm = optionalNumber(raw.rpm, 'rpm');
  if (typeof rpm === 'object') return rpm;
  const powerKw = optionalNumber(raw.power_kw, 'power_kw');
  if (typeof powerKw === 'object') return powerKw;
  const pressureBar = optionalNumber(raw.pressure_bar, 'pressure_bar');
  if (typeof pressureBar === 'object') return pressureBar;

  const reading: Mutable<SensorReading> = {
    machineId,
    machineType,
    timestamp,
    temperature,
    vibration,
    load,
    status,
  };
  // Absent stays absent (no `seq: undefined`), so readings compare and serialise as they arrived.
  if (seq !== undefined) reading.seq = seq;
  if (goodCount !== undefined) reading.goodCount = goodCount;
  if (rejectCount !== undefined) reading.rejectCount = rejectCount;
  if (rpm !== undefined) reading.rpm = rpm;
  if (powerKw !== undefined) reading.powerKw = powerKw;
  if (pressureBar !== undefined) reading.pressureBar = pressureBar;
  return { ok: true, reading };
}

function identifier(value: unknown, field: string): string | ReadingRejection {
  if (value === undefined || value === null) return missing(field, value);
  if (typeof value !== 'string' || value.length === 0) return invalid(field, 'a non-empty string', value);
  // UTF-16 length bounds the character count from above, so only long strings need counting.
  if (value.length > MAX_ID_CHARACTERS && characterCount(value) > MAX_ID_CHARACTERS) {
    return reject(
      'invalid_field',
      field,
      `expected at most ${MAX_ID_CHARACTERS} characters, got ${characterCount(value)}`,
    );
  }
  // "cnc-0001 " would be a second twin of the same machine.
  if (EDGE_WHITESPACE.test(value)) return invalid(field, 'no leading or trailing whitespace', value);
  return value;
}

function eventTime(value: unknown, clock: ReadingClock): number | ReadingRejection {
  let ms: number | undefined;
  if (typeof value === 'number') {
    ms = Number.isSafeInteger(value) ? value : undefined;
  } else if (typeof value === 'string') {
    ms = parseIsoTimestamp(value);
  } else if (value === undefined || value === null) {
    return missing('timestamp', value);
  }
  if (ms === undefined) return invalid('timestamp', TIMESTAMP_EXPECTED, value);
  if (ms < MIN_TIMESTAMP_MS) {
    return reject(
      'invalid_field',
      'timestamp',
      `${describeWireValue(value)} is before 2000-01-01T00:00:00Z (clock not set, or epoch seconds?)`,
    );
  }
  const aheadMs = ms - clock.nowMs;
  if (aheadMs > clock.maxFutureSkewMs) {
    return reject(
      'future_timestamp',
      'timestamp',
      `${describeWireValue(value)} is ${aheadMs} ms ahead of now, more than the allowed ${clock.maxFutureSkewMs} ms`,
    );
  }
  return ms;
}

function measurement(value: unknown, field: string, bounds: Bounds): number | ReadingRejection {
  if (value === undefined || value === null) return missing(field, value);
  if (typeof value !== 'number' || !Number.isFinite(value)) return invalid(field, 'a finite number', value);
  if (value < bounds.min || value > bounds.max) {
    return invalid(field, `${bounds.min}..${bounds.max} ${bounds.unit}`, value);
  }
  return value;
}

function machineStatus(value: unknown): MachineStatus | ReadingRejection {
  if (typeof value === 'string' && STATUSES.has(value)) return value as MachineStatus;
  if (value === undefined || value === null) return missing('status', value);
  return invalid('status', `one of ${MACHINE_STATUSES.join(', ')}`, value);
}

/** seq and the production counters: absent, or a non-negative integer. */
function optionalCount(value: unknown, field: string): number | undefined | ReadingRejection {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    return invalid(field, 'a non-negative integer', value);
  }
  return value === 0 ? 0 : value; // JSON "-0" parses to -0, which Object.is tells apart from 0
}

/** rpm, power_kw and pressure_bar: absent, or finite. Unbounded: sign conventions differ between gateways. */
function optionalNumber(value: unknown, field: string): number | undefined | ReadingRejection {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) return invalid(field, 'a finite number', value);
  return value;
}

function missing(field: string, value: null | undefined): ReadingRejection {
  return reject(
    'missing_field',
    field,
    value === null ? 'required field is null' : 'required field is missing',
  );
}

function invalid(field: string, expected: string, value: unknown): ReadingRejection {
  return reject('invalid_field', field, `expected ${expected}, got ${describeWireValue(value)}`);
}

function reject(reason: ReadingRejectReason, field: string, problem: string): ReadingRejection {
  return { ok: false, reason, error: `${field}: ${problem}` };
}

/** A wire value for an error line: short, on one line, strings quoted so "NaN" differs from NaN. */
export function describeWireValue(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'bigint') return `${value.toString()}n`;
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function characterCount(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}
