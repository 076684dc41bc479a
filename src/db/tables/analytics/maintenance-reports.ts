// Seed table: generated maintenance reports (DAILY, WEEKLY, MONTHLY).
import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, serial, timestamp, varchar } from 'drizzle-orm/pg-core';

export const maintenanceReports = pgTable(
  'maintenance_reports',
  {
    id: serial('id').primaryKey(),
    reportId: varchar('report_id', { length: 50 }).notNull().unique('maintenance_reports_report_id_key'),
    reportType: varchar('report_type', { length: 50 }).notNull(),
    generatedTime: timestamp('generated_time').notNull(),
    machineId: varchar('machine_id', { length: 50 }),
    content: jsonb('content').notNull(),
    metricsSummary: jsonb('metrics_summary'),
    recommendations: jsonb('recommendations'),
    createdAt: timestamp('created_at').default(sql`CURRENT_TIMESTAMP`),
  },
  (table) => [
    index('idx_maintenance_reports_time').on(table.generatedTime.desc().nullsFirst()),
    index('idx_maintenance_reports_type').on(table.reportType),
    index('idx_maintenance_reports_machine').on(table.machineId),
  ],
);
