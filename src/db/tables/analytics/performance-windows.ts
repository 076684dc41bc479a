// Beside the seed: the sums and counts behind performance_metrics, one row per machine and base window.
// Roll-ups (hourly, daily) are computed from these sums, never by averaging averages.
import { sql } from 'drizzle-orm';
import { bigint, index, integer, pgTable, primaryKey, timestamp, varchar } from 'drizzle-orm/pg-core';

/** The sums and counts a window (or a roll-up of windows) adds up, fresh builders for each table using them. */
export function windowSumColumns() {
  return {
    readings: integer('readings').notNull(),
    // Sensor sums are fixed-point, in millionths (SUM_SCALE): exact whatever the batching.
    sumLoad: bigint('sum_load', { mode: 'number' }).notNull(),
    sumTemperature: bigint('sum_temperature', { mode: 'number' }).notNull(),
    sumVibration: bigint('sum_vibration', { mode: 'number' }).notNull(),
    /** Readings whose status counts as planned production time (all but MAINTENANCE). */
    plannedReadings: integer('planned_readings').notNull(),
    runningReadings: integer('running_readings').notNull(),
    sumLoadRunning: bigint('sum_load_running', { mode: 'number' }).notNull(),
    goodCount: bigint('good_count', { mode: 'number' }).notNull(),
    rejectCount: bigint('reject_count', { mode: 'number' }).notNull(),
    anomalyCount: integer('anomaly_count').notNull(),
    // Time known, ms: covered by a reading's status (up to the machine's next reading, at most
    // METRICS_MAX_READING_GAP_MS); the rest is unknown. Of it, RUNNING and MAINTENANCE time.
    coveredMs: integer('covered_ms').notNull().default(0),
    runningMs: integer('running_ms').notNull().default(0),
    maintenanceMs: integer('maintenance_ms').notNull().default(0),
    updatedAt: timestamp('updated_at').default(sql`CURRENT_TIMESTAMP`),
  };
}

export const performanceWindows = pgTable(
  'performance_windows',
  {
    machineId: varchar('machine_id', { length: 50 }).notNull(),
    windowStart: timestamp('window_start').notNull(),
    windowMs: integer('window_ms').notNull(),
    ...windowSumColumns(),
  },
  (table) => [
    primaryKey({ columns: [table.machineId, table.windowStart] }),
    index('idx_performance_windows_start').on(table.windowStart),
  ],
);
