// Partition snapshots: one state_snapshots row per machine (the seed's table, with the partition and offset it
// covers beside it) and the partition-wide part in processor_checkpoints, written in the batch's transaction.
import type { PoolClient } from 'pg';
import type { PartitionKey } from './checkpoints.js';

export interface PartitionSnapshot {
  /** Every reading before this offset is folded into the state. */
  readonly offset: bigint;
  /** Stream time of the partition, epoch ms: the snapshot's `snapshot_time`. */
  readonly streamTime: number;
  readonly machines: ReadonlyArray<{ readonly machineId: string; readonly state: unknown }>;
  readonly partitionState: unknown;
}

/** How many snapshots of a partition to keep; older ones are deleted as new ones land. */
const SNAPSHOTS_KEPT = 2;

export async function writeSnapshot(
  client: PoolClient,
  key: PartitionKey,
  epoch: number,
  snapshot: PartitionSnapshot,
): Promise<void> {
  const offset = snapshot.offset.toString();
  // A snapshot at an offset already snapshotted (an idle partition snapshotted again after a restart)
  // replaces it: the fold is deterministic, so it is the same state, and a machine must appear once.
  await client.query(
    `DELETE FROM state_snapshots WHERE source_topic = $1 AND source_partition = $2 AND source_offset = $3`,
    [key.topic, key.partition, offset],
  );
  await client.query(
    `INSERT INTO state_snapshots (machine_id, snapshot_time, state_data, source_topic, source_partition, source_offset)
     SELECT m, timestamp 'epoch' + $3::bigint * interval '1 millisecond', s, $4, $5, $6
       FROM unnest($1::text[], $2::jsonb[]) AS r(m, s)`,
    [
      snapshot.machines.map((machine) => machine.machineId),
      snapshot.machines.map((machine) => JSON.stringify(machine.state)),
      snapshot.streamTime,
      key.topic,
      key.partition,
      offset,
    ],
  );
  const updated = await client.query(
    `UPDATE processor_checkpoints
        SET snapshot_offset = $5, snapshot_state = $6, snapshot_time = CURRENT_TIMESTAMP
      WHERE consumer_group = $1 AND topic = $2 AND partition = $3 AND owner_epoch = $4`,
    [key.consumerGroup, key.topic, key.partition, epoch, offset, JSON.stringify(snapshot.partitionState)],
  );
  if (updated.rowCount !== 1) throw new Error(`snapshot of ${key.topic}-${key.partition} refused: fenced`);
  await client.query(
    `DELETE FROM state_snapshots
      WHERE source_topic = $1 AND source_partition = $2 AND source_offset < (
        SELECT min(source_offset) FROM (
          SELECT DISTINCT source_offset FROM state_snapshots
           WHERE source_topic = $1 AND source_partition = $2 ORDER BY source_offset DESC LIMIT ${SNAPSHOTS_KEPT}
        ) AS kept)`,
    [key.topic, key.partition],
  );
}

export async function loadSnapshotMachines(
  client: PoolClient,
  topic: string,
  partition: number,
  offset: bigint,
): Promise<Array<{ machineId: string; state: unknown }>> {
  const result = await client.query<{ machine_id: string; state_data: unknown }>(
    `SELECT machine_id, state_data FROM state_snapshots
      WHERE source_topic = $1 AND source_partition = $2 AND source_offset = $3`,
    [topic, partition, offset.toString()],
  );
  return result.rows.map((row) => ({ machineId: row.machine_id, state: row.state_data }));
}
