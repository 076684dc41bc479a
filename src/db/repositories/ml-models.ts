// ml_models: the stored per-machine-type models of the ML detector. One ACTIVE model per type (a unique
// partial index says so). Statuses: ACTIVE (live), INACTIVE (stored but never made live: below the activation
// gate), ARCHIVED (was live, superseded by a newer one or rolled back). Activating a new model archives the
// previous ACTIVE one in the same transaction, as does a rollback, so a processor polling the table never sees
// two or none in between.
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

export interface InsertedModel {
  readonly modelVersion: string;
  readonly status: 'ACTIVE' | 'INACTIVE';
  /** The version it replaced as ACTIVE (now ARCHIVED), if any; always null for an INACTIVE insert. */
  readonly replaced: string | null;
}

/**
 * Inserts the row as its type's next version (v1, v2, …). `activate`: it becomes the ACTIVE one (activated_at =
 * trainedAt) and the previous ACTIVE one is ARCHIVED (superseded); otherwise it is stored INACTIVE (never
 * activated, activated_at null) and the ACTIVE one stays. One transaction, serialized per type by a
 * transaction-scoped advisory lock.
 */
export async function insertModel(
  pool: pg.Pool,
  model: NewModelRow,
  activate: boolean,
): Promise<InsertedModel> {
  const type = model.machineType;
  return inTransaction(pool, async (client) => {
    await lockType(client, type);
    const versions = await client.query<{ next: number }>(
      `SELECT coalesce(max(substring(model_version FROM '^v([0-9]+)$')::int), 0) + 1 AS next
         FROM ml_models WHERE machine_type = $1`,
      [type],
    );
    const modelVersion = `v${versions.rows[0]!.next}`;
    const retired = activate
      ? await client.query<{ model_version: string }>(
          `UPDATE ml_models SET status = 'ARCHIVED', updated_at = ${utcTimestamp('$2::float8')}
            WHERE machine_type = $1 AND status = 'ACTIVE' RETURNING model_version`,
          [type, model.trainedAt],
        )
      : { rows: [] };
    await client.query(
      `INSERT INTO ml_models
         (model_id, machine_type, model_version, model_name, model_data, training_data_info, training_date,
          accuracy_score, status, created_at, updated_at, activated_at)
       VALUES ($1, $2, $3, $4, $5, $6, ${utcTimestamp('$7::float8')}, $8, $9::varchar, ${utcTimestamp('$7::float8')},
               ${utcTimestamp('$7::float8')}, CASE WHEN $9::varchar = 'ACTIVE' THEN ${utcTimestamp('$7::float8')} END)`,
      [
        model.modelId,
        type,
        modelVersion,
        model.modelName,
        model.modelData,
        JSON.stringify(model.trainingDataInfo),
        model.trainedAt,
        model.accuracyScore.toFixed(4),
        activate ? 'ACTIVE' : 'INACTIVE',
      ],
    );
    return {
      modelVersion,
      status: activate ? 'ACTIVE' : 'INACTIVE',
      replaced: retired.rows[0]?.model_version ?? null,
    };
  });
}

export type RollbackResult =
  | { readonly ok: true; readonly restored: string; readonly archived: string }
  | { readonly ok: false; readonly reason: string };

/**
 * Makes the previous model of a type ACTIVE again and ARCHIVES the ACTIVE one it replaces, in one transaction.
 * The previous model is the newest one older than the ACTIVE one (by id) that went live once (activated_at set,
 * so a model stored INACTIVE by the activation gate is never a target) and was not itself rolled back; the
 * replaced one is marked rolled back (training_data_info.rolledBackAt), so rolling back twice steps back twice.
 * The restored model's activated_at becomes `at` (it is live again from then on).
 */
export async function rollbackModel(pool: pg.Pool, machineType: string, at: number): Promise<RollbackResult> {
  return inTransaction(pool, async (client) => {
    await lockType(client, machineType);
    const active = await client.query<{ id: number; model_version: string }>(
      `SELECT id, model_version FROM ml_models WHERE machine_type = $1 AND status = 'ACTIVE'`,
      [machineType],
    );
    const current = active.rows[0];
    if (current === undefined) return { ok: false, reason: `no ACTIVE model of ${machineType} to roll back` };
    const earlier = await client.query<{ id: number; model_version: string }>(
      `SELECT id, model_version FROM ml_models
        WHERE machine_type = $1 AND id < $2 AND activated_at IS NOT NULL AND model_data IS NOT NULL
          AND (training_data_info IS NULL OR NOT training_data_info ? 'rolledBackAt')
        ORDER BY id DESC LIMIT 1`,
      [machineType, current.id],
    );
    const previous = earlier.rows[0];
    if (previous === undefined) {
      return {
        ok: false,
        reason: `no earlier model of ${machineType} to go back to (${current.model_version} is the first that went live)`,
      };
    }
    await client.query(
      `UPDATE ml_models SET status = 'ARCHIVED', updated_at = ${utcTimestamp('$2::float8')},
              training_data_info = coalesce(training_data_info, '{}'::jsonb) || jsonb_build_object('rolledBackAt', $3::text)
        WHERE id = $1`,
      [current.id, at, new Date(at).toISOString()],
    );
    await client.query(
      `UPDATE ml_models SET status = 'ACTIVE', updated_at = ${utcTimestamp('$2::float8')},
              activated_at = ${utcTimestamp('$2::float8')}
        WHERE id = $1`,
      [previous.id, at],
    );
    return { ok: true, restored: previous.model_version, archived: current.model_version };
  });
}

function lockType(client: pg.PoolClient, machineType: string): Promise<unknown> {
  return client.query(`SELECT pg_advisory_xact_lock(hashtext('ml_models'), hashtext($1))`, [machineType]);
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
