// Beside the seed: the notifier's outbox. One row per message it decided to send, keyed by a deterministic
// notification key that is also the idempotency key the receiver sees. The row is written in the same
// transaction as the decision (notification_route_states), before any send; a replica claims it with a lease,
// sends, and records the outcome here and one notification_logs row per alert it covers.
import { index, integer, jsonb, pgTable, smallint, text, timestamp, varchar } from 'drizzle-orm/pg-core';

export const notificationOutbox = pgTable(
  'notification_outbox',
  {
    notificationKey: varchar('notification_key', { length: 120 }).primaryKey(),
    routeId: varchar('route_id', { length: 50 }).notNull(),
    /** Position of the contact in the route's escalation chain (0: first contact). */
    contactIndex: smallint('contact_index').notNull(),
    contactName: varchar('contact_name', { length: 100 }).notNull(),
    /** OPEN, REMINDER, ESCALATION or RESOLVED. */
    kind: varchar('kind', { length: 20 }).notNull(),
    /** As in notification_logs: WEBHOOK, SLACK, EMAIL or SMS. */
    notificationType: varchar('notification_type', { length: 20 }).notNull(),
    recipient: varchar('recipient', { length: 100 }).notNull(),
    /** Where to send (url, address, format) as decided, so every retry goes to the same place. */
    target: jsonb('target').notNull(),
    alertIds: text('alert_ids').array().notNull(),
    subject: varchar('subject', { length: 255 }).notNull(),
    content: text('content').notNull(),
    /** The exact body of every attempt (HTTP JSON; for email, the text is `content`). */
    payload: jsonb('payload').notNull(),
    /** PENDING until an attempt succeeds (DELIVERED, SENT) or the last one fails (FAILED). */
    status: varchar('status', { length: 20 }).notNull().default('PENDING'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at').notNull(),
    leaseOwner: varchar('lease_owner', { length: 100 }),
    leaseUntil: timestamp('lease_until'),
    lastError: text('last_error'),
    createdAt: timestamp('created_at').notNull(),
    finishedAt: timestamp('finished_at'),
  },
  (table) => [
    index('idx_notification_outbox_due').on(table.status, table.nextAttemptAt),
    index('idx_notification_outbox_created').on(table.createdAt),
  ],
);
