// The twin processor's loop for the partitions this member owns:
//   decode → fold (processors/, pure) → publish events and dead letters, and analytics rows → twin rows with the
//   checkpoint (and a snapshot when due) in one transaction → record the position in the consumer group.
//
// Exactly-once effects without distributed transactions: every output has a deterministic id derived from
// the reading's (topic, partition, offset), every row insert skips ids already present, and recovery restarts a
// partition from its last snapshot, whose offset is never ahead of what both databases hold. A replay after a
// crash therefore recomputes the same outputs and writes none of them twice. Twin events on Kafka may repeat
// after a crash (same ids); consumers of twin.events deduplicate by event id.
import type pg from 'pg';
import { TICK_HEADER } from '../../processors/readings/arrival.js';
import type { Logger } from '../logger.js';
import type { BatchConsumerHandlers, PartitionBatch } from '../kafka/batch-consumer.js';
import { deadLetterMessage, type RejectedMessage } from '../kafka/dead-letter.js';
import type { OutgoingMessage, ReliableProducer } from '../kafka/producer.js';
import { claimPartition, commitProgress, type PartitionKey } from '../db/repositories/checkpoints.js';
import { insertAnomalyHistory, insertAnomalyRecords } from '../db/repositories/anomaly-rows.js';
import { loadSnapshotMachines, writeSnapshot } from '../db/repositories/snapshots.js';
import type { ProcessorMetrics } from './processor-metrics.js';
import { inTransaction } from '../db/transaction.js';
import type { FencedError } from '../errors.js';
import { PartitionOwnership, type Owned } from '../kafka/partition-ownership.js';
import {
  SnapshotError,
  createPartitionState,
  partitionSignal,
  processBatch,
  type FoldOptions,
  type PartitionState,
} from '../../processors/partition/index.js';
import type { ConfigLookup } from '../../processors/threshold-detection/index.js';
import type { ModelLookup } from '../../processors/ml-detection/index.js';
import { partitionSnapshot, restorePartition } from './partition-snapshots.js';
import { anomalyRows, eventMessages } from './twin-outputs.js';
import { decodeRecords } from './reading-records.js';
import { partitionFoldOptions } from './fold-options.js';

export interface TwinPipelineOptions {
  readonly logger: Logger;
  readonly metrics: ProcessorMetrics;
  readonly twinPool: pg.Pool;
  readonly analyticsPool: pg.Pool;
  readonly producer: ReliableProducer;
  readonly consumerGroup: string;
  readonly topics: { readonly readings: string; readonly twinEvents: string; readonly deadLetter: string };
  readonly configs: ConfigLookup;
  /** The ACTIVE ML model per machine type (none: thresholds only). */
  readonly models?: ModelLookup;
  readonly fold: FoldOptions;
  /** PARTITION_SILENT after this long without a reading on a partition (arrival clock); 0: off. */
  readonly partitionSilentAfterMs: number;
  readonly maxMessageBytes: number;
  readonly snapshotEveryReadings: number;
  /**
   * An owned partition that has delivered nothing for this long (wall clock) gets a clock tick: a message with
   * no reading whose broker timestamp moves the partition's arrival clock, so silence is noticed and the
   * decision is in the log for every replay (docs/time.md).
   */
  readonly clockTickMs: number;
  readonly snapshotEveryMs: number;
  /** Wall clock, for latency metrics and snapshot scheduling only: never for what a reading means. */
  readonly now: () => number;
  /** This member lost a partition to a newer owner behind its back: it must stop, not retry. */
  readonly onFenced: (error: FencedError) => void;
  /** Called after each committed batch (the consumer group position, kept for tooling and lag). */
  readonly onCommitted?: (partition: number, nextOffset: bigint) => void;
}

