// What a maintenance report reads from the analytics database: which machines had anything in the period, and
// per machine its hourly and daily performance_metrics, its anomaly_records counted by type and severity, and
// the alerts opened in the period. Times go in and out as epoch ms (UTC columns).
import type pg from 'pg';
import type { ReportPeriod } from '../../../processors/reports/index.js';
import { epochMs, utcTimestamp } from '../sql-time.js';

export interface ReportMachine {
  readonly machineId: string;
  readonly machineType: string | null;
}

/**
 * Machines with metrics, anomalies or alerts in the period (all of them, or the one asked for), sorted, with
 * their type from machine_twins where the projector has one.
 */
export async function listReportMachines(
  pool: pg.Pool,
  period: ReportPeriod,
  machineId: string | null,
): Promise<ReportMachine[]> {
  const result = await pool.query<{ machine_id: string; machine_type: string | null }>(
    `WITH active AS (
       SELECT machine_id FROM performance_metrics
        WHERE resolution IN ('PT1H', 'P1D') AND window_start >= ${utcTimestamp('$1::float8')}
          AND window_start < ${utcTimestamp('$2::float8')}
       UNION
       SELECT machine_id FROM anomaly_records
        WHERE timestamp >= ${utcTimestamp('$1::float8')} AND timestamp < ${utcTimestamp('$2::float8')}
       UNION
       SELECT machine_id FROM alerts
        WHERE timestamp >= ${utcTimestamp('$1::float8')} AND timestamp < ${utcTimestamp('$2::float8')}
     )
     SELECT a.machine_id, t.machine_type
       FROM active a LEFT JOIN machine_twins t USING (machine_id)
      WHERE $3::text IS NULL OR a.machine_id = $3::text
      ORDER BY a.machine_id`,
    [period.start, period.end, machineId],
  );
  return result.rows.map((row) => ({ machineId: row.machine_id, machineType: row.machine_type }));
}

/** Whether the projector has ever seen this machine (a twin). */
export async function machineIsKnown(pool: pg.Pool, machineId: string): Promise<boolean> {
  const result = await pool.query('SELECT 1 FROM machine_twins WHERE machine_id = $1', [machineId]);
  return result.rowCount !== null && result.rowCount > 0;
}

/** An hourly or daily performance_metrics row (NUMERIC columns arrive as text). */
export interface ReportMetricRecord {
  machine_id: string;
  resolution: string;
  start_ms: number;
  uptime_percentage: string | null;
  efficiency_rating: string | null;
  average_temperature: string | null;
  average_vibration: string | null;
  average_load: string | null;
  anomaly_count: number | null;
}

/** anomaly_records of one machine, type and severity, counted. */
export interface ReportAnomalyRecord {
  machine_id: string;
  anomaly_type: string;
  severity: string;
  count: number;
  first_ms: number;
  last_ms: number;
  peak_value: number | null;
}

/** An alert opened in the period. */
export interface ReportAlertRecord {
  machine_id: string;
  alert_id: string;
  alert_type: string;
  severity: string;
  opened_ms: number;
  raised_ms: number | null;
  details: Record<string, unknown> | null;
}

export interface ReportRecords {
  readonly metrics: ReportMetricRecord[];
  readonly anomalies: ReportAnomalyRecord[];
  readonly alerts: ReportAlertRecord[];
}

/** The period's rows of these machines, each list sorted by machine. */
export async function loadReportRecords(
  pool: pg.Pool,
  period: ReportPeriod,
  machineIds: readonly string[],
): Promise<ReportRecords> {
  const range = [machineIds, period.start, period.end];
  const [metrics, anomalies, alerts] = await Promise.all([
    pool.query<ReportMetricRecord>(
      `SELECT machine_id, resolution, ${epochMs('window_start')} AS start_ms, uptime_percentage,
              efficiency_rating, average_temperature, average_vibration, average_load, anomaly_count
         FROM performance_metrics
        WHERE machine_id = ANY($1::text[]) AND resolution IN ('PT1H', 'P1D')
          AND window_start >= ${utcTimestamp('$2::float8')} AND window_start < ${utcTimestamp('$3::float8')}
        ORDER BY machine_id, resolution, window_start`,
      range,
    ),
    pool.query<ReportAnomalyRecord>(
      `SELECT machine_id, anomaly_type, severity, count(*)::int AS count,
              min(${epochMs('timestamp')}) AS first_ms, max(${epochMs('timestamp')}) AS last_ms,
              max(CASE WHEN jsonb_typeof(calculated_metrics->'value') = 'number'
                       THEN (calculated_metrics->>'value')::float8 END) AS peak_value
         FROM anomaly_records
        WHERE machine_id = ANY($1::text[])
          AND timestamp >= ${utcTimestamp('$2::float8')} AND timestamp < ${utcTimestamp('$3::float8')}
        GROUP BY machine_id, anomaly_type, severity
        ORDER BY machine_id, anomaly_type, severity`,
      range,
    ),
    pool.query<ReportAlertRecord>(
      `SELECT machine_id, alert_id, alert_type, severity, ${epochMs('timestamp')} AS opened_ms,
              ${epochMs('created_at')} AS raised_ms, details
         FROM alerts
        WHERE machine_id = ANY($1::text[])
          AND timestamp >= ${utcTimestamp('$2::float8')} AND timestamp < ${utcTimestamp('$3::float8')}
        ORDER BY machine_id, timestamp, alert_id`,
      range,
    ),
  ]);
  return { metrics: metrics.rows, anomalies: anomalies.rows, alerts: alerts.rows };
}
