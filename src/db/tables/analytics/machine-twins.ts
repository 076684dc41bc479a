// Beside the seed: the current twin of every machine, as the processor last published it (TWIN_UPDATED,
// see TWIN_PUBLISH_INTERVAL_MS). What GET /machines serves.
import { bigint, index, integer, jsonb, pgTable, timestamp, varchar } from 'drizzle-orm/pg-core';

export const machineTwins = pgTable(
  'machine_twins',
  {
    machineId: varchar('machine_id', { length: 50 }).primaryKey(),
    machineType: varchar('machine_type', { length: 50 }).notNull(),
    status: varchar('status', { length: 20 }).notNull(),
    statusSince: timestamp('status_since').notNull(),
    /** Event time of the twin's latest in-order reading. */
    lastEventTime: timestamp('last_event_time').notNull(),
    twin: jsonb('twin').notNull(),
    sourcePartition: integer('source_partition').notNull(),
    sourceOffset: bigint('source_offset', { mode: 'number' }).notNull(),
    /** When the projector wrote it (how fresh the served state is). */
    projectedAt: timestamp('projected_at').notNull(),
  },
  (table) => [index('idx_machine_twins_type').on(table.machineType)],
);
