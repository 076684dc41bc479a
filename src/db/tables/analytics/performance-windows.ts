// Beside the seed: the sums and counts behind performance_metrics, one row per machine and base window.
// Roll-ups (hourly, daily) are computed from these sums, never by averaging averages.
import { sql } from 'drizzle-orm';
import {
  bigint,
  doublePrecision,
  index,
  integer,
  pgTable,
  primaryKey,
  timestamp,
  varchar,
} from 'drizzle-orm/pg-core';

export const performanceWindows = pgTable(
  'performance_windows',
  {
    machineId: varchar('machine_id', { length: 50 }).notNull(),
    windowStart: timestamp('window_start').notNull(),
    windowMs: integer('window_ms').notNull(),
    readings: integer('readings').notNull(),
    sumLoad: doublePrecision('sum_load').notNull(),
    sumTemperature: doublePrecision('sum_temperature').notNull(),
    sumVibration: doublePrecision('sum_vibration').notNull(),
    /** Readings whose status counts as planned production time (all but MAINTENANCE). */
    plannedReadings: integer('planned_readings').notNull(),
    runningReadings: integer('running_readings').notNull(),
    sumLoadRunning: doublePrecision('sum_load_running').notNull(),
    goodCount: bigint('good_count', { mode: 'number' }).notNull(),
    rejectCount: bigint('reject_count', { mode: 'number' }).notNull(),
    anomalyCount: integer('anomaly_count').notNull(),
    updatedAt: timestamp('updated_at').default(sql`CURRENT_TIMESTAMP`),
  },
  (table) => [
    primaryKey({ columns: [table.machineId, table.windowStart] }),
    index('idx_performance_windows_start').on(table.windowStart),
  ],
);
