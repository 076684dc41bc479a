// Beside the seed: per consumer group and partition, how far the processor has committed, which snapshot
// recovery starts from, and the owner epoch that fences a stale owner (a zombie's commit matches no row).
import { sql } from 'drizzle-orm';
import { bigint, integer, jsonb, pgTable, primaryKey, timestamp, varchar } from 'drizzle-orm/pg-core';

export const processorCheckpoints = pgTable(
  'processor_checkpoints',
  {
    consumerGroup: varchar('consumer_group', { length: 255 }).notNull(),
    topic: varchar('topic', { length: 249 }).notNull(),
    partition: integer('partition').notNull(),
    /** The next offset to process: every reading before it is reflected in the committed rows. */
    nextOffset: bigint('next_offset', { mode: 'bigint' }).notNull(),
    ownerEpoch: integer('owner_epoch').notNull().default(0),
    /** The offset the latest snapshot covers (its rows in state_snapshots carry the same source_offset). */
    snapshotOffset: bigint('snapshot_offset', { mode: 'bigint' }),
    /** Partition-wide state of that snapshot (stream time, ...); per-machine state is in state_snapshots. */
    snapshotState: jsonb('snapshot_state'),
    snapshotTime: timestamp('snapshot_time'),
    updatedAt: timestamp('updated_at').default(sql`CURRENT_TIMESTAMP`),
  },
  (table) => [primaryKey({ columns: [table.consumerGroup, table.topic, table.partition] })],
);
