// `twin simulate` options as commander hands them over (strings), checked and turned into typed settings.
// Pure, so every rule is unit-tested; a bad value becomes one line naming the flag, what it takes and what came.
import { parseIsoTimestamp } from '../../processors/readings/iso-timestamp.js';
import { MIN_TIMESTAMP_MS } from '../../processors/readings/validate-reading.js';
import { READING_FORMATS, type ReadingFormat } from '../../schemas/sensor-reading-codec.js';
import { SENSOR_READING_VERSIONS, type SensorReadingVersion } from '../../schemas/sensor-reading-avro.js';
import { errorWithCode } from '../errors.js';

export interface RawSimulateOptions {
  readonly machines: string;
  readonly rate: string;
  readonly duration: string;
  readonly format: string;
  readonly schemaVersion: string;
  readonly seed: string;
  readonly faultFraction: string;
  readonly groundTruth?: string;
  readonly topic?: string;
  readonly start?: string;
  readonly fast?: boolean;
  readonly count?: string;
}

export interface SimulateSettings {
  readonly machines: number;
  /** Readings per second, the whole fleet together. */
  readonly rate: number;
  /** Live mode: seconds to run; 0 runs until Ctrl-C or SIGTERM. */
  readonly durationS: number;
  readonly format: ReadingFormat;
  readonly schemaVersion: SensorReadingVersion;
  readonly seed: number;
  readonly faultFraction: number;
  readonly groundTruthFile?: string;
  /** Undefined: the configured readings topic. */
  readonly topic?: string;
  /** Event time of the first reading; undefined: now (live) or so that the last reading is now (fast). */
  readonly startTime?: number;
  /** Set in fast mode: this many readings, as fast as the broker takes them. */
  readonly count?: number;
}

/** A bad command-line value; the message is the one line the user sees. */
export class OptionError extends errorWithCode('OptionError', 'OPTION_INVALID') {}

export const SIMULATE_LIMITS = { maxMachines: 100_000, maxRate: 1_000_000, maxCount: 1_000_000_000 } as const;

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
/** Kafka's own rule for topic names. */
const TOPIC_NAME = /^[A-Za-z0-9._-]{1,249}$/;

export function parseSimulateOptions(raw: RawSimulateOptions): SimulateSettings {
  const machines = integer(raw.machines, '--machines', 1, SIMULATE_LIMITS.maxMachines);
  const rate = number(raw.rate, '--rate', (value) => value > 0 && value <= SIMULATE_LIMITS.maxRate, {
    expected: `a number of readings per second above 0, at most ${SIMULATE_LIMITS.maxRate.toLocaleString('en-US')}`,
  });
  // Each machine reports every machines / rate seconds; faster than once per ms would repeat timestamps.
  if (rate > machines * 1000) {
    throw new OptionError(
      `--rate ${raw.rate} is more than 1000 readings per second per machine (${machines} machines): ` +
        'raise --machines or lower --rate',
    );
  }
  const durationS = number(raw.duration, '--duration', (value) => value >= 0, {
    expected: 'seconds, 0 or more (0 runs until Ctrl-C)',
  });
  const explicitCount =
    raw.count === undefined ? undefined : integer(raw.count, '--count', 1, SIMULATE_LIMITS.maxCount);
  const count = fastCount(raw.fast === true, explicitCount, rate, durationS);
  return {
    machines,
    rate,
    durationS,
    format: oneOf(raw.format, '--format', READING_FORMATS),
    schemaVersion: schemaVersion(raw.schemaVersion),
    seed: integer(raw.seed, '--seed', 0, 0xffff_ffff),
    faultFraction: number(raw.faultFraction, '--fault-fraction', (value) => value >= 0 && value <= 1, {
      expected: 'a share of the machines from 0 to 1',
    }),
    ...(raw.groundTruth !== undefined && { groundTruthFile: nonEmpty(raw.groundTruth, '--ground-truth') }),
    ...(raw.topic !== undefined && { topic: topicName(raw.topic) }),
    ...(raw.start !== undefined && { startTime: startTime(raw.start) }),
    ...(count !== undefined && { count }),
  };
}

/** --count always means fast mode; --fast alone sends what the live run would have (rate × duration). */
function fastCount(
  fast: boolean,
  count: number | undefined,
  rate: number,
  durationS: number,
): number | undefined {
  if (count !== undefined) return count;
  if (!fast) return undefined;
  if (durationS === 0) {
    throw new OptionError('--fast needs a number of readings: give --count <n> or a --duration above 0');
  }
  return Math.max(1, Math.round(rate * durationS));
}

function number(
  text: string,
  flag: string,
  accept: (value: number) => boolean,
  { expected }: { expected: string },
): number {
  const value = DECIMAL.test(text.trim()) ? Number(text) : Number.NaN;
  if (!Number.isFinite(value) || !accept(value)) {
    throw new OptionError(`${flag} takes ${expected}, got ${JSON.stringify(text)}`);
  }
  return value;
}

function integer(text: string, flag: string, min: number, max: number): number {
  return number(text, flag, (value) => Number.isInteger(value) && value >= min && value <= max, {
    expected: `an integer from ${min} to ${max}`,
  });
}

function oneOf<T extends string>(text: string, flag: string, choices: readonly T[]): T {
  const choice = choices.find((candidate) => candidate === text);
  if (choice === undefined) {
    throw new OptionError(`${flag} takes ${choices.join(' or ')}, got ${JSON.stringify(text)}`);
  }
  return choice;
}

function schemaVersion(text: string): SensorReadingVersion {
  const version = SENSOR_READING_VERSIONS.find((candidate) => String(candidate) === text);
  if (version === undefined) {
    throw new OptionError(
      `--schema-version takes ${SENSOR_READING_VERSIONS.join(' or ')}, got ${JSON.stringify(text)}`,
    );
  }
  return version;
}

function nonEmpty(text: string, flag: string): string {
  if (text.trim() === '') throw new OptionError(`${flag} takes a file name, got an empty one`);
  return text;
}

function topicName(text: string): string {
  if (!TOPIC_NAME.test(text) || text === '.' || text === '..') {
    throw new OptionError(
      `--topic takes a Kafka topic name (letters, digits, ".", "_", "-"), got ${JSON.stringify(text)}`,
    );
  }
  return text;
}

function startTime(text: string): number {
  const ms = parseIsoTimestamp(text);
  if (ms === undefined) {
    throw new OptionError(
      `--start takes an ISO-8601 time with zone, e.g. 2025-06-01T08:00:00Z, got ${JSON.stringify(text)}`,
    );
  }
  if (ms < MIN_TIMESTAMP_MS)
    throw new OptionError(`--start must be 2000-01-01T00:00:00Z or later, got ${text}`);
  return ms;
}
