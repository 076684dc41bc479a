// Partition snapshots against a real, migrated twin database of their own.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, type ScratchDatabase } from '../../../test/support/postgres.js';
import { migrateDatabases } from '../migrate.js';
import { inTransaction } from '../transaction.js';
import { claimPartition } from './checkpoints.js';
import { loadSnapshotMachines, writeSnapshot, type PartitionSnapshot } from './snapshots.js';

let twin: ScratchDatabase;
let analytics: ScratchDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  twin = await createScratchDatabase('snapshots_twin_it');
  analytics = await createScratchDatabase('snapshots_analytics_it');
  await migrateDatabases({ twinUrl: twin.url, analyticsUrl: analytics.url });
  pool = new pg.Pool({ connectionString: twin.url, max: 2 });
});

afterAll(async () => {
  await pool?.end();
  await Promise.allSettled([twin?.drop(), analytics?.drop()]);
});

const key = { consumerGroup: 'g', topic: 'readings', partition: 3 };
const snapshotAt = (offset: bigint, temperature: number): PartitionSnapshot => ({
  offset,
  streamTime: 1_700_000_000_000,
  machines: [
    { machineId: 'pump-1', state: { temperature } },
    { machineId: 'pump-2', state: { temperature: temperature + 1 } },
  ],
  partitionState: { streamTime: 1_700_000_000_000 },
});

describe('snapshots repository', () => {
  it('given a snapshot at an offset already snapshotted (a shutdown right after a batch snapshot), when written, then it replaces the earlier one: one row per machine', async () => {
    const { epoch } = await inTransaction(pool, (client) => claimPartition(client, key));
    await inTransaction(pool, (client) => writeSnapshot(client, key, epoch, snapshotAt(100n, 40)));
    await inTransaction(pool, (client) => writeSnapshot(client, key, epoch, snapshotAt(100n, 41)));

    const machines = await inTransaction(pool, (client) =>
      loadSnapshotMachines(client, key.topic, key.partition, 100n),
    );
    expect(machines.sort((a, b) => a.machineId.localeCompare(b.machineId))).toEqual([
      { machineId: 'pump-1', state: { temperature: 41 } },
      { machineId: 'pump-2', state: { temperature: 42 } },
    ]);
  });

  it('given three snapshots, when the third lands, then the oldest is gone and the latest two stay', async () => {
    const other = { ...key, partition: 4 };
    const { epoch } = await inTransaction(pool, (client) => claimPartition(client, other));
    for (const offset of [10n, 20n, 30n]) {
      await inTransaction(pool, (client) => writeSnapshot(client, other, epoch, snapshotAt(offset, 40)));
    }
    const offsets = await pool.query<{ source_offset: string }>(
      `SELECT DISTINCT source_offset FROM state_snapshots WHERE source_partition = 4 ORDER BY 1`,
    );
    expect(offsets.rows.map((row) => row.source_offset)).toEqual(['20', '30']);
  });
});
