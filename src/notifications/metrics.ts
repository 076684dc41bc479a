// The notifier's metrics, in Prometheus naming. Labels are bounded sets (channel types, attempt statuses,
// notification kinds); never alert or machine ids.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type pg from 'pg';
import { countPendingNotifications } from '../db/repositories/notifications.js';

export type NotifierMetrics = ReturnType<typeof createNotifierMetrics>;

export function createNotifierMetrics(registry: Registry, analyticsPool: pg.Pool) {
  const registers = [registry];
  return {
    sent: new Counter({
      name: 'twin_notifications_sent_total',
      help: 'Delivery attempts, by channel (WEBHOOK, SLACK, EMAIL, SMS) and status (DELIVERED, SENT, FAILED).',
      labelNames: ['channel', 'status'],
      registers,
    }),
    delivery: new Histogram({
      name: 'twin_notifications_delivery_seconds',
      help: 'Time one delivery attempt took, by channel (HTTP request and answer, or SMTP session).',
      labelNames: ['channel'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    decided: new Counter({
      name: 'twin_notifications_decided_total',
      help: 'Messages decided into the outbox, by kind (OPEN, REMINDER, ESCALATION, RESOLVED).',
      labelNames: ['kind'],
      registers,
    }),
    pending: new Gauge({
      name: 'twin_notifications_pending',
      help: 'Outbox messages not yet delivered nor given up (read at scrape time).',
      registers,
      async collect() {
        const count = await countPendingNotifications(analyticsPool).catch(() => null);
        if (count !== null) this.set(count);
      },
    }),
    lastPoll: new Gauge({
      name: 'twin_notifier_last_poll_timestamp_seconds',
      help: 'When the notifier last finished a poll (decide and deliver) without error.',
      registers,
    }),
  };
}
