// A consumer-group member's side of one projection (twin events → alerts and twins, readings → windows):
// per owned partition, claim it in the analytics database, then for each batch write the rows and move the
// checkpoint in one transaction. The checkpoint's compare-and-set (epoch and starting offset) makes a
// redelivered batch or a stale owner's write fail as a whole, so nothing is projected twice.
import type pg from 'pg';
import type { BatchConsumerHandlers, PartitionBatch } from '../kafka/batch-consumer.js';
import { claimProjectorPartition, commitProjection } from '../db/repositories/projector-checkpoints.js';
import type { PartitionKey } from '../db/repositories/checkpoints.js';
import { FencedError } from '../errors.js';
import { inTransaction } from '../db/transaction.js';
import { PartitionOwnership, type Owned } from '../kafka/partition-ownership.js';
import type { ProjectorMetrics } from './projector-metrics.js';

export type ProjectedMessage = PartitionBatch['messages'][number];

export interface ProjectionStep {
  /**
   * Writes what the messages mean, inside the batch's transaction (rolled back on any error), given the
   * partition's stream time before them; returns its stream time after them.
   */
  project(
    client: pg.PoolClient,
    partition: number,
    messages: readonly ProjectedMessage[],
    streamTime: number | null,
  ): Promise<{ streamTime: number | null; newestEventTime: number | null }>;
  /** The batch last projected for the partition committed: what it read and wrote may be kept in memory. */
  committed?(partition: number): void;
  /** The partition's batch was rolled back, or the partition left this member: forget what is kept of it. */
  forget?(partition: number): void;
}

interface OwnedPartition extends Owned {
  readonly key: PartitionKey;
  readonly epoch: number;
  nextOffset: bigint;
  streamTime: number | null;
}

export interface PartitionProjectionOptions {
  readonly pool: pg.Pool;
  readonly consumerGroup: string;
  readonly topic: string;
  readonly step: ProjectionStep;
  readonly metrics: ProjectorMetrics;
  readonly now: () => number;
  readonly onFenced: (error: FencedError) => void;
  readonly onCommitted?: (partition: number, nextOffset: bigint) => void;
}

export class PartitionProjection implements BatchConsumerHandlers {
  private readonly owned: PartitionOwnership<OwnedPartition>;

  constructor(private readonly options: PartitionProjectionOptions) {
    const { pool, consumerGroup, topic, metrics } = options;
    this.owned = new PartitionOwnership<OwnedPartition>({
      claim: async (partition) => {
        const key = { consumerGroup, topic, partition };
        const claim = await inTransaction(pool, (client) => claimProjectorPartition(client, key));
        metrics.committed(topic, partition);
        return {
          key,
          epoch: claim.epoch,
          nextOffset: claim.nextOffset,
          streamTime: claim.streamTime,
          inFlight: Promise.resolve(),
        };
      },
      released: (partition) => {
        options.step.forget?.(partition);
        metrics.released(topic, partition);
      },
      onFenced: options.onFenced,
    });
  }

  get ownedPartitions(): number[] {
    return this.owned.partitions;
  }

  async onAssigned(partitions: readonly number[]): Promise<ReadonlyMap<number, bigint>> {
    const claimed = await this.owned.assign(partitions);
    this.options.metrics.partitionsOwned.set({ topic: this.options.topic }, this.owned.size);
    return new Map([...claimed].map(([partition, owned]) => [partition, owned.nextOffset]));
  }

  async onRevoked(partitions: readonly number[]): Promise<void> {
    await this.owned.revoke(partitions);
    this.options.metrics.partitionsOwned.set({ topic: this.options.topic }, this.owned.size);
  }

  async onBatch(batch: PartitionBatch): Promise<void> {
    const owned = this.owned.get(batch.partition);
    if (!owned) return;
    await this.owned.run(owned, () => this.process(owned, batch));
  }

  /** Waits for the batches in flight (on shutdown, before leaving the group). */
  async drain(): Promise<void> {
    await this.owned.drain();
  }

  private async process(owned: OwnedPartition, batch: PartitionBatch): Promise<void> {
    const { pool, step, metrics, now, topic } = this.options;
    const started = now();
    const fresh = batch.messages.filter((message) => BigInt(message.offset) >= owned.nextOffset);
    const last = fresh.at(-1);
    if (!last) return;
    const nextOffset = BigInt(last.offset) + 1n;
    let outcome: Awaited<ReturnType<ProjectionStep['project']>>;
    try {
      // Read models are derived from the topics: a commit lost in a server crash takes its checkpoint with it,
      // and the batch is projected again (the checkpoint's compare-and-set makes this member stop and restart
      // from it). So no waiting for the WAL flush, which would also queue the processor's commits behind ours.
      outcome = await inTransaction(
        pool,
        async (client) => {
          const projected = await step.project(client, batch.partition, fresh, owned.streamTime);
          await commitProjection(
            client,
            owned.key,
            owned.epoch,
            owned.nextOffset,
            nextOffset,
            projected.streamTime,
          );
          return projected;
        },
        { durable: false },
      );
    } catch (error) {
      step.forget?.(batch.partition);
      if (!(error instanceof FencedError)) metrics.databaseErrors.inc();
      throw error;
    }
    step.committed?.(batch.partition);
    owned.nextOffset = nextOffset;
    owned.streamTime = outcome.streamTime;
    this.options.onCommitted?.(batch.partition, nextOffset);

    const finished = now();
    metrics.committed(topic, batch.partition);
    metrics.batchDuration.observe({ topic }, (finished - started) / 1000);
    if (outcome.newestEventTime !== null)
      metrics.latency.observe({ topic }, Math.max(0, (finished - outcome.newestEventTime) / 1000));
    const high = BigInt(batch.highWatermark);
    if (high >= 0n) metrics.lag.set({ topic, partition: String(batch.partition) }, Number(high - nextOffset));
  }
}
