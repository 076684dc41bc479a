// Seed table: every notification attempt and its outcome.
import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, serial, text, timestamp, varchar } from 'drizzle-orm/pg-core';

export const notificationLogs = pgTable(
  'notification_logs',
  {
    id: serial('id').primaryKey(),
    alertId: varchar('alert_id', { length: 50 }),
    notificationType: varchar('notification_type', { length: 20 }).notNull(),
    recipient: varchar('recipient', { length: 100 }).notNull(),
    subject: varchar('subject', { length: 255 }),
    content: text('content'),
    status: varchar('status', { length: 20 }).notNull(),
    sentTime: timestamp('sent_time').notNull(),
    responseDetails: jsonb('response_details'),
    createdAt: timestamp('created_at').default(sql`CURRENT_TIMESTAMP`),
  },
  (table) => [
    index('idx_notification_logs_alert').on(table.alertId),
    index('idx_notification_logs_type').on(table.notificationType),
    index('idx_notification_logs_status').on(table.status),
    index('idx_notification_logs_sent_time').on(table.sentTime.desc().nullsFirst()),
  ],
);
