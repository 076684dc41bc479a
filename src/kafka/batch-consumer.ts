// A consumer-group member that hands whole per-partition batches to its owner and lets the owner decide where
// each newly assigned partition starts (positions live in PostgreSQL, next to the rows they produced).
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import type { Logger } from '../logger.js';
import { createKafka, type KafkaSettings } from './client.js';

export interface PartitionBatch {
  readonly topic: string;
  readonly partition: number;
  readonly messages: readonly KafkaJS.KafkaMessage[];
  /** The partition's end offset when the batch was fetched (-1001 when unknown). */
  readonly highWatermark: string;
}

export interface BatchConsumerHandlers {
  /** Loads what the owner needs for these partitions; returns the offset each must be consumed from. */
  onAssigned(partitions: readonly number[]): Promise<ReadonlyMap<number, bigint>>;
  /** The partitions are leaving this member: finish what is in flight for them. */
  onRevoked(partitions: readonly number[]): Promise<void>;
  /** Process one batch. Throwing makes the client deliver the batch again from its first message. */
  onBatch(batch: PartitionBatch): Promise<void>;
}

export interface BatchConsumerOptions {
  kafka: KafkaSettings;
  logger: Logger;
  groupId: string;
  topic: string;
  /** Messages per batch; the client's default of 32 is far too small for our per-batch costs. */
  maxBatchSize: number;
  /** Partitions processed at the same time (their I/O overlaps; the CPU work does not). */
  concurrency: number;
  /**
   * How long the broker may hold a fetch to fill it (fetch.wait.max.ms, default 50), and how many bytes fill it
   * (fetch.min.bytes, default 64 KiB): a consumer whose cost is per machine per batch rather than per message
   * takes fewer, fuller batches under light load.
   */
  fetchWaitMs?: number;
  fetchMinBytes?: number;
  handlers: BatchConsumerHandlers;
  /**
   * A rebalance handler failed: this member cannot own its partitions correctly, so it must not go on (the
   * client would otherwise carry on with a default assignment our handlers know nothing about).
   */
  onFatal(error: unknown): void;
}

export interface BatchConsumer {
  start(): Promise<void>;
  /** Stops fetching every partition of the topic (batches already handed out still finish). */
  pause(): Promise<void>;
  /** Records progress in the group (for lag and tooling); correctness never depends on it. */
  commit(partition: number, nextOffset: bigint): Promise<void>;
  stop(): Promise<void>;
}

/** librdkafka's rebalance codes, as passed to rebalance_cb. */
const ASSIGN_PARTITIONS = -175;
const REVOKE_PARTITIONS = -174;

export function createBatchConsumer(options: BatchConsumerOptions): BatchConsumer {
  const { logger, handlers, topic } = options;
  const consumer = createKafka(options.kafka, logger).consumer({
    'group.id': options.groupId,
    'enable.auto.commit': false,
    'auto.offset.reset': 'earliest',
    'partition.assignment.strategy': 'cooperative-sticky',
    'js.consumer.max.batch.size': options.maxBatchSize,
    // Wait for a fuller fetch rather than returning tiny batches under load.
    'fetch.min.bytes': options.fetchMinBytes ?? 64 * 1024,
    'fetch.wait.max.ms': options.fetchWaitMs ?? 50,
    // A fetch that waits to fill must be allowed to be that full.
    'max.partition.fetch.bytes': Math.max(1024 * 1024, 2 * (options.fetchMinBytes ?? 0)),
    rebalance_cb: async (
      error: { code: number },
      assignment: KafkaJS.TopicPartition[],
    ): Promise<Array<KafkaJS.TopicPartition & { offset: number }> | undefined> => {
      const partitions = assignment.map((entry) => entry.partition);
      try {
        if (error.code === ASSIGN_PARTITIONS) {
          const starts = await handlers.onAssigned(partitions);
          logger.info({ partitions: Object.fromEntries(starts) }, 'partitions assigned');
          // librdkafka takes a number here (a string offset is silently ignored: nothing is fetched).
          return assignment.map((entry) => ({
            ...entry,
            offset: Number(starts.get(entry.partition) ?? -2n), // -2: the beginning of the log
          }));
        }
        if (error.code === REVOKE_PARTITIONS) {
          logger.info({ partitions }, 'partitions revoked');
          await handlers.onRevoked(partitions);
        }
      } catch (failure) {
        options.onFatal(failure);
      }
      return undefined;
    },
  });

  return {
    async start() {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic] });
      // run() resolves once the loop is started; batches arrive through eachBatch.
      await consumer.run({
        partitionsConsumedConcurrently: options.concurrency,
        eachBatch: async ({ batch }) => {
          await handlers.onBatch({
            topic: batch.topic,
            partition: batch.partition,
            messages: batch.messages,
            highWatermark: batch.highWatermark,
          });
        },
      });
    },
    pause() {
      consumer.pause([{ topic }]);
      return Promise.resolve();
    },
    async commit(partition, nextOffset) {
      await consumer.commitOffsets([{ topic, partition, offset: nextOffset.toString() }]);
    },
    async stop() {
      await consumer.disconnect();
    },
  };
}
