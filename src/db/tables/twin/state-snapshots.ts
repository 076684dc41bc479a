// Seed table: state snapshots for recovery and historical analysis.
import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgTable, serial, timestamp, varchar } from 'drizzle-orm/pg-core';

export const stateSnapshots = pgTable(
  'state_snapshots',
  {
    id: serial('id').primaryKey(),
    machineId: varchar('machine_id', { length: 50 }).notNull(),
    snapshotTime: timestamp('snapshot_time').notNull(),
    stateData: jsonb('state_data').notNull(),
    createdAt: timestamp('created_at').default(sql`CURRENT_TIMESTAMP`),
    // Beside the seed: which partition's snapshot this row belongs to and the offset it covers (the state is
    // the fold of every reading before it), so recovery loads one partition's twins and replays from there.
    sourceTopic: varchar('source_topic', { length: 249 }),
    sourcePartition: integer('source_partition'),
    sourceOffset: bigint('source_offset', { mode: 'bigint' }),
  },
  // `DESC` alone in SQL means NULLS FIRST; drizzle would otherwise write NULLS LAST.
  (table) => [
    index('idx_state_snapshots_machine_time').on(table.machineId, table.snapshotTime.desc().nullsFirst()),
    index('idx_state_snapshots_source').on(table.sourceTopic, table.sourcePartition, table.sourceOffset),
  ],
);
