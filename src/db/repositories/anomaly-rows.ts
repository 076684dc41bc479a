// Batched, idempotent writes of anomaly rows: one multi-row INSERT ... SELECT FROM unnest(...) per table and
// batch, skipping rows whose event id is already there (a replay after a crash writes nothing twice).
import type { PoolClient } from 'pg';
import { utcTimestamp } from '../sql-time.js';

export interface AnomalyRow {
  /** Deterministic id of the twin event the row records. */
  readonly eventId: string;
  readonly machineId: string;
  readonly anomalyType: string;
  readonly severity: string;
  /** Event time, epoch ms (stored as UTC in a TIMESTAMP without time zone). */
  readonly timestamp: number;
  readonly sensorData: unknown;
  readonly calculatedMetrics: unknown;
}

export interface AnomalyHistoryRow extends AnomalyRow {
  readonly details: unknown;
}

export interface AnomalyRecordRow extends AnomalyRow {
  readonly algorithmUsed: string;
  readonly mlFeatures?: unknown;
  readonly mlConfidence?: number;
}

const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));

/** The columns both anomaly tables share, as the first seven UNNEST arrays ($1..$7). */
function sharedColumns(rows: readonly AnomalyRow[]): unknown[] {
  return [
    rows.map((row) => row.eventId),
    rows.map((row) => row.machineId),
    rows.map((row) => row.anomalyType),
    rows.map((row) => row.severity),
    rows.map((row) => row.timestamp),
    rows.map((row) => json(row.sensorData)),
    rows.map((row) => json(row.calculatedMetrics)),
  ];
}
const SHARED_UNNEST =
  '$1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::jsonb[], $7::jsonb[]';

/** Inserts the rows not yet present; returns how many were new. */
export async function insertAnomalyHistory(
  client: PoolClient,
  rows: readonly AnomalyHistoryRow[],
): Promise<number> {
  if (rows.length === 0) return 0;
  const result = await client.query(
    `INSERT INTO anomaly_history
       (event_id, machine_id, anomaly_type, severity, timestamp, sensor_data, calculated_metrics, details)
     SELECT e, m, t, s, ${utcTimestamp('ms')}, sd, cm, d
       FROM unnest(${SHARED_UNNEST}, $8::jsonb[]) AS r(e, m, t, s, ms, sd, cm, d)
     ON CONFLICT (event_id) DO NOTHING`,
    [...sharedColumns(rows), rows.map((row) => json(row.details))],
  );
  return result.rowCount ?? 0;
}

/** Inserts the rows not yet present; returns how many were new. */
export async function insertAnomalyRecords(
  client: PoolClient,
  rows: readonly AnomalyRecordRow[],
): Promise<number> {
  if (rows.length === 0) return 0;
  const result = await client.query(
    `INSERT INTO anomaly_records
       (event_id, machine_id, anomaly_type, severity, timestamp, sensor_data, calculated_metrics,
        ml_features, ml_confidence, algorithm_used)
     SELECT e, m, t, s, ${utcTimestamp('ms')}, sd, cm, mf, mc, a
       FROM unnest(${SHARED_UNNEST}, $8::jsonb[], $9::numeric[], $10::text[])
         AS r(e, m, t, s, ms, sd, cm, mf, mc, a)
     ON CONFLICT (event_id) DO NOTHING`,
    [
      ...sharedColumns(rows),
      rows.map((row) => json(row.mlFeatures)),
      rows.map((row) => row.mlConfidence ?? null),
      rows.map((row) => row.algorithmUsed),
    ],
  );
  return result.rowCount ?? 0;
}
