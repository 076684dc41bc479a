// Retention's SQL. One table's rule becomes a WHERE clause, and one batch one statement: lock up to n eligible
// rows (SKIP LOCKED: rows a writer holds are left for the next run), delete them and, in ARCHIVE mode, insert
// exactly the deleted rows into the archive, columns named. A batch commits whole or not at all, so after
// kill -9 every row is in exactly one of live and archive. Also the pipeline's positions retention respects.
import pg from 'pg';
import type { TablePlan } from '../../../processors/retention/index.js';
import { epochMs, utcTimestamp } from '../sql-time.js';
import { inTransaction } from '../transaction.js';

/** A statement with its values, built once per table and run batch after batch. */
export interface BatchStatement {
  readonly text: string;
  readonly values: unknown[];
}

const id = (name: string) => pg.escapeIdentifier(name);

/** The key a table's rows are locked and deleted by (performance_windows has no id). */
function keyOf(plan: TablePlan): string[] {
  return plan.table === 'performance_windows' ? ['machine_id', 'window_start'] : ['id'];
}

/** Binds values to $1, $2, … in the order they are asked for. */
function parameters() {
  const values: unknown[] = [];
  const bind = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  return { values, bind };
}

/** The rule as a WHERE clause over the table aliased `r`. */
function eligible(plan: TablePlan, bind: (value: unknown) => string): string {
  const t = id(plan.table);
  const olderThanCutoff = `${plan.ageOf} < ${utcTimestamp(`${bind(cutoffOf(plan))}::bigint`)}`;
  switch (plan.rule) {
    case 'by-time':
    case 'final-days':
      return olderThanCutoff;
    case 'replayable': {
      // Rows without an event id (imported, seed) are never written again by a replay.
      if (plan.replay.kind === 'none') return olderThanCutoff;
      if (plan.replay.kind === 'hold') return `${olderThanCutoff} AND r.event_id IS NULL`;
      // created_at and the checkpoints' snapshot_time are both CURRENT_TIMESTAMP in the server's zone, and
      // the guard travels as that raw value (epoch of the TIMESTAMP read as UTC and back): no zone shift.
      return `${olderThanCutoff} AND (r.event_id IS NULL OR r.created_at < ${utcTimestamp(`${bind(plan.replay.at)}::float8`)})`;
    }
    case 'resolved-alerts':
      // Never the pair's latest alert (the order loadAlertBook calls latest): a flapping reopen needs it live.
      return `r.status = 'RESOLVED' AND ${olderThanCutoff}
        AND EXISTS (SELECT 1 FROM ${t} later
                     WHERE later.machine_id = r.machine_id AND later.alert_type = r.alert_type
                       AND (later.timestamp, later.id) > (r.timestamp, r.id))`;
    case 'superseded-snapshots':
      // Recovery reads the snapshot its checkpoint names (any consumer group's), so those stay whatever
      // their age; and a partition's (or, for rows without a source, a machine's) newest snapshot stays too.
      return `${olderThanCutoff}
        AND NOT EXISTS (SELECT 1 FROM processor_checkpoints c
                         WHERE c.topic = r.source_topic AND c.partition = r.source_partition
                           AND c.snapshot_offset = r.source_offset)
        AND CASE WHEN r.source_topic IS NULL
              THEN EXISTS (SELECT 1 FROM ${t} newer
                            WHERE newer.machine_id = r.machine_id
                              AND (newer.snapshot_time, newer.id) > (r.snapshot_time, r.id))
              ELSE EXISTS (SELECT 1 FROM ${t} newer
                            WHERE newer.source_topic = r.source_topic
                              AND newer.source_partition = r.source_partition
                              AND newer.source_offset > r.source_offset)
            END`;
  }
}

function cutoffOf(plan: TablePlan): number {
  if (plan.cutoff === null) throw new Error(`${plan.table}: no cutoff this run`);
  return plan.cutoff;
}

/** How many rows a batch run would take now (the dry run). */
function countEligible(plan: TablePlan): BatchStatement {
  const { values, bind } = parameters();
  return {
    text: `SELECT count(*)::bigint AS n FROM ${id(plan.table)} r WHERE ${eligible(plan, bind)}`,
    values,
  };
}

/**
 * One batch. `columns` are the live table's columns (all of them must exist in the archive); the archive's
 * archived_at takes its default.
 */
