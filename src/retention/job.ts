// One retention run: read what the pipeline still needs, plan every table, then work through each table in
// batches until a batch comes back short. A failing table is reported and the others still run.
import type pg from 'pg';
import {
  planRetention,
  tableDone,
  type RetentionPolicies,
  type RetentionTableName,
  type TablePlan,
} from '../../processors/retention/index.js';
import {
  batchStatement,
  countEligibleRows,
  loadTableColumns,
  runBatch,
} from '../db/repositories/retention.js';
import { oneLine } from '../errors.js';
import type { Logger } from '../logger.js';
import type { RetentionMetrics } from './metrics.js';
import { readWatermarks, type WatermarkSources } from './watermarks.js';

export interface RetentionJobOptions extends WatermarkSources {
  readonly policies: RetentionPolicies;
  readonly batchSize: number;
  /** The instant periods count back from (epoch ms). */
  readonly now: number;
  readonly dryRun: boolean;
  readonly only?: RetentionTableName;
  readonly metrics: RetentionMetrics;
  readonly logger: Logger;
  /** Wall clock, for durations and the last-success gauge only. */
  readonly clock?: () => number;
}

export interface TableSummary {
  readonly table: RetentionTableName;
  readonly database: 'twin' | 'analytics';
  readonly mode: 'ARCHIVE' | 'DELETE';
  readonly action: 'archived' | 'deleted' | 'would_archive' | 'would_delete';
  readonly period: string;
  readonly cutoff: string | null;
  readonly rows: number;
  readonly batches: number;
  readonly durationMs: number;
  readonly note: string | null;
  readonly error?: string;
}

export async function runRetentionJob(options: RetentionJobOptions): Promise<TableSummary[]> {
  const clock = options.clock ?? Date.now;
  const watermarks = await readWatermarks(options).catch((error: unknown) => {
    throw new Error(`cannot read the pipeline's checkpoints: ${reasonOf(error)}`, { cause: error });
  });
  const plans = planRetention({
    policies: options.policies,
    now: options.now,
    watermarks,
    ...(options.only !== undefined && { only: options.only }),
  });
  const summaries: TableSummary[] = [];
  for (const plan of plans) {
    const started = clock();
    const action = actionOf(plan, options.dryRun);
    const summary = (rows: number, batches: number, error?: string): TableSummary => ({
      table: plan.table,
      database: plan.database,
      mode: plan.mode,
      action,
      period: plan.period,
      cutoff: plan.cutoff === null ? null : new Date(plan.cutoff).toISOString(),
      rows,
      batches,
      durationMs: clock() - started,
      note: plan.note,
      ...(error !== undefined && { error }),
    });
    let rows = 0;
    let batches = 0;
    try {
      const pool = plan.database === 'twin' ? options.twin : options.analytics;
      if (plan.cutoff !== null) {
        if (options.dryRun) {
          rows = await countEligibleRows(pool, plan);
        } else {
          const columns = plan.mode === 'ARCHIVE' ? await archiveColumns(pool, plan.table) : [];
          const statement = batchStatement(plan, options.batchSize, columns);
          for (;;) {
            const stopTimer = options.metrics.batchDuration.startTimer({ table: plan.table });
            const moved = await runBatch(pool, statement);
            stopTimer();
            batches += 1;
            rows += moved;
            options.metrics.rows.inc({ table: plan.table, action }, moved);
            if (tableDone(moved, options.batchSize)) break;
          }
        }
      }
      if (!options.dryRun) options.metrics.lastSuccess.set({ table: plan.table }, clock() / 1000);
      const done = summary(rows, batches);
      options.logger.info({ retention: done }, `retention ${plan.table}: ${action} ${rows} row(s)`);
      summaries.push(done);
    } catch (error) {
      // Batches already committed stay committed: a rerun picks up where this one stopped.
      const failed = summary(rows, batches, reasonOf(error));
      options.logger.error({ retention: failed, err: error }, `retention ${plan.table} failed`);
      summaries.push(failed);
    }
  }
  return summaries;
}

/** One line; a missing table (42P01) means the database is not migrated. */
function reasonOf(error: unknown): string {
  const missingTable = (error as { code?: unknown } | null)?.code === '42P01';
  return `${oneLine(error)}${missingTable ? ' (run twin migrate)' : ''}`;
}

function actionOf(plan: TablePlan, dryRun: boolean): TableSummary['action'] {
  if (plan.mode === 'ARCHIVE') return dryRun ? 'would_archive' : 'archived';
  return dryRun ? 'would_delete' : 'deleted';
}

/** The live table's columns, checked against its archive (a migration that adds one must add it to both). */
async function archiveColumns(pool: pg.Pool, table: string): Promise<string[]> {
  const columns = await loadTableColumns(pool, [table, `${table}_archive`]);
  const live = columns.filter((row) => row.table_name === table).map((row) => row.column_name);
  const archived = new Set(columns.filter((row) => row.table_name !== table).map((row) => row.column_name));
  if (live.length === 0) throw new Error(`table ${table} not found: run twin migrate`);
  if (archived.size === 0) throw new Error(`table ${table}_archive not found: run twin migrate`);
  const missing = live.filter((column) => !archived.has(column));
  if (missing.length > 0)
    throw new Error(
      `${table}_archive lacks column(s) ${missing.join(', ')} of ${table}: a migration must add them to the archive too`,
    );
  return live;
}
