// What the API reads about a machine (analytics database): its current twin (machine_twins), its anomaly
// records and its performance metrics. Rows come back as read; the API shapes its answers from them.
import type { Pool } from 'pg';
import { epochMs, utcTimestamp } from '../sql-time.js';

/** A machine_twins row without the twin itself (times as epoch ms). */
export interface MachineSummaryRow {
  machine_id: string;
  machine_type: string;
  status: string;
  status_since_ms: number;
  last_event_time_ms: number;
  projected_at_ms: number;
}

/** A whole machine_twins row, with the count of the machine's alerts not RESOLVED. */
export interface MachineDetailRow extends MachineSummaryRow {
  twin: Record<string, unknown>;
  source_partition: number;
  source_offset: string;
  open_alerts: number;
}

/** An anomaly_records row as read (NUMERIC as a string, times as epoch ms). */
export interface MachineAnomalyRow {
  id: number;
  event_id: string | null;
  machine_id: string;
  anomaly_type: string;
  severity: string;
  timestamp_ms: number;
  sensor_data: unknown;
  calculated_metrics: unknown;
  ml_confidence: string | null;
  algorithm_used: string | null;
}

/** A performance_metrics row as read (NUMERIC as strings, times as epoch ms). */
export interface MachineMetricsRow {
  resolution: string;
  window_start_ms: number;
  window_end_ms: number;
  average_load: string | null;
  average_temperature: string | null;
  average_vibration: string | null;
  uptime_percentage: string | null;
  efficiency_rating: string | null;
  anomaly_count: number | null;
  ml_model_version: string | null;
  /** Time covered by readings, from the window's sums (null for a row without them). */
  covered_ms: number | null;
}

/** Rolled-up metrics resolutions; every other resolution is a base window. */
export type MetricsResolution = 'base' | 'PT1H' | 'P1D';

const TWIN_COLUMNS = `machine_id, machine_type, status, ${epochMs('status_since')} AS status_since_ms,
  ${epochMs('last_event_time')} AS last_event_time_ms, ${epochMs('projected_at')} AS projected_at_ms`;

const pgTime = (parameter: string) => utcTimestamp(`${parameter}::float8`);

/** Machines by id after `afterMachineId`, filtered by type and status when given (null matches any). */
export async function listMachines(
  pool: Pool,
  filter: { readonly machineType: string | null; readonly status: string | null },
  afterMachineId: string | null,
  limit: number,
): Promise<MachineSummaryRow[]> {
  const result = await pool.query<MachineSummaryRow>(
    `SELECT ${TWIN_COLUMNS} FROM machine_twins
      WHERE ($1::text IS NULL OR machine_type = $1) AND ($2::text IS NULL OR status = $2)
        AND ($3::text IS NULL OR machine_id > $3)
      ORDER BY machine_id LIMIT $4`,
    [filter.machineType, filter.status, afterMachineId, limit],
  );
  return result.rows;
}

export async function findMachine(pool: Pool, machineId: string): Promise<MachineDetailRow | undefined> {
  const result = await pool.query<MachineDetailRow>(
    `SELECT ${TWIN_COLUMNS}, twin, source_partition, source_offset,
            (SELECT count(*)::int FROM alerts a
              WHERE a.machine_id = t.machine_id AND a.status IS DISTINCT FROM 'RESOLVED') AS open_alerts
       FROM machine_twins t WHERE machine_id = $1`,
    [machineId],
  );
  return result.rows[0];
}

/** Filters of listMachineAnomalies: from (inclusive) and to (exclusive) bound the event time; null is open. */
export interface AnomalyFilter {
  readonly from: number | null;
  readonly to: number | null;
  readonly severity: string | null;
  readonly anomalyType: string | null;
}

/** A machine's anomaly records newest first (by timestamp, then id), after the keyset position `after`. */
export async function listMachineAnomalies(
  pool: Pool,
  machineId: string,
  filter: AnomalyFilter,
  after: { readonly time: number; readonly id: number } | null,
  limit: number,
): Promise<MachineAnomalyRow[]> {
  const result = await pool.query<MachineAnomalyRow>(
    `SELECT id, event_id, machine_id, anomaly_type, severity, ${epochMs('timestamp')} AS timestamp_ms,
            sensor_data, calculated_metrics, ml_confidence, algorithm_used
       FROM anomaly_records
      WHERE machine_id = $1
        AND ($2::float8 IS NULL OR timestamp >= ${pgTime('$2')})
        AND ($3::float8 IS NULL OR timestamp < ${pgTime('$3')})
        AND ($4::text IS NULL OR severity = $4) AND ($5::text IS NULL OR anomaly_type = $5)
        AND ($6::float8 IS NULL OR (timestamp, id) < (${pgTime('$6')}, $7::int))
      ORDER BY timestamp DESC, id DESC LIMIT $8`,
    [
      machineId,
      filter.from,
      filter.to,
      filter.severity,
      filter.anomalyType,
      after?.time ?? null,
      after?.id ?? null,
      limit,
    ],
  );
  return result.rows;
}

/** A machine's metrics at one resolution with window_start in [from, to) (epoch ms), oldest first. */
export async function listMachineMetrics(
  pool: Pool,
  machineId: string,
  resolution: MetricsResolution,
  from: number,
  to: number,
): Promise<MachineMetricsRow[]> {
  const which =
    resolution === 'base' ? `m.resolution NOT IN ('PT1H', 'P1D')` : `m.resolution = '${resolution}'`;
  const result = await pool.query<MachineMetricsRow>(
    // calculation_time is window_start plus at most a day: bounding it too lets the
    // (machine_id, calculation_time) index narrow the scan.
    // The time covered comes from the sums behind the row: the base window's, or the hour's or day's roll-up.
    `SELECT m.resolution, ${epochMs('m.window_start')} AS window_start_ms,
            ${epochMs('m.calculation_time')} AS window_end_ms, m.average_load, m.average_temperature,
            m.average_vibration, m.uptime_percentage, m.efficiency_rating, m.anomaly_count, m.ml_model_version,
            coalesce(w.covered_ms, r.covered_ms)::float8 AS covered_ms
       FROM performance_metrics m
       LEFT JOIN performance_windows w
         ON m.resolution NOT IN ('PT1H', 'P1D') AND w.machine_id = m.machine_id AND w.window_start = m.window_start
       LEFT JOIN performance_rollups r
         ON r.machine_id = m.machine_id AND r.resolution = m.resolution AND r.window_start = m.window_start
      WHERE m.machine_id = $1 AND ${which}
        AND m.window_start >= ${pgTime('$2')} AND m.window_start < ${pgTime('$3')}
        AND m.calculation_time > ${pgTime('$2')} AND m.calculation_time <= ${pgTime('$3')} + interval '1 day'
      ORDER BY m.window_start`,
    [machineId, from, to],
  );
  return result.rows;
}

/** Whether the machine is known at all: its twin, or rows of the table a route reads. */
export async function machineKnown(
  pool: Pool,
  machineId: string,
  table: 'anomaly_records' | 'performance_metrics',
): Promise<boolean> {
  const result = await pool.query<{ known: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM machine_twins WHERE machine_id = $1)
         OR EXISTS (SELECT 1 FROM ${table} WHERE machine_id = $1) AS known`,
    [machineId],
  );
  return result.rows[0]?.known === true;
}