interface OwnedPartition extends Owned {
  readonly key: PartitionKey;
  readonly epoch: number;
  state: PartitionState;
  /** Offsets below this are reflected in `state`. */
  nextOffset: bigint;
  readingsSinceSnapshot: number;
  lastSnapshotAt: number;
  /** Wall clock of the last message fetched (or of the claim, or of the last tick sent). */
  lastHeardAt: number;
  tickInFlight: boolean;
}

/** How often a partition's silence and skew gauges are recomputed (a scan of its twins). */
const SIGNAL_EVERY_MS = 2_000;

export class TwinPipeline implements BatchConsumerHandlers {
  private readonly owned: PartitionOwnership<OwnedPartition>;
  /** Set by the shutdown snapshot: no batch starts after it. */
  private shuttingDown = false;
  /** Wall clock of each partition's last signal gauges update. */
  private readonly signalAt = new Map<number, number>();

  constructor(private readonly options: TwinPipelineOptions) {
    const { metrics, topics, consumerGroup } = options;
    this.owned = new PartitionOwnership<OwnedPartition>({
      claim: async (partition) => {
        const key = { consumerGroup, topic: topics.readings, partition };
        const owned = await inTransaction(options.twinPool, async (client) => {
          const claim = await claimPartition(client, key);
          const recovered = await this.recover(client, key, claim.snapshotOffset, claim.snapshotState);
          return {
            key,
            epoch: claim.epoch,
            state: recovered.state,
            nextOffset: recovered.from,
            readingsSinceSnapshot: 0,
            lastSnapshotAt: options.now(),
            lastHeardAt: options.now(),
            tickInFlight: false,
            inFlight: Promise.resolve(),
          } satisfies OwnedPartition;
        });
        metrics.snapshotTaken(partition);
        metrics.rebalances.inc({ kind: 'assigned' });
        return owned;
      },
      released: (partition) => {
        metrics.partitionReleased(partition);
        metrics.rebalances.inc({ kind: 'revoked' });
      },
      onFenced: options.onFenced,
    });
  }

  get ownedPartitions(): number[] {
    return this.owned.partitions;
  }

  async onAssigned(partitions: readonly number[]): Promise<ReadonlyMap<number, bigint>> {
    const claimed = await this.owned.assign(partitions);
    this.options.metrics.partitionsOwned.set(this.owned.size);
    return new Map([...claimed].map(([partition, owned]) => [partition, owned.nextOffset]));
  }

  /**
   * The partition's state from its latest snapshot. A snapshot this version cannot read (an older format after
   * an upgrade) is not fatal: the log is the source of truth, so the partition is folded again from its start,
   * and the idempotent writes make the replay harmless.
   */
  private async recover(
    client: pg.PoolClient,
    key: PartitionKey,
    snapshotOffset: bigint | undefined,
    snapshotState: unknown,
  ): Promise<{ state: PartitionState; from: bigint }> {
    if (snapshotOffset === undefined) return { state: createPartitionState(), from: 0n };
    const machines = await loadSnapshotMachines(client, key.topic, key.partition, snapshotOffset);
    try {
      return { state: restorePartition(snapshotState, machines), from: snapshotOffset };
    } catch (error) {
      if (!(error instanceof SnapshotError)) throw error;
      this.options.logger.warn(
        { partition: key.partition, snapshotOffset: snapshotOffset.toString() },
        `snapshot not restorable (${error.message}); replaying the partition from its first offset`,
      );
      return { state: createPartitionState(), from: 0n };
    }
  }

  async onRevoked(partitions: readonly number[]): Promise<void> {
    await this.owned.revoke(partitions);
    this.options.metrics.partitionsOwned.set(this.owned.size);
  }

  async onBatch(batch: PartitionBatch): Promise<void> {
    const owned = this.owned.get(batch.partition);
    if (!owned) return; // revoked while fetched: the new owner reads it from its own start
    if (batch.messages.length > 0) owned.lastHeardAt = this.options.now();
    // Fetched before the pause but not started: left uncommitted for the next owner, so the shutdown
    // snapshot stays at the committed offset.
    if (this.shuttingDown) return;
    await this.owned.run(owned, () => this.process(owned, batch));
  }

