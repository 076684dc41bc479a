// ml_models: the stored per-machine-type models of the ML detector. One ACTIVE model per type (a unique
// partial index says so); activating a new one retires the previous ACTIVE one to INACTIVE in the same
// transaction, so a processor polling the table never sees two or none in between.
import type pg from 'pg';
import { epochMs, utcTimestamp } from '../sql-time.js';
import { inTransaction } from '../transaction.js';

export interface ActiveModelRow {
  readonly modelId: string;
  readonly machineType: string;
  readonly modelVersion: string;
  readonly modelData: Buffer;
}

/** The ACTIVE model row of every machine type. */
export async function loadActiveModelRows(pool: pg.Pool): Promise<ActiveModelRow[]> {
  const result = await pool.query<{
    model_id: string;
    machine_type: string;
    model_version: string;
    model_data: Buffer | null;
  }>(
    `SELECT model_id, machine_type, model_version, model_data FROM ml_models
      WHERE status = 'ACTIVE' AND model_data IS NOT NULL ORDER BY machine_type`,
  );
  return result.rows.map((row) => ({
    modelId: row.model_id,
    machineType: row.machine_type,
    modelVersion: row.model_version,
    modelData: row.model_data!,
  }));
}

/** A fitted model as its ml_models row holds it (the version is given at insert). */
export interface NewModelRow {
  readonly modelId: string;
  readonly machineType: string;
  readonly modelName: string;
  readonly modelData: Buffer;
  readonly trainingDataInfo: unknown;
  /** 0..1, stored with four decimals. */
  readonly accuracyScore: number;
  /** Epoch ms: training_date, created_at, updated_at and activated_at. */
  readonly trainedAt: number;
}

export interface ActivatedModel {
  readonly modelVersion: string;
  /** The version it replaced as ACTIVE, if any. */
  readonly replaced: string | null;
}

/**
 * Inserts the row as its type's next version (v1, v2, …) and makes it the ACTIVE one; the previous ACTIVE one
 * becomes INACTIVE, all in one transaction (serialized per type by a transaction-scoped advisory lock).
 */
export async function insertActiveModel(pool: pg.Pool, model: NewModelRow): Promise<ActivatedModel> {
  const type = model.machineType;
  return inTransaction(pool, async (client) => {
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('ml_models'), hashtext($1))`, [type]);
    const versions = await client.query<{ next: number }>(
      `SELECT coalesce(max(substring(model_version FROM '^v([0-9]+)$')::int), 0) + 1 AS next
         FROM ml_models WHERE machine_type = $1`,
      [type],
    );
    const modelVersion = `v${versions.rows[0]!.next}`;
    const retired = await client.query<{ model_version: string }>(
      `UPDATE ml_models SET status = 'INACTIVE', updated_at = ${utcTimestamp('$2::float8')}
        WHERE machine_type = $1 AND status = 'ACTIVE' RETURNING model_version`,
      [type, model.trainedAt],
    );
    await client.query(
      `INSERT INTO ml_models
         (model_id, machine_type, model_version, model_name, model_data, training_data_info, training_date,
          accuracy_score, status, created_at, updated_at, activated_at)
       VALUES ($1, $2, $3, $4, $5, $6, ${utcTimestamp('$7::float8')}, $8, 'ACTIVE', ${utcTimestamp('$7::float8')},
               ${utcTimestamp('$7::float8')}, ${utcTimestamp('$7::float8')})`,
      [
        model.modelId,
        type,
        modelVersion,
        model.modelName,
        model.modelData,
        JSON.stringify(model.trainingDataInfo),
        model.trainedAt,
        model.accuracyScore.toFixed(4),
      ],
    );
    return { modelVersion, replaced: retired.rows[0]?.model_version ?? null };
  });
}

/** Models of a type, newest first (for `twin train`'s report and tests). */
export async function listModels(
  pool: pg.Pool,
  machineType: string,
): Promise<Array<{ modelVersion: string; status: string; activatedAt: number | null }>> {
  const result = await pool.query<{ model_version: string; status: string; activated_at: number | null }>(
    `SELECT model_version, status, ${epochMs('activated_at')} AS activated_at FROM ml_models
      WHERE machine_type = $1 ORDER BY id DESC`,
    [machineType],
  );
  return result.rows.map((row) => ({
    modelVersion: row.model_version,
    status: row.status,
    activatedAt: row.activated_at,
  }));
}
