// Beside the seed: the hourly and daily sums behind performance_metrics' PT1H and P1D rows, kept by adding each
// batch's partial sums (as performance_windows is for the base window), so a roll-up costs one row whatever
// the hour of the day, instead of re-summing up to 1,440 base windows per machine per batch.
import { pgTable, primaryKey, timestamp, varchar } from 'drizzle-orm/pg-core';
import { windowSumColumns } from './performance-windows.js';

export const performanceRollups = pgTable(
  'performance_rollups',
  {
    machineId: varchar('machine_id', { length: 50 }).notNull(),
    /** PT1H or P1D, as performance_metrics.resolution. */
    resolution: varchar('resolution', { length: 10 }).notNull(),
    windowStart: timestamp('window_start').notNull(),
    ...windowSumColumns(),
  },
  (table) => [primaryKey({ columns: [table.machineId, table.resolution, table.windowStart] })],
);
