// Where each partition stands, in the twin database: the next offset to process, the snapshot recovery starts
// from, and the owner epoch. Taking a partition bumps the epoch; every later commit names the epoch it holds,
// so a stale owner (a paused or partitioned process that lost the partition) fails instead of writing.
import type { PoolClient } from 'pg';
import { FencedError } from '../../errors.js';

export interface PartitionKey {
  readonly consumerGroup: string;
  readonly topic: string;
  readonly partition: number;
}

export interface PartitionClaim {
  readonly epoch: number;
  readonly nextOffset: bigint;
  readonly snapshotOffset: bigint | undefined;
  readonly snapshotState: unknown;
}

export async function claimPartition(client: PoolClient, key: PartitionKey): Promise<PartitionClaim> {
  const result = await client.query<{
    owner_epoch: number;
    next_offset: string;
    snapshot_offset: string | null;
    snapshot_state: unknown;
  }>(
    `INSERT INTO processor_checkpoints (consumer_group, topic, partition, next_offset, owner_epoch)
     VALUES ($1, $2, $3, 0, 1)
     ON CONFLICT (consumer_group, topic, partition)
       DO UPDATE SET owner_epoch = processor_checkpoints.owner_epoch + 1, updated_at = CURRENT_TIMESTAMP
     RETURNING owner_epoch, next_offset, snapshot_offset, snapshot_state`,
    [key.consumerGroup, key.topic, key.partition],
  );
  const row = result.rows[0];
  if (!row) throw new Error('claiming a partition returned no row');
  return {
    epoch: row.owner_epoch,
    nextOffset: BigInt(row.next_offset),
    snapshotOffset: row.snapshot_offset === null ? undefined : BigInt(row.snapshot_offset),
    snapshotState: row.snapshot_state,
  };
}

/**
 * Records progress inside the batch's transaction. The offset only moves forward (a replay after recovery
 * re-covers offsets already committed); the epoch must still be ours or the whole transaction is refused.
 */
export async function commitProgress(
  client: PoolClient,
  key: PartitionKey,
  epoch: number,
  nextOffset: bigint,
): Promise<void> {
  const result = await client.query(
    `UPDATE processor_checkpoints
        SET next_offset = GREATEST(next_offset, $5), updated_at = CURRENT_TIMESTAMP
      WHERE consumer_group = $1 AND topic = $2 AND partition = $3 AND owner_epoch = $4`,
    [key.consumerGroup, key.topic, key.partition, epoch, nextOffset.toString()],
  );
  if (result.rowCount !== 1) throw new FencedError(key, epoch);
}
