// Training history: the readings of sensor.readings between two times, replayed from Kafka. The topic is the
// source of truth and holds every raw reading, which the detector's features need (sensor noise, smoothing,
// per-machine baselines); the aggregated tables hold one-minute averages, which have neither the noise nor
// the dynamics. Each partition is read from the broker's time index (offsetsForTimes at `from`, on the messages'
// log time, which is never much before their event time: a reading is produced after it is measured) up to
// its end as it was when training started (a backfill may carry old event times at any later log time, so
// `to` can't bound the log); readings are kept by event time within the range. A consumer of a fresh group
// that commits nothing: training never moves anyone's position.
import { isClockTick } from '../../processors/readings/arrival.js';
import { randomUUID } from 'node:crypto';
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import type { SensorReading } from '../../processors/readings/reading.js';
import { decodeReading } from '../../schemas/sensor-reading-codec.js';
import { createKafka, type KafkaSettings } from '../kafka/client.js';
import type { Logger } from '../logger.js';

export interface HistoryRequest {
  readonly kafka: KafkaSettings;
  readonly topic: string;
  /** Event time range, epoch ms: from inclusive, to exclusive. */
  readonly from: number;
  readonly to: number;
  /** Keep readings of these machine types only; all when undefined. */
  readonly machineTypes?: ReadonlySet<string>;
  readonly maxMessageBytes: number;
  readonly maxFutureSkewMs: number;
  /** Slack on the start's log time, for producer clocks behind the gateways'. */
  readonly logSlackMs?: number;
  readonly logger?: Logger;
}

export interface History {
  readonly readings: SensorReading[];
  /** Messages read, and those that did not decode (as the processor would dead-letter them). */
  readonly messages: number;
  readonly invalid: number;
}

const ASSIGN_PARTITIONS = -175;

export async function readHistory(request: HistoryRequest): Promise<History> {
  const slack = request.logSlackMs ?? 5 * 60_000;
  const client = createKafka(request.kafka, request.logger);
  const admin = client.admin();
  await admin.connect();
  let starts: Map<number, number>;
  let ends: Map<number, number>;
  try {
    const high = await admin.fetchTopicOffsets(request.topic);
    const atFrom = await admin.fetchTopicOffsetsByTimestamp(request.topic, request.from - slack);
    ends = new Map(high.map((entry) => [entry.partition, Number(entry.high)]));
    // An offset of −1 (no message at or after the time) means the partition's end.
    starts = new Map(
      atFrom.map((entry) => {
        const offset = Number(entry.offset);
        return [entry.partition, offset < 0 ? (ends.get(entry.partition) ?? 0) : offset];
      }),
    );
  } finally {
    await admin.disconnect();
  }
  const pending = new Set([...ends].filter(([p, end]) => (starts.get(p) ?? end) < end).map(([p]) => p));
  const readings: SensorReading[] = [];
  let messages = 0;
  let invalid = 0;
  if (pending.size === 0) return { readings, messages, invalid };

  const consumer = client.consumer({
    'group.id': `twin-train-${randomUUID()}`,
    'enable.auto.commit': false,
    'auto.offset.reset': 'earliest',
    'js.consumer.max.batch.size': 5_000,
    rebalance_cb: (error: { code: number }, assignment: KafkaJS.TopicPartition[]) => {
      if (error.code !== ASSIGN_PARTITIONS) return undefined;
      return assignment.map((entry) => ({ ...entry, offset: starts.get(entry.partition) ?? -2 }));
    },
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [request.topic] });
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachBatch: ({ batch }) => {
            const end = ends.get(batch.partition) ?? 0;
            for (const message of batch.messages) {
              if (Number(message.offset) >= end) break;
              if (isClockTick(message)) continue; // a clock tick, no reading
              messages += 1;
              const decoded = decodeReading(message.value, {
                maxBytes: request.maxMessageBytes,
                nowMs: Number(message.timestamp),
                maxFutureSkewMs: request.maxFutureSkewMs,
              });
              if (!decoded.ok) {
                invalid += 1;
                continue;
              }
              const reading = decoded.reading;
              if (reading.timestamp < request.from || reading.timestamp >= request.to) continue;
              if (request.machineTypes && !request.machineTypes.has(reading.machineType)) continue;
              readings.push(reading);
            }
            const last = batch.messages.at(-1);
            if (last !== undefined && Number(last.offset) + 1 >= end) pending.delete(batch.partition);
            if (pending.size === 0) resolve();
            return Promise.resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return { readings, messages, invalid };
}