  /**
   * Sends a clock tick to every owned partition that has been quiet for clockTickMs. Called on a timer; a failed
   * send is retried at the next call (a tick is only a time, so a lost one costs a delay, never a wrong result).
   */
  async tickIdlePartitions(): Promise<void> {
    if (this.shuttingDown) return;
    const { now, clockTickMs, topics, producer, metrics, logger } = this.options;
    const due = [...this.owned.values()].filter(
      (owned) => !owned.tickInFlight && now() - owned.lastHeardAt >= clockTickMs,
    );
    await Promise.all(
      due.map(async (owned) => {
        owned.tickInFlight = true;
        try {
          await producer.sendAll([
            {
              topic: topics.readings,
              partition: owned.key.partition,
              key: TICK_HEADER,
              value: Buffer.alloc(0),
              headers: { [TICK_HEADER]: '1' },
            },
          ]);
          owned.lastHeardAt = now();
          metrics.tickWritten();
        } catch (error) {
          logger.warn({ err: error, partition: owned.key.partition }, 'clock tick not sent; retrying');
        } finally {
          owned.tickInFlight = false;
        }
      }),
    );
  }

  /** On shutdown: starts no further batch and snapshots every owned partition, so a restart replays nothing. */
  async snapshotAll(): Promise<void> {
    this.shuttingDown = true;
    await this.owned.drain();
    for (const owned of this.owned.values()) {
      await inTransaction(this.options.twinPool, async (client) => {
        await writeSnapshot(client, owned.key, owned.epoch, partitionSnapshot(owned.state, owned.nextOffset));
      });
      owned.readingsSinceSnapshot = 0;
      owned.lastSnapshotAt = this.options.now();
      this.options.metrics.snapshotTaken(owned.key.partition);
    }
  }

  private async process(owned: OwnedPartition, batch: PartitionBatch): Promise<void> {
    const { metrics, topics, now } = this.options;
    const started = now();
    // Offsets as numbers in the loop (exact below 2^53; a BigInt per message is measurable garbage).
    const from = Number(owned.nextOffset);
    const fresh = batch.messages.filter((message) => Number(message.offset) >= from); // older: already folded
    if (fresh.length === 0) return;
    const lastOffset = Number(fresh[fresh.length - 1]!.offset);
    const nextOffset = BigInt(lastOffset + 1);
    const byOffset = new Map(fresh.map((message) => [Number(message.offset), message]));
    const decoded = decodeRecords(
      fresh.map((message) => ({
        offset: Number(message.offset),
        key: message.key ?? null,
        value: message.value,
        timestamp: Number(message.timestamp),
        headers: message.headers,
      })),
      this.options.maxMessageBytes,
    );
    const records = decoded.records;

    const folded = processBatch(
      owned.state,
      records,
      this.options.configs,
      partitionFoldOptions(
        this.options.fold,
        this.options.partitionSilentAfterMs,
        batch.topic,
        batch.partition,
      ),
      this.options.models,
    );
    const rejected: RejectedMessage[] = [];
    for (const entry of [
      ...decoded.rejected,
      ...folded.rejected
        .filter((entry) => entry.reason !== 'duplicate')
        .map((late) => ({ ...late, error: late.detail })),
    ]) {
      const message = byOffset.get(entry.offset);
      if (message) rejected.push(rejectedMessage(batch, message, entry.reason, entry.error));
    }

    const outgoing: OutgoingMessage[] = [
      ...rejected.map((entry) => deadLetterMessage(topics.deadLetter, entry)),
      ...eventMessages(topics.twinEvents, batch.topic, batch.partition, folded.events),
    ];
    // Events and dead letters to Kafka, anomaly records to the analytics database: independent, so at the
    // same time; both are durable before the checkpoint below moves past them.
    const rows = anomalyRows(batch.topic, batch.partition, folded.events);
    await Promise.all([
      this.options.producer.sendAll(outgoing),
      this.write('analytics', this.options.analyticsPool, (client) =>
        insertAnomalyRecords(client, rows.records),
      ),
    ]);

    const snapshotDue =
      owned.readingsSinceSnapshot + folded.counts.readings >= this.options.snapshotEveryReadings ||
      now() - owned.lastSnapshotAt >= this.options.snapshotEveryMs;
    await this.write('twin', this.options.twinPool, async (client) => {
      await insertAnomalyHistory(client, rows.history);
      await commitProgress(client, owned.key, owned.epoch, nextOffset);
      if (snapshotDue)
        await writeSnapshot(client, owned.key, owned.epoch, partitionSnapshot(folded.state, nextOffset));
    });

    // Committed: only now does the in-memory state move on.
    owned.state = folded.state;
    owned.nextOffset = nextOffset;
    owned.readingsSinceSnapshot = snapshotDue ? 0 : owned.readingsSinceSnapshot + folded.counts.readings;
    if (snapshotDue) {
      owned.lastSnapshotAt = now();
      metrics.snapshotTaken(batch.partition);
    }
    this.options.onCommitted?.(batch.partition, nextOffset);
    this.record(batch, folded, rejected, started);
  }

