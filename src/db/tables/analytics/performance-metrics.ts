// Seed table: performance metrics per machine and window.
import { sql } from 'drizzle-orm';
import {
  index,
  integer,
  numeric,
  pgTable,
  serial,
  timestamp,
  uniqueIndex,
  varchar,
} from 'drizzle-orm/pg-core';

export const performanceMetrics = pgTable(
  'performance_metrics',
  {
    id: serial('id').primaryKey(),
    machineId: varchar('machine_id', { length: 50 }).notNull(),
    calculationTime: timestamp('calculation_time').notNull(),
    averageLoad: numeric('average_load', { precision: 5, scale: 2 }),
    averageTemperature: numeric('average_temperature', { precision: 5, scale: 2 }),
    averageVibration: numeric('average_vibration', { precision: 5, scale: 2 }),
    uptimePercentage: numeric('uptime_percentage', { precision: 5, scale: 2 }),
    anomalyCount: integer('anomaly_count'),
    efficiencyRating: numeric('efficiency_rating', { precision: 5, scale: 2 }),
    mlModelVersion: varchar('ml_model_version', { length: 20 }),
    createdAt: timestamp('created_at').default(sql`CURRENT_TIMESTAMP`),
    // Beside the seed: which roll-up a row is (ISO-8601 duration: the base window such as PT1M, PT1H, P1D)
    // and where its window starts (calculation_time is its end). One row per machine, resolution and window.
    resolution: varchar('resolution', { length: 10 }),
    windowStart: timestamp('window_start'),
  },
  (table) => [
    index('idx_performance_metrics_machine_time').on(
      table.machineId,
      table.calculationTime.desc().nullsFirst(),
    ),
    index('idx_performance_metrics_calc_time').on(table.calculationTime.desc().nullsFirst()),
    uniqueIndex('uq_performance_metrics_window').on(table.machineId, table.resolution, table.calculationTime),
  ],
);
