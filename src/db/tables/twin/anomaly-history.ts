// Seed table: historical record of detected anomalies.
import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, serial, timestamp, uniqueIndex, varchar } from 'drizzle-orm/pg-core';

export const anomalyHistory = pgTable(
  'anomaly_history',
  {
    id: serial('id').primaryKey(),
    machineId: varchar('machine_id', { length: 50 }).notNull(),
    anomalyType: varchar('anomaly_type', { length: 50 }).notNull(),
    severity: varchar('severity', { length: 20 }).notNull(),
    timestamp: timestamp('timestamp').notNull(),
    sensorData: jsonb('sensor_data'),
    calculatedMetrics: jsonb('calculated_metrics'),
    details: jsonb('details'),
    createdAt: timestamp('created_at').default(sql`CURRENT_TIMESTAMP`),
    // Beside the seed: the deterministic id of the twin event this row records, so a replay inserts nothing twice.
    eventId: varchar('event_id', { length: 64 }),
  },
  (table) => [
    index('idx_anomaly_history_machine_time').on(table.machineId, table.timestamp.desc().nullsFirst()),
    index('idx_anomaly_history_severity').on(table.severity),
    uniqueIndex('uq_anomaly_history_event_id').on(table.eventId),
  ],
);
