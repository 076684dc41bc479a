// Every metric name the Twinstream processes expose, read from the same factories the processes call (no
// scrape, no database: the scrape-time gauges are listed, not collected). Histograms and summaries expand to
// the series names Prometheus stores (_bucket, _sum, _count). Used to check that dashboards and alert rules
// only ask for metrics that exist.
import { readFileSync } from 'node:fs';
import pg from 'pg';
import type { Registry } from 'prom-client';
import { createApiMetrics } from '../../src/api/metrics.js';
import { createMetricsRegistry } from '../../src/metrics.js';
import { jobMetricsRegistry } from '../../src/metrics/push-job-metrics.js';
import { createNotifierMetrics } from '../../src/notifications/metrics.js';
import { createRetentionMetrics } from '../../src/retention/metrics.js';
import { createProcessorMetrics } from '../../src/processor/processor-metrics.js';
import { createProjectorMetrics } from '../../src/projector/projector-metrics.js';

function seriesNames(registry: Registry): string[] {
  return registry.getMetricsAsArray().flatMap((metric) => {
    const type = (metric as unknown as { type: string }).type;
    if (type === 'histogram') return [`${metric.name}_bucket`, `${metric.name}_sum`, `${metric.name}_count`];
    if (type === 'summary') return [metric.name, `${metric.name}_sum`, `${metric.name}_count`];
    return [metric.name];
  });
}

/** Metric (series) names by process. */
export function metricCatalogue(): Record<string, Set<string>> {
  // Never connected: the scrape-time gauges only use it when collected.
  const pool = new pg.Pool({ connectionString: 'postgres://unused@127.0.0.1:1/unused' });
  const registries: Record<string, Registry> = {};
  const build = (service: string, register: (registry: Registry) => unknown) => {
    const registry = createMetricsRegistry(service);
    register(registry);
    registries[service] = registry;
  };
  build('processor', (registry) => createProcessorMetrics(registry));
  build('projector', (registry) => createProjectorMetrics(registry, pool));
  build('api', (registry) => createApiMetrics(registry));
  build('notifier', (registry) => createNotifierMetrics(registry, pool));
  build('retention', (registry) => createRetentionMetrics(registry));
  const jobs = ['failure', 'success'].map((outcome) =>
    jobMetricsRegistry({ job: 'any', startedAtMs: 0, finishedAtMs: 1, succeeded: outcome === 'success' }),
  );
  const catalogue = Object.fromEntries(
    Object.entries(registries).map(([service, registry]) => [service, new Set(seriesNames(registry))]),
  );
  catalogue.pushgateway = new Set(jobs.flatMap(seriesNames));
  void pool.end();
  return catalogue;
}

/** Every name in the catalogue, whatever the process. */
export function allMetricNames(): Set<string> {
  return new Set(Object.values(metricCatalogue()).flatMap((names) => [...names]));
}

const PROMQL_WORDS = new Set([
  'sum',
  'avg',
  'min',
  'max',
  'count',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'rate',
  'irate',
  'increase',
  'delta',
  'deriv',
  'histogram_quantile',
  'time',
  'le',
  'bool',
  'offset',
  'topk',
  'bottomk',
  'abs',
  'clamp_min',
  'clamp_max',
  'label_replace',
  'vector',
  'scalar',
  'absent',
  'max_over_time',
  'min_over_time',
  'avg_over_time',
  'changes',
  'resets',
  'sort',
  'sort_desc',
  'quantile',
]);

/**
 * The metric names a PromQL expression reads: identifiers that are not functions, keywords, label names (in
 * braces or by/without/on lists), strings, durations or Grafana variables.
 */
export function metricNamesIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '{}')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '$1()')
    .replace(/\[[^\]]*\]/g, '[]')
    .replace(/\$\{?\w+\}?/g, '');
  const names = stripped.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? [];
  return [...new Set(names.filter((name) => !PROMQL_WORDS.has(name) && !/^\d/.test(name)))];
}

/** Every query of monitoring/grafana-dashboard.json, with its panel's title. */
export function dashboardExpressions(): Array<{ panel: string; expr: string }> {
  const file = new URL('../../monitoring/grafana-dashboard.json', import.meta.url);
  const dashboard = JSON.parse(readFileSync(file, 'utf8')) as {
    panels: Array<{ title: string; targets?: Array<{ expr: string }> }>;
  };
  return dashboard.panels.flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr })),
  );
}
