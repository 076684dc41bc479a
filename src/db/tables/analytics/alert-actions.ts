// Beside the seed: every operator (and shelve-expiry) action on an alert, in order. The alerts table is a
// projection; these are its only input besides twin.events, and each records the machine's event position
// when it was taken, so a rebuild applies it at the same point and ends with the same rows.
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  varchar,
} from 'drizzle-orm/pg-core';

export const alertActions = pgTable(
  'alert_actions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    alertId: varchar('alert_id', { length: 50 }).notNull(),
    machineId: varchar('machine_id', { length: 50 }).notNull(),
    action: varchar('action', { length: 20 }).notNull(),
    actor: varchar('actor', { length: 100 }).notNull(),
    note: text('note'),
    /** Action-specific: { assignee } for assign, { until } (epoch ms) for shelve. */
    params: jsonb('params'),
    at: timestamp('at').notNull(),
    /** The machine's last applied twin event when the action was taken (null: none yet). */
    afterSourceOffset: bigint('after_source_offset', { mode: 'number' }),
    afterIndex: integer('after_index'),
    createdAt: timestamp('created_at').default(sql`CURRENT_TIMESTAMP`),
  },
  (table) => [index('idx_alert_actions_machine').on(table.machineId, table.id)],
);
