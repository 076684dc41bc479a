// A maintenance report's inputs: each machine's rows of the period (src/db/repositories/reports.ts reads them)
// gathered into the MachineInput the pure report code assesses, alerts with their transitions.
import type pg from 'pg';
import type {
  AlertFacts,
  AnomalyTally,
  MachineInput,
  MetricPoint,
  ReportPeriod,
} from '../../processors/reports/index.js';
import { loadReportRecords, type ReportMachine } from '../db/repositories/reports.js';

const numberOrNull = (value: string | number | null): number | null =>
  value === null ? null : Number(value);

/** The inputs of these machines, in the given order. */
export async function loadMachineInputs(
  pool: pg.Pool,
  period: ReportPeriod,
  machines: readonly ReportMachine[],
): Promise<MachineInput[]> {
  const { metrics, anomalies, alerts } = await loadReportRecords(
    pool,
    period,
    machines.map((machine) => machine.machineId),
  );

  const inputs = new Map(
    machines.map((machine) => [
      machine.machineId,
      {
        ...machine,
        daily: [] as MetricPoint[],
        hourly: [] as MetricPoint[],
        anomalies: [] as AnomalyTally[],
        alerts: [] as AlertFacts[],
      },
    ]),
  );
  for (const row of metrics) {
    const input = inputs.get(row.machine_id);
    const point: MetricPoint = {
      start: row.start_ms,
      uptimePercentage: numberOrNull(row.uptime_percentage),
      efficiencyRating: numberOrNull(row.efficiency_rating),
      averageTemperature: numberOrNull(row.average_temperature),
      averageVibration: numberOrNull(row.average_vibration),
      averageLoad: numberOrNull(row.average_load),
      anomalyCount: row.anomaly_count,
    };
    if (row.resolution === 'P1D') input?.daily.push(point);
    else input?.hourly.push(point);
  }
  for (const row of anomalies) {
    inputs.get(row.machine_id)?.anomalies.push({
      anomalyType: row.anomaly_type,
      severity: row.severity,
      count: row.count,
      first: row.first_ms,
      last: row.last_ms,
      peakValue: row.peak_value,
    });
  }
  for (const row of alerts) {
    const details = row.details ?? {};
    inputs.get(row.machine_id)?.alerts.push({
      alertId: row.alert_id,
      alertType: row.alert_type,
      severity: row.severity,
      openedAt: row.opened_ms,
      raisedAt: typeof details.raisedAt === 'number' ? details.raisedAt : (row.raised_ms ?? row.opened_ms),
      flapping: details.flapping === true,
      transitions: transitionsOf(details.transitions),
    });
  }
  return [...inputs.values()];
}

/** details.transitions as the projector writes them; anything malformed is skipped, not trusted. */
function transitionsOf(value: unknown): AlertFacts['transitions'] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry: unknown) => {
    if (typeof entry !== 'object' || entry === null) return [];
    const { action, at, to } = entry as Record<string, unknown>;
    return typeof action === 'string' && typeof at === 'number' && typeof to === 'string'
      ? [{ action, at, to }]
      : [];
  });
}
