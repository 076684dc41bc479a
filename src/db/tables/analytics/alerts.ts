// Seed table: active and historical alerts.
import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, serial, text, timestamp, varchar } from 'drizzle-orm/pg-core';

export const alerts = pgTable(
  'alerts',
  {
    id: serial('id').primaryKey(),
    // Named as PostgreSQL names an inline UNIQUE, so the constraint matches the seed's.
    alertId: varchar('alert_id', { length: 50 }).notNull().unique('alerts_alert_id_key'),
    machineId: varchar('machine_id', { length: 50 }).notNull(),
    severity: varchar('severity', { length: 20 }).notNull(),
    alertType: varchar('alert_type', { length: 50 }).notNull(),
    timestamp: timestamp('timestamp').notNull(),
    description: text('description'),
    details: jsonb('details'),
    status: varchar('status', { length: 20 }).default('NEW'),
    assignedTo: varchar('assigned_to', { length: 100 }),
    resolutionTime: timestamp('resolution_time'),
    createdAt: timestamp('created_at').default(sql`CURRENT_TIMESTAMP`),
    updatedAt: timestamp('updated_at').default(sql`CURRENT_TIMESTAMP`),
  },
  (table) => [
    index('idx_alerts_machine_time').on(table.machineId, table.timestamp.desc().nullsFirst()),
    index('idx_alerts_severity').on(table.severity),
    index('idx_alerts_status').on(table.status),
    index('idx_alerts_assigned').on(table.assignedTo),
  ],
);
