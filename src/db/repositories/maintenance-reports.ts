// maintenance_reports: one row per report_id, upserted, so a scheduled rerun for the same period and scope
// replaces the row rather than adding one (and leaves it untouched when nothing changed).
import type pg from 'pg';
import type { MaintenanceReport } from '../../../processors/reports/index.js';
import { utcTimestamp } from '../sql-time.js';

export type SaveOutcome = 'inserted' | 'updated' | 'unchanged';

export async function saveReport(pool: pg.Pool, report: MaintenanceReport): Promise<SaveOutcome> {
  const result = await pool.query<{ inserted: boolean }>(
    `INSERT INTO maintenance_reports
       (report_id, report_type, generated_time, machine_id, content, metrics_summary, recommendations)
     VALUES ($1, $2, ${utcTimestamp('$3::float8')}, $4, $5::jsonb, $6::jsonb, $7::jsonb)
     ON CONFLICT (report_id) DO UPDATE SET
       report_type = EXCLUDED.report_type, generated_time = EXCLUDED.generated_time,
       machine_id = EXCLUDED.machine_id, content = EXCLUDED.content,
       metrics_summary = EXCLUDED.metrics_summary, recommendations = EXCLUDED.recommendations
     WHERE (maintenance_reports.report_type, maintenance_reports.generated_time, maintenance_reports.machine_id,
            maintenance_reports.content, maintenance_reports.metrics_summary,
            maintenance_reports.recommendations)
       IS DISTINCT FROM (EXCLUDED.report_type, EXCLUDED.generated_time, EXCLUDED.machine_id, EXCLUDED.content,
                         EXCLUDED.metrics_summary, EXCLUDED.recommendations)
     RETURNING (xmax = 0) AS inserted`,
    [
      report.reportId,
      report.reportType,
      report.generatedTime,
      report.machineId,
      JSON.stringify(report.content),
      JSON.stringify(report.metricsSummary),
      JSON.stringify(report.recommendations),
    ],
  );
  const row = result.rows[0];
  return row === undefined ? 'unchanged' : row.inserted ? 'inserted' : 'updated';
}
