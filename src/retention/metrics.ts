// Retention's metrics, in Prometheus naming. The job is a one-shot: they live in the run's registry, which the
// caller may push (e.g. to a Pushgateway) once the run is over.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export function createRetentionMetrics(registry: Registry) {
  const registers = [registry];
  return {
    rows: new Counter({
      name: 'twin_retention_rows_total',
      help: 'Rows moved out of their live table, by table and action (archived, deleted).',
      labelNames: ['table', 'action'],
      registers,
    }),
    batchDuration: new Histogram({
      name: 'twin_retention_batch_duration_seconds',
      help: 'Duration of one retention batch (one transaction), by table.',
      labelNames: ['table'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    lastSuccess: new Gauge({
      name: 'twin_retention_last_success_timestamp_seconds',
      help: "When a table's retention last finished without error (Unix time).",
      labelNames: ['table'],
      registers,
    }),
  };
}

export type RetentionMetrics = ReturnType<typeof createRetentionMetrics>;
