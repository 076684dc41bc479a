// One-shot jobs (`twin report`, `twin train`, `twin retention`) live too briefly to be scraped: at the end of a
// run they push their metrics to a Prometheus Pushgateway (PUSHGATEWAY_URL), grouped by `job`, which Prometheus
// scrapes with honor_labels. A run pushes with POST (pushAdd), which replaces only the metric names it sends:
// a failed run leaves the last success timestamp of the one before it in place, so "no success for too long"
// can be alerted on. Process and Node.js default metrics are never pushed (they would go stale on the gateway).
import { Gauge, Pushgateway, Registry } from 'prom-client';

export interface JobMetricsRun {
  /** The `job` label and the Pushgateway group: e.g. `report-daily`, `train`, `retention`. */
  readonly job: string;
  /** Where to push; undefined: do nothing. */
  readonly url: string | undefined;
  readonly startedAtMs: number;
  readonly finishedAtMs: number;
  readonly succeeded: boolean;
  /** The job's own metrics; only its `twin_` metrics are pushed beside the job metrics. */
  readonly registry?: Registry;
  readonly timeoutMs?: number;
}

/** The registry a run pushes: twin_job_* for the run, plus the job's own twin_ metrics. */
export function jobMetricsRegistry(run: Omit<JobMetricsRun, 'url'>): Registry {
  const registry = new Registry();
  const registers = [registry];
  const labels = { job: run.job };
  new Gauge({
    name: 'twin_job_duration_seconds',
    help: 'How long the last run of a one-shot job took, successful or not.',
    labelNames: ['job'],
    registers,
  }).set(labels, (run.finishedAtMs - run.startedAtMs) / 1000);
  new Gauge({
    name: run.succeeded
      ? 'twin_job_last_success_timestamp_seconds'
      : 'twin_job_last_failure_timestamp_seconds',
    help: run.succeeded
      ? 'When a one-shot job last finished successfully (Unix time).'
      : 'When a one-shot job last failed (Unix time).',
    labelNames: ['job'],
    registers,
  }).set(labels, run.finishedAtMs / 1000);
  for (const { name } of run.registry?.getMetricsAsArray() ?? []) {
    const metric = name.startsWith('twin_') ? run.registry?.getSingleMetric(name) : undefined;
    if (metric !== undefined) registry.registerMetric(metric);
  }
  return registry;
}

/** Pushes the run's metrics when a URL is set. Never throws: a job's outcome does not depend on its metrics. */
export async function pushJobMetrics(run: JobMetricsRun): Promise<{ pushed: boolean; error?: string }> {
  if (run.url === undefined) return { pushed: false };
  const gateway = new Pushgateway(run.url, { timeout: run.timeoutMs ?? 5_000 }, jobMetricsRegistry(run));
  try {
    await gateway.pushAdd({ jobName: run.job });
    return { pushed: true };
  } catch (error) {
    return { pushed: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Runs a job's body and pushes its metrics afterwards, whether it succeeded or not. The body returns false
 * for a run that finished but failed (e.g. nothing trained); a throw is a failure and is rethrown.
 */
export async function withJobMetrics(
  options: { readonly job: string; readonly url: string | undefined; readonly command: string },
  body: () => Promise<boolean | void | { registry: Registry; succeeded: boolean }>,
): Promise<void> {
  const startedAtMs = Date.now();
  let succeeded = false;
  let registry: Registry | undefined;
  try {
    const outcome = await body();
    if (typeof outcome === 'object') {
      registry = outcome.registry;
      succeeded = outcome.succeeded;
    } else succeeded = outcome !== false;
  } finally {
    const result = await pushJobMetrics({
      job: options.job,
      url: options.url,
      startedAtMs,
      finishedAtMs: Date.now(),
      succeeded,
      ...(registry !== undefined && { registry }),
    });
    if (result.error !== undefined) {
      process.stderr.write(`${options.command}: metrics not pushed to ${options.url}: ${result.error}\n`);
    }
  }
}
