// One prom-client registry per process, injected into whatever records metrics (never the global default),
// so tests can build a fresh one and a process exposes exactly what it owns.
import { Registry, collectDefaultMetrics } from 'prom-client';

/**
 * prom-client's default metrics include three gauges named like counters (`_total`), which `promtool check
 * metrics` rejects. Each is the sum of its per-type sibling (`nodejs_active_handles{type}` and so on), so
 * nothing is lost by leaving them out: `sum(nodejs_active_handles)` gives the same figure.
 */
const GAUGES_NAMED_LIKE_COUNTERS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  for (const name of GAUGES_NAMED_LIKE_COUNTERS) registry.removeSingleMetric(name);
  return registry;
}