  private async write(
    database: 'twin' | 'analytics',
    pool: pg.Pool,
    work: (client: pg.PoolClient) => Promise<unknown>,
  ) {
    try {
      await inTransaction(pool, work);
    } catch (error) {
      this.options.metrics.databaseErrors.inc({ database });
      throw error;
    }
  }

  private record(
    batch: PartitionBatch,
    folded: ReturnType<typeof processBatch>,
    rejected: readonly RejectedMessage[],
    started: number,
  ): void {
    const { metrics, now } = this.options;
    const finished = now();
    const { counts } = folded;
    metrics.readings.inc({ outcome: 'applied' }, counts.applied);
    metrics.readings.inc({ outcome: 'applied_out_of_order' }, counts.appliedOutOfOrder);
    metrics.readings.inc({ outcome: 'duplicate' }, counts.duplicates);
    metrics.readings.inc({ outcome: 'late' }, counts.late);
    for (const entry of rejected) {
      metrics.deadLetters.inc({ reason: entry.reason });
      if (entry.reason !== 'late') metrics.readings.inc({ outcome: 'rejected' });
    }
    for (const event of folded.events) {
      if (
        event.type === 'ANOMALY_OPENED' ||
        event.type === 'ANOMALY_ESCALATED' ||
        event.type === 'ANOMALY_CLEARED'
      ) {
        metrics.anomalies.inc({
          anomaly_type: event.anomalyType,
          severity: event.severity,
          transition: event.type,
        });
      }
    }
    // Arrival to commit: the broker's stamp, not a gateway's clock.
    const newest = folded.state.arrivalTime;
    if (newest !== null) metrics.latency.observe(Math.max(0, (finished - newest) / 1000));
    if (finished - (this.signalAt.get(batch.partition) ?? 0) >= SIGNAL_EVERY_MS) {
      this.signalAt.set(batch.partition, finished);
      metrics.partitionSignal(batch.partition, partitionSignal(folded.state));
    }
    metrics.batchSize.observe(batch.messages.length);
    metrics.batchDuration.observe((finished - started) / 1000);
    const high = BigInt(batch.highWatermark);
    const last = batch.messages.at(-1);
    if (high >= 0n && last)
      metrics.lag.set({ partition: String(batch.partition) }, Number(high - BigInt(last.offset) - 1n));
  }
}

function rejectedMessage(
  batch: PartitionBatch,
  message: PartitionBatch['messages'][number],
  reason: string,
  error: string,
): RejectedMessage {
  return {
    sourceTopic: batch.topic,
    sourcePartition: batch.partition,
    sourceOffset: message.offset,
    key: message.key,
    value: message.value,
    reason,
    error,
  };
}
