// Beside the seed: what the notifier has told each route about each alert, per episode (an alert reopened
// after RESOLVED starts a new one). The pure decision (processors/notifications) reads and returns these;
// they change only in the transaction that writes the outbox rows they caused.
import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, primaryKey, timestamp, varchar } from 'drizzle-orm/pg-core';

export const notificationRouteStates = pgTable(
  'notification_route_states',
  {
    routeId: varchar('route_id', { length: 50 }).notNull(),
    alertId: varchar('alert_id', { length: 50 }).notNull(),
    /** Event time of the transition that opened the current episode. */
    episodeStart: timestamp('episode_start').notNull(),
    /** Wall time the notifier first saw the alert match the route: its group window starts here. */
    firstSeenAt: timestamp('first_seen_at').notNull(),
    openNotifiedAt: timestamp('open_notified_at'),
    lastNotifiedAt: timestamp('last_notified_at'),
    /** Highest contact index told (-1: none yet). */
    level: integer('level').notNull().default(-1),
    reminders: integer('reminders').notNull().default(0),
    /** Nothing more to say for this episode (resolve sent, or dropped before its group went out). */
    done: boolean('done').notNull().default(false),
    updatedAt: timestamp('updated_at').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.routeId, table.alertId] }),
    index('idx_notification_route_states_alert').on(table.alertId),
    // The notifier scans the alerts behind live states every poll.
    index('idx_notification_route_states_live')
      .on(table.alertId)
      .where(sql`NOT ${table.done}`),
  ],
);
