// The current twin of each machine, as the processor last published it: one bulk upsert per batch.
import type { PoolClient } from 'pg';
import { utcTimestamp } from '../sql-time.js';

export interface MachineTwinRow {
  readonly machineId: string;
  readonly machineType: string;
  readonly status: string;
  readonly statusSince: number;
  readonly lastEventTime: number;
  readonly twin: unknown;
  readonly sourcePartition: number;
  readonly sourceOffset: number;
}

/** Upserts the twins; an older twin (by source offset) never replaces a newer one. */
export async function upsertMachineTwins(
  client: PoolClient,
  rows: readonly MachineTwinRow[],
  projectedAt: number,
): Promise<void> {
  if (rows.length === 0) return;
  await client.query(
    `INSERT INTO machine_twins (machine_id, machine_type, status, status_since, last_event_time, twin,
                                source_partition, source_offset, projected_at)
     SELECT m, t, s, ${utcTimestamp('since')}, ${utcTimestamp('last')}, tw, p, o, ${utcTimestamp('$9::bigint')}
       FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::jsonb[], $7::int[],
                   $8::bigint[]) AS r(m, t, s, since, last, tw, p, o)
     ON CONFLICT (machine_id) DO UPDATE SET
       machine_type = EXCLUDED.machine_type, status = EXCLUDED.status, status_since = EXCLUDED.status_since,
       last_event_time = EXCLUDED.last_event_time, twin = EXCLUDED.twin,
       source_partition = EXCLUDED.source_partition, source_offset = EXCLUDED.source_offset,
       projected_at = EXCLUDED.projected_at
     WHERE machine_twins.source_partition <> EXCLUDED.source_partition
        OR machine_twins.source_offset <= EXCLUDED.source_offset`,
    [
      rows.map((row) => row.machineId),
      rows.map((row) => row.machineType),
      rows.map((row) => row.status),
      rows.map((row) => row.statusSince),
      rows.map((row) => row.lastEventTime),
      rows.map((row) => JSON.stringify(row.twin)),
      rows.map((row) => row.sourcePartition),
      rows.map((row) => row.sourceOffset),
      projectedAt,
    ],
  );
}
