// The naive baseline for `npm run bench`: the same job the way many would first write it. One consumer (the same
// Kafka client library), one message at a time: decode, SELECT the machine's row, a simple threshold check (the
// least severe high bound of temperature, vibration and load from the same machine-type configs), UPDATE the row,
// INSERT each anomaly with its own statement, COMMIT, then commit the Kafka offset, per message.
import pg from 'pg';
import { decodeReading } from '../../schemas/sensor-reading-codec.js';
import {
  compileMachineTypeConfig,
  configLookup,
  resolveConfig,
  SEED_MACHINE_TYPE_CONFIGS,
} from '../../processors/threshold-detection/index.js';
import type { SensorReading } from '../../processors/readings/reading.js';
import type { Config } from '../../src/config.js';
import { utcConnection } from '../../src/db/pool.js';
import { createKafka } from '../../src/kafka/client.js';

export const NAIVE_SENSORS = ['temperature', 'vibration', 'load'] as const;
type NaiveSensor = (typeof NAIVE_SENSORS)[number];

/** The simple bounds: per machine type, the least severe configured high bound of each sensor (NaN: none). */
export function simpleBounds(): (machineType: string) => Record<NaiveSensor, number> {
  const lookup = configLookup(SEED_MACHINE_TYPE_CONFIGS);
  const cache = new Map<string, Record<NaiveSensor, number>>();
  return (machineType) => {
    let bounds = cache.get(machineType);
    if (!bounds) {
      const compiled = compileMachineTypeConfig(resolveConfig(lookup, machineType));
      const bound = (sensor: NaiveSensor) => {
        const rule = compiled.rules.find((candidate) => candidate.ruleId === `${sensor}.high`);
        return rule ? (rule.bounds[rule.leastRank] ?? Number.NaN) : Number.NaN;
      };
      bounds = { temperature: bound('temperature'), vibration: bound('vibration'), load: bound('load') };
      cache.set(machineType, bounds);
    }
    return bounds;
  };
}

/** The anomalies the naive consumer must write for a reading: one per sensor above its bound. */
export function naiveAnomalies(
  reading: SensorReading,
  bounds: ReturnType<typeof simpleBounds>,
): Array<{ sensor: NaiveSensor; value: number; bound: number }> {
  const limits = bounds(reading.machineType);
  const found: Array<{ sensor: NaiveSensor; value: number; bound: number }> = [];
  for (const sensor of NAIVE_SENSORS) {
    const value = reading[sensor];
    if (value > limits[sensor]) found.push({ sensor, value, bound: limits[sensor] });
  }
  return found;
}

export const NAIVE_SCHEMA = `
  CREATE TABLE machine_state (
    machine_id text PRIMARY KEY, machine_type text NOT NULL, last_timestamp bigint NOT NULL,
    temperature double precision, vibration double precision, load double precision, readings bigint NOT NULL);
  CREATE TABLE naive_anomalies (
    id bigserial PRIMARY KEY, machine_id text NOT NULL, sensor text NOT NULL, value double precision NOT NULL,
    bound double precision NOT NULL, reading_timestamp bigint NOT NULL, source text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now());`;

export interface NaiveRun {
  readonly processed: number;
  readonly seconds: number;
}

/** Consumes `total` messages of `topic` from the start, one at a time, into the database at `databaseUrl`. */
export async function runNaiveConsumer(options: {
  kafka: Config['kafka'];
  topic: string;
  groupId: string;
  databaseUrl: string;
  total: number;
  maxBytes: number;
}): Promise<NaiveRun> {
  const bounds = simpleBounds();
  const client = new pg.Client(utcConnection(options.databaseUrl));
  await client.connect();
  const consumer = createKafka(options.kafka).consumer({
    'group.id': options.groupId,
    'auto.offset.reset': 'earliest',
    'enable.auto.commit': false,
  });
  // From the first message: the group join is not the baseline's per-message cost. (The pipeline's time does
  // include its start, so the ratio errs in the baseline's favour.)
  let started: number | undefined;
  let processed = 0;
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [options.topic] });
    await new Promise<void>((resolve, reject) => {
      void consumer
        .run({
          eachMessage: async ({ topic, partition, message }) => {
            started ??= performance.now();
            const decoded = decodeReading(message.value, {
              maxBytes: options.maxBytes,
              nowMs: Number(message.timestamp),
              maxFutureSkewMs: Number.MAX_SAFE_INTEGER,
            });
            if (decoded.ok) {
              const reading = decoded.reading;
              await client.query('BEGIN');
              const existing = await client.query<{ readings: string }>(
                'SELECT readings FROM machine_state WHERE machine_id = $1 FOR UPDATE',
                [reading.machineId],
              );
              if (existing.rows.length === 0) {
                await client.query(
                  `INSERT INTO machine_state (machine_id, machine_type, last_timestamp, temperature, vibration, load, readings)
                   VALUES ($1, $2, $3, $4, $5, $6, 1)`,
                  [
                    reading.machineId,
                    reading.machineType,
                    reading.timestamp,
                    reading.temperature,
                    reading.vibration,
                    reading.load,
                  ],
                );
              } else {
                await client.query(
                  `UPDATE machine_state SET last_timestamp = $2, temperature = $3, vibration = $4, load = $5,
                          readings = readings + 1 WHERE machine_id = $1`,
                  [
                    reading.machineId,
                    reading.timestamp,
                    reading.temperature,
                    reading.vibration,
                    reading.load,
                  ],
                );
              }
              for (const anomaly of naiveAnomalies(reading, bounds)) {
                await client.query(
                  `INSERT INTO naive_anomalies (machine_id, sensor, value, bound, reading_timestamp, source)
                   VALUES ($1, $2, $3, $4, $5, $6)`,
                  [
                    reading.machineId,
                    anomaly.sensor,
                    anomaly.value,
                    anomaly.bound,
                    reading.timestamp,
                    `${topic}-${partition}-${message.offset}`,
                  ],
                );
              }
              await client.query('COMMIT');
            }
            await consumer.commitOffsets([{ topic, partition, offset: String(Number(message.offset) + 1) }]);
            processed += 1;
            if (processed >= options.total) resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await client.end();
  }
  return { processed, seconds: (performance.now() - (started ?? performance.now())) / 1000 };
}
