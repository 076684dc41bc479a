// The query API's metrics. `route` is the route pattern (/alerts/:alert_id), never the URL a client sent, so
// the label set stays bounded whatever ids and query strings arrive; requests no route matched are 'unmatched'.
import { Counter, Histogram, type Registry } from 'prom-client';

export const UNMATCHED_ROUTE = 'unmatched';

export function createApiMetrics(registry: Registry) {
  const registers = [registry];
  return {
    requests: new Counter({
      name: 'twin_api_requests_total',
      help: 'Query API requests answered, by route pattern, method and status code.',
      labelNames: ['route', 'method', 'status'],
      registers,
    }),
    duration: new Histogram({
      name: 'twin_api_request_duration_seconds',
      help: 'Time to answer a query API request, by route pattern and method.',
      labelNames: ['route', 'method'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
  };
}

export type ApiMetrics = ReturnType<typeof createApiMetrics>;
