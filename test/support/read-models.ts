// The projector's read models as rows, for comparing two runs: every projected row, without surrogate ids and
// write clocks (created_at of metrics, projected_at).
import type pg from 'pg';

const READ_MODELS = {
  alerts: `SELECT alert_id, machine_id, severity, alert_type, timestamp, description, details, status, assigned_to,
                  resolution_time, created_at, updated_at FROM alerts ORDER BY alert_id`,
  metrics: `SELECT machine_id, resolution, window_start, calculation_time, average_load, average_temperature,
                   average_vibration, uptime_percentage, anomaly_count, efficiency_rating
              FROM performance_metrics ORDER BY machine_id, resolution, calculation_time`,
  windows: `SELECT machine_id, window_start, window_ms, readings, sum_load, sum_temperature, sum_vibration,
                   planned_readings, running_readings, sum_load_running, good_count, reject_count, anomaly_count,
                   covered_ms, running_ms, maintenance_ms
              FROM performance_windows ORDER BY machine_id, window_start`,
  rollups: `SELECT machine_id, resolution, window_start, readings, sum_load, sum_temperature, sum_vibration,
                   planned_readings, running_readings, sum_load_running, good_count, reject_count, anomaly_count,
                   covered_ms, running_ms, maintenance_ms
              FROM performance_rollups ORDER BY machine_id, resolution, window_start`,
  twins: `SELECT machine_id, machine_type, status, status_since, last_event_time, twin, source_partition,
                 source_offset FROM machine_twins ORDER BY machine_id`,
};

export type ReadModels = Record<keyof typeof READ_MODELS, Record<string, unknown>[]>;

export async function readModels(analytics: pg.Pool): Promise<ReadModels> {
  return Object.fromEntries(
    await Promise.all(
      Object.entries(READ_MODELS).map(async ([name, sql]) => [name, (await analytics.query(sql)).rows]),
    ),
  ) as ReadModels;
}
