// The SQL of one table's retention: which rows are eligible (the plan's rule as a WHERE clause), and one batch
// as one statement: lock up to n eligible rows (SKIP LOCKED: rows a writer holds are left for the next run),
// delete them and, in ARCHIVE mode, insert exactly the deleted rows into the archive, columns named. A batch
// commits whole or not at all, so after kill -9 every row is in exactly one of live and archive.
import pg from 'pg';
import type { TablePlan } from '../../processors/retention/index.js';
import { utcTimestamp } from '../db/sql-time.js';

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
export function countEligible(plan: TablePlan): BatchStatement {
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
