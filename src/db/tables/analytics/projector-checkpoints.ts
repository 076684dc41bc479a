// Beside the seed: per projector consumer group and source partition, the next offset to project and the
// owner epoch. Committed in the same transaction as the rows the batch wrote, so the read models and their
// position can never disagree; a commit names the offset it started from and the epoch it holds.
import { sql } from 'drizzle-orm';
import { bigint, integer, pgTable, primaryKey, timestamp, varchar } from 'drizzle-orm/pg-core';

export const projectorCheckpoints = pgTable(
  'projector_checkpoints',
  {
    consumerGroup: varchar('consumer_group', { length: 255 }).notNull(),
    topic: varchar('topic', { length: 249 }).notNull(),
    partition: integer('partition').notNull(),
    nextOffset: bigint('next_offset', { mode: 'bigint' }).notNull(),
    ownerEpoch: integer('owner_epoch').notNull().default(0),
    /**
     * Readings partitions: the arrival clock, the largest LogAppendTime seen (epoch ms, clock ticks included). A
     * window may still change until it passes the window's end plus BACKLOG_HORIZON_MS (retention waits for it).
     */
    streamTime: bigint('stream_time', { mode: 'number' }),
    updatedAt: timestamp('updated_at').default(sql`CURRENT_TIMESTAMP`),
  },
  (table) => [primaryKey({ columns: [table.consumerGroup, table.topic, table.partition] })],
);
