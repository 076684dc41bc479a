// One prom-client registry per process, injected into whatever records metrics (never the global default),
// so tests can build a fresh one and a process exposes exactly what it owns.
import { Registry, collectDefaultMetrics } from 'prom-client';

export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}
