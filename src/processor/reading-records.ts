// Messages of one readings partition → what the fold takes: a reading with its arrival time, or (a clock tick, a
// message that breaks the contract) just the arrival time. Every message moves the partition's arrival clock, so
// what a replay folds is exactly what the first pass folded.
import { isClockTick } from '../../processors/readings/arrival.js';
import type { FoldRecord } from '../../processors/partition/index.js';
import { decodeReading } from '../../schemas/sensor-reading-codec.js';

/** The parts of a Kafka message this needs (the consumer's and a test reader's messages both fit). */
export interface ReadingsMessage {
  readonly offset: number;
  readonly key: Buffer | string | null | undefined;
  readonly value: Buffer | null;
  /** The topic's LogAppendTime: when the broker received it. */
  readonly timestamp: number;
  readonly headers?: Readonly<Record<string, unknown>>;
}

export interface RecordRejection {
  readonly offset: number;
  readonly reason: string;
  readonly error: string;
}

export interface DecodedRecords {
  readonly records: FoldRecord[];
  /** Messages for the dead-letter topic (the fold adds its `late` ones). */
  readonly rejected: RecordRejection[];
  readonly ticks: number;
}

/**
 * Decodes a partition's messages in offset order. A gateway clock running ahead is not refused here: the fold
 * re-times the reading to its arrival and flags the machine (processors/readings/arrival.ts).
 */
export function decodeRecords(messages: Iterable<ReadingsMessage>, maxMessageBytes: number): DecodedRecords {
  const records: FoldRecord[] = [];
  const rejected: RecordRejection[] = [];
  let ticks = 0;
  for (const message of messages) {
    const { offset, timestamp: arrivalTime } = message;
    if (isClockTick(message)) {
      ticks += 1;
      records.push({ offset, arrivalTime });
      continue;
    }
    const decoded = decodeReading(message.value, {
      maxBytes: maxMessageBytes,
      nowMs: arrivalTime,
      maxFutureSkewMs: Infinity,
    });
    const key = message.key === null || message.key === undefined ? null : message.key.toString();
    if (!decoded.ok) {
      rejected.push({ offset, reason: decoded.reason, error: decoded.error });
      records.push({ offset, arrivalTime });
    } else if (key !== null && key !== decoded.reading.machineId) {
      // Keys decide partitions, and a machine's twin lives in one partition: a wrong key would split it.
      const error = `key "${key}" differs from machine_id "${decoded.reading.machineId}"`;
      rejected.push({ offset, reason: 'key_mismatch', error });
      records.push({ offset, arrivalTime });
    } else {
      records.push({ offset, reading: decoded.reading, arrivalTime });
    }
  }
  return { records, rejected, ticks };
}