export function batchStatement(
  plan: TablePlan,
  batchSize: number,
  columns: readonly string[],
): BatchStatement {
  const { values, bind } = parameters();
  const where = eligible(plan, bind);
  const t = id(plan.table);
  const key = keyOf(plan).map(id).join(', ');
  const rKey = keyOf(plan)
    .map((column) => `r.${id(column)}`)
    .join(', ');
  const batch = `SELECT ${rKey} FROM ${t} r WHERE ${where}
                  ORDER BY ${rKey} LIMIT ${bind(batchSize)}::int FOR UPDATE OF r SKIP LOCKED`;
  if (plan.mode === 'DELETE') {
    return { text: `DELETE FROM ${t} WHERE (${key}) IN (${batch})`, values };
  }
  const list = columns.map(id).join(', ');
  return {
    text: `WITH batch AS (${batch}),
           moved AS (DELETE FROM ${t} WHERE (${key}) IN (SELECT ${key} FROM batch) RETURNING ${list})
           INSERT INTO ${id(`${plan.table}_archive`)} (${list}) SELECT ${list} FROM moved`,
    values,
  };
}

export async function countEligibleRows(pool: pg.Pool, plan: TablePlan): Promise<number> {
  const statement = countEligible(plan);
  const result = await pool.query<{ n: string }>(statement.text, statement.values);
  return Number(result.rows[0]?.n ?? 0);
}

// A batch is a short transaction: it never waits long for a lock (a rebuild's TRUNCATE, a migration).
const BATCH_SETTINGS = ["SET LOCAL lock_timeout = '5s'", "SET LOCAL statement_timeout = '120s'"];

/** Runs one batch in its own transaction; returns how many rows it deleted or archived. */
export async function runBatch(pool: pg.Pool, statement: BatchStatement): Promise<number> {
  return inTransaction(pool, async (client) => {
    for (const setting of BATCH_SETTINGS) await client.query(setting);
    return (await client.query(statement.text, statement.values)).rowCount ?? 0;
  });
}

/** A column of a table, from information_schema. */
export interface ColumnRecord {
  table_name: string;
  column_name: string;
}

/** The columns of these tables in the current schema, in column order. */
export async function loadTableColumns(pool: pg.Pool, tables: readonly string[]): Promise<ColumnRecord[]> {
  const result = await pool.query<ColumnRecord>(
    `SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = ANY($1::text[])
      ORDER BY ordinal_position`,
    [tables],
  );
  return result.rows;
}

/** How far a projector group's partitions of a topic have got in stream time. */
export interface ProjectorProgress {
  readonly partitions: number;
  /** Partitions with a stream time. */
  readonly timed: number;
  /** The slowest stream time (epoch ms), null when none has one. */
  readonly slowest: number | null;
}

export async function loadProjectorProgress(
  pool: pg.Pool,
  consumerGroup: string,
  topic: string,
): Promise<ProjectorProgress> {
  const result = await pool.query<{ partitions: string; timed: string; slowest: string | null }>(
    `SELECT count(*) AS partitions, count(stream_time) AS timed, min(stream_time) AS slowest
       FROM projector_checkpoints WHERE consumer_group = $1 AND topic = $2`,
    [consumerGroup, topic],
  );
  const row = result.rows[0];
  return {
    partitions: Number(row?.partitions ?? 0),
    timed: Number(row?.timed ?? 0),
    slowest: row === undefined || row.slowest === null ? null : Number(row.slowest),
  };
}

/** How far a processor group's partitions of a topic are covered by snapshots. */
export interface SnapshotProgress {
  readonly partitions: number;
  /** Partitions with a snapshot. */
  readonly snapshotted: number;
  /** The oldest snapshot's time (the raw TIMESTAMP read as UTC epoch ms), null when none has one. */
  readonly oldest: number | null;
}

export async function loadSnapshotProgress(
  pool: pg.Pool,
  consumerGroup: string,
  topic: string,
): Promise<SnapshotProgress> {
  const result = await pool.query<{ partitions: string; snapshotted: string; oldest: number | null }>(
    `SELECT count(*) AS partitions, count(snapshot_offset) AS snapshotted,
            min(${epochMs('snapshot_time')}) AS oldest
       FROM processor_checkpoints WHERE consumer_group = $1 AND topic = $2`,
    [consumerGroup, topic],
  );
  const row = result.rows[0];
  return {
    partitions: Number(row?.partitions ?? 0),
    snapshotted: Number(row?.snapshotted ?? 0),
    oldest: row?.oldest ?? null,
  };
}
