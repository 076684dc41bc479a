// Seed table: detailed anomaly records from the twin processor.
import { sql } from 'drizzle-orm';
import { index, jsonb, numeric, pgTable, serial, timestamp, uniqueIndex, varchar } from 'drizzle-orm/pg-core';

export const anomalyRecords = pgTable(
  'anomaly_records',
  {
    id: serial('id').primaryKey(),
    machineId: varchar('machine_id', { length: 50 }).notNull(),
    anomalyType: varchar('anomaly_type', { length: 50 }).notNull(),
    severity: varchar('severity', { length: 20 }).notNull(),
    timestamp: timestamp('timestamp').notNull(),
    sensorData: jsonb('sensor_data'),
    calculatedMetrics: jsonb('calculated_metrics'),
    mlFeatures: jsonb('ml_features'),
    mlConfidence: numeric('ml_confidence', { precision: 5, scale: 4 }),
    algorithmUsed: varchar('algorithm_used', { length: 50 }).default('threshold'),
    createdAt: timestamp('created_at').default(sql`CURRENT_TIMESTAMP`),
    // Beside the seed: the deterministic id of the twin event this row records, so a replay inserts nothing twice.
    eventId: varchar('event_id', { length: 64 }),
  },
  (table) => [
    index('idx_anomaly_records_machine_time').on(table.machineId, table.timestamp.desc().nullsFirst()),
    index('idx_anomaly_records_type').on(table.anomalyType),
    index('idx_anomaly_records_severity').on(table.severity),
    uniqueIndex('uq_anomaly_records_event_id').on(table.eventId),
  ],
);
