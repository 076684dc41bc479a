// The projector's metrics, in Prometheus naming. Labels are bounded sets (topics, partitions, event types,
// outcomes, alert statuses and severities); never machine ids.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type pg from 'pg';
import { countAlertsByStatusAndSeverity } from '../db/repositories/alert-counts.js';

export function createProjectorMetrics(
  registry: Registry,
  analyticsPool: pg.Pool,
  now: () => number = Date.now,
) {
  const registers = [registry];
  const checkpointTimes = new Map<string, { topic: string; partition: string; at: number }>();
  return {
    events: new Counter({
      name: 'twin_projector_events_total',
      help: 'Twin events consumed, by type and outcome (applied, replayed: already applied, undecodable).',
      labelNames: ['type', 'outcome'],
      registers,
    }),
    readings: new Counter({
      name: 'twin_projector_readings_total',
      help: 'Readings consumed for performance windows, by outcome (applied, duplicate, late, invalid).',
      labelNames: ['outcome'],
      registers,
    }),
    windowCloses: new Counter({
      name: 'twin_projector_window_closes_total',
      help: "Window boundaries passed by each partition's watermark (arrival clock minus the backlog horizon).",
      registers,
    }),
    alertChanges: new Counter({
      name: 'twin_projector_alert_changes_total',
      help: 'Alert changes written, by kind (created, repeated, reopened, escalated, cleared, resolved, action).',
      labelNames: ['kind'],
      registers,
    }),
    alerts: new Gauge({
      name: 'twin_alerts',
      help: 'Alerts in the analytics database, by status and severity (read at scrape time).',
      labelNames: ['status', 'severity'],
      registers,
      async collect() {
        const rows = await countAlertsByStatusAndSeverity(analyticsPool).catch(() => null);
        if (rows === null) return;
        this.reset();
        for (const row of rows) {
          this.set({ status: row.status ?? 'NEW', severity: row.severity }, Number(row.count));
        }
      },
    }),
    lag: new Gauge({
      name: 'twin_projector_consumer_lag_messages',
      help: 'Messages between the last projected offset and the end of the partition.',
      labelNames: ['topic', 'partition'],
      registers,
    }),
    checkpointAge: new Gauge({
      name: 'twin_projector_checkpoint_age_seconds',
      help: 'Seconds since each owned partition last committed a batch (or was claimed).',
      labelNames: ['topic', 'partition'],
      registers,
      collect() {
        this.reset();
        for (const { topic, partition, at } of checkpointTimes.values())
          this.set({ topic, partition }, (now() - at) / 1000);
      },
    }),
    batchDuration: new Histogram({
      name: 'twin_projector_batch_duration_seconds',
      help: 'Time to project and commit one batch, by topic.',
      labelNames: ['topic'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    latency: new Histogram({
      name: 'twin_projector_latency_seconds',
      help: "From an input's event time to the commit of its projection, by topic.",
      labelNames: ['topic'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
    partitionsOwned: new Gauge({
      name: 'twin_projector_partitions_owned',
      help: 'Partitions this member owns, by topic.',
      labelNames: ['topic'],
      registers,
    }),
    databaseErrors: new Counter({
      name: 'twin_projector_database_write_errors_total',
      help: 'Failed batch transactions; the batch is retried.',
      registers,
    }),
    committed(topic: string, partition: number) {
      checkpointTimes.set(`${topic}/${partition}`, { topic, partition: String(partition), at: now() });
    },
    released(topic: string, partition: number) {
      checkpointTimes.delete(`${topic}/${partition}`);
      this.lag.remove({ topic, partition: String(partition) });
    },
  };
}

export type ProjectorMetrics = ReturnType<typeof createProjectorMetrics>;
