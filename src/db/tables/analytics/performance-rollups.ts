// Beside the seed: the hourly and daily sums behind performance_metrics' PT1H and P1D rows, kept by adding each
// batch's partial sums (as performance_windows is for the base window), so a roll-up costs one row whatever
// the hour of the day, instead of re-summing up to 1,440 base windows per machine per batch.
import { sql } from 'drizzle-orm';
import { bigint, integer, pgTable, primaryKey, timestamp, varchar } from 'drizzle-orm/pg-core';

export const performanceRollups = pgTable(
  'performance_rollups',
  {
    machineId: varchar('machine_id', { length: 50 }).notNull(),
    /** PT1H or P1D, as performance_metrics.resolution. */
    resolution: varchar('resolution', { length: 10 }).notNull(),
    windowStart: timestamp('window_start').notNull(),
    readings: integer('readings').notNull(),
    // Fixed-point millionths, as in performance_windows.
    sumLoad: bigint('sum_load', { mode: 'number' }).notNull(),
    sumTemperature: bigint('sum_temperature', { mode: 'number' }).notNull(),
    sumVibration: bigint('sum_vibration', { mode: 'number' }).notNull(),
    plannedReadings: integer('planned_readings').notNull(),
    runningReadings: integer('running_readings').notNull(),
    sumLoadRunning: bigint('sum_load_running', { mode: 'number' }).notNull(),
    goodCount: bigint('good_count', { mode: 'number' }).notNull(),
    rejectCount: bigint('reject_count', { mode: 'number' }).notNull(),
    anomalyCount: integer('anomaly_count').notNull(),
    updatedAt: timestamp('updated_at').default(sql`CURRENT_TIMESTAMP`),
  },
  (table) => [primaryKey({ columns: [table.machineId, table.resolution, table.windowStart] })],
);
