// `twin retention [--dry-run] [--table NAME]`: a one-shot job (a CronJob later) that applies the retention
// periods in short batches while the pipeline keeps writing. Logs one JSON summary line per table and exits
// non-zero, with one line, if any table failed; a rerun finishes what a failed or killed run left.
import type { Registry } from 'prom-client';
import { loadConfig, type Config } from '../config.js';
import { createPool } from '../db/pool.js';
import { createLogger } from '../logger.js';
import { createMetricsRegistry } from '../metrics.js';
import { withJobMetrics } from '../metrics/push-job-metrics.js';
import { checkDatabase } from '../lifecycle/preflight.js';
import { selectTable, type RetentionTableName } from '../../processors/retention/index.js';
import { createRetentionMetrics, runRetentionJob, type TableSummary } from '../retention/index.js';

export interface RetentionOptions {
  readonly dryRun: boolean;
  readonly table?: string | undefined;
}

export async function runRetention(options: RetentionOptions): Promise<void> {
  const config = loadConfig();
  let failed: TableSummary[] = [];
  await withJobMetrics(
    { job: 'retention', url: config.pushgatewayUrl, command: 'twin retention' },
    async () => {
      const { summaries, registry } = await retain(config, options);
      failed = summaries.filter((summary) => summary.error !== undefined);
      return { registry, succeeded: failed.length === 0 };
    },
  );
  if (failed.length > 0) {
    throw new Error(
      `${failed.length} table(s) failed (${failed.map((s) => `${s.table}: ${s.error}`).join('; ')}); rerun to finish`,
    );
  }
}

/**
 * Runs retention once. The metrics stay in the returned registry (rows per table and action, batch
 * durations, last success per table) for whoever wants to push them.
 */
export async function retain(
  config: Config,
  options: RetentionOptions & { readonly now?: number },
): Promise<{ summaries: TableSummary[]; registry: Registry }> {
  let only: RetentionTableName | undefined;
  if (options.table !== undefined) {
    const selected = selectTable(options.table);
    if (!selected.ok) throw new Error(selected.message);
    only = selected.table;
  }
  const logger = createLogger({ name: 'twin-retention', level: config.logLevel });
  const registry = createMetricsRegistry('retention');
  const metrics = createRetentionMetrics(registry);
  const budget = config.startupTimeoutMs;
  await Promise.all([
    checkDatabase('twin', config.databases.twinUrl, budget),
    checkDatabase('analytics', config.databases.analyticsUrl, budget),
  ]);
  // One batch at a time: two connections are all the job needs.
  const twin = createPool(config.databases.twinUrl, { max: 2, applicationName: 'twin-retention' });
  const analytics = createPool(config.databases.analyticsUrl, { max: 2, applicationName: 'twin-retention' });
  for (const pool of [twin, analytics]) pool.on('error', () => undefined);
  try {
    const summaries = await runRetentionJob({
      twin,
      analytics,
      processorGroup: config.processor.groupId,
      projectorGroup: config.projector.groupId,
      readingsTopic: config.topics.readings,
      windowGraceMs: config.projector.windowGraceMs,
      policies: config.retention.policies,
      batchSize: config.retention.batchSize,
      now: options.now ?? Date.now(),
      dryRun: options.dryRun,
      ...(only !== undefined && { only }),
      metrics,
      logger,
    });
    return { summaries, registry };
  } finally {
    await Promise.allSettled([twin.end(), analytics.end()]);
  }
}
