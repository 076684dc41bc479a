// Seed table: trained ML models per machine type.
import { sql } from 'drizzle-orm';
import {
  customType,
  index,
  jsonb,
  numeric,
  pgTable,
  serial,
  timestamp,
  uniqueIndex,
  varchar,
} from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

export const mlModels = pgTable(
  'ml_models',
  {
    id: serial('id').primaryKey(),
    modelId: varchar('model_id', { length: 50 }).notNull().unique('ml_models_model_id_key'),
    machineType: varchar('machine_type', { length: 50 }).notNull(),
    modelVersion: varchar('model_version', { length: 20 }).notNull(),
    modelName: varchar('model_name', { length: 100 }).notNull(),
    modelData: bytea('model_data'),
    trainingDataInfo: jsonb('training_data_info'),
    trainingDate: timestamp('training_date'),
    accuracyScore: numeric('accuracy_score', { precision: 5, scale: 4 }),
    status: varchar('status', { length: 20 }).default('ACTIVE'),
    createdAt: timestamp('created_at').default(sql`CURRENT_TIMESTAMP`),
    updatedAt: timestamp('updated_at').default(sql`CURRENT_TIMESTAMP`),
    // Beside the seed: when the model went live, so a window can name the model that was live in it.
    activatedAt: timestamp('activated_at'),
  },
  (table) => [
    index('idx_ml_models_type_version').on(table.machineType, table.modelVersion.desc().nullsFirst()),
    index('idx_ml_models_status').on(table.status),
    // Beside the seed: at most one live model per machine type.
    uniqueIndex('ml_models_one_active_per_type')
      .on(table.machineType)
      .where(sql`${table.status} = 'ACTIVE'`),
  ],
);
