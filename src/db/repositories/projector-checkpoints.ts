// Where the projector stands per source partition, in the analytics database beside the rows it wrote.
// Claiming bumps the owner epoch; a commit names the epoch it holds and the offset its batch started from, so a
// stale owner's or a repeated batch's transaction matches no row and is refused as a whole.
import type { PoolClient } from 'pg';
import { FencedError } from '../../errors.js';
import type { PartitionKey } from './checkpoints.js';

export interface ProjectorClaim {
  readonly epoch: number;
  readonly nextOffset: bigint;
  readonly streamTime: number | null;
}

export async function claimProjectorPartition(
  client: PoolClient,
  key: PartitionKey,
): Promise<ProjectorClaim> {
  const result = await client.query<{ owner_epoch: number; next_offset: string; stream_time: string | null }>(
    `INSERT INTO projector_checkpoints (consumer_group, topic, partition, next_offset, owner_epoch)
     VALUES ($1, $2, $3, 0, 1)
     ON CONFLICT (consumer_group, topic, partition)
       DO UPDATE SET owner_epoch = projector_checkpoints.owner_epoch + 1, updated_at = CURRENT_TIMESTAMP
     RETURNING owner_epoch, next_offset, stream_time`,
    [key.consumerGroup, key.topic, key.partition],
  );
  const row = result.rows[0];
  if (!row) throw new Error('claiming a projector partition returned no row');
  return {
    epoch: row.owner_epoch,
    nextOffset: BigInt(row.next_offset),
    streamTime: row.stream_time === null ? null : Number(row.stream_time),
  };
}

/** Moves the partition from `fromOffset` to `nextOffset` inside the batch's transaction, or refuses it all. */
export async function commitProjection(
  client: PoolClient,
  key: PartitionKey,
  epoch: number,
  fromOffset: bigint,
  nextOffset: bigint,
  streamTime: number | null,
): Promise<void> {
  const result = await client.query(
    `UPDATE projector_checkpoints
        SET next_offset = $6, stream_time = $7, updated_at = CURRENT_TIMESTAMP
      WHERE consumer_group = $1 AND topic = $2 AND partition = $3 AND owner_epoch = $4 AND next_offset = $5`,
    [
      key.consumerGroup,
      key.topic,
      key.partition,
      epoch,
      fromOffset.toString(),
      nextOffset.toString(),
      streamTime,
    ],
  );
  if (result.rowCount !== 1) throw new FencedError(key, epoch);
}

/**
 * The read models the projector owns, emptied for a rebuild (alert_actions, their input, is kept). Their
 * archives go too: the replay writes the archived rows again (same alert ids, from the topics), ids restart,
 * and `twin retention` archives them again on its next run.
 */
export async function resetProjection(client: PoolClient, consumerGroup: string): Promise<void> {
  await client.query(
    `TRUNCATE alerts, alerts_archive, performance_metrics, performance_metrics_archive, performance_windows,
              performance_rollups, machine_twins, projector_positions RESTART IDENTITY`,
  );
  await client.query('DELETE FROM projector_checkpoints WHERE consumer_group = $1', [consumerGroup]);
}
