// Seed table: configuration per machine type (baselines and the thresholds JSON).
import { sql } from 'drizzle-orm';
import { index, jsonb, numeric, pgTable, serial, timestamp, varchar } from 'drizzle-orm/pg-core';

export const machineConfigurations = pgTable(
  'machine_configurations',
  {
    id: serial('id').primaryKey(),
    machineType: varchar('machine_type', { length: 50 }).notNull(),
    baselineTemp: numeric('baseline_temp', { precision: 5, scale: 2 }),
    tempVariation: numeric('temp_variation', { precision: 5, scale: 2 }),
    baselineVibration: numeric('baseline_vibration', { precision: 5, scale: 2 }),
    vibrationVariation: numeric('vibration_variation', { precision: 5, scale: 2 }),
    operationalPattern: varchar('operational_pattern', { length: 20 }),
    thresholds: jsonb('thresholds'),
    createdAt: timestamp('created_at').default(sql`CURRENT_TIMESTAMP`),
    updatedAt: timestamp('updated_at').default(sql`CURRENT_TIMESTAMP`),
  },
  (table) => [index('idx_machine_configurations_type').on(table.machineType)],
);
