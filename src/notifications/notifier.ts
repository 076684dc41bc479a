// The notifier's loop. Every poll:
//  1. decide — in one transaction holding the decision lock (one replica at a time): read the alerts to
//     watch and the route states, run the pure decision, write the new states and the outbox rows together.
//     A crash before COMMIT leaves nothing; after it, every decided message is in the outbox.
//  2. deliver — claim due outbox rows with a lease (SKIP LOCKED, so replicas share the work), send each with
//     its notification key as idempotency key, and record the attempt (notification_logs) and its follow-up
//     (done, retry after a backoff, or given up) in one transaction. A send whose owner died is claimed again
//     once its lease runs out and re-sent with the same key.
import type pg from 'pg';
import {
  afterAttempt,
  decideNotifications,
  type NotificationRoutes,
} from '../../processors/notifications/index.js';
import {
  claimDueNotifications,
  loadAlertsToWatch,
  loadRouteStates,
  saveRouteStates,
  tryLockDecisions,
  type ClaimedNotification,
} from '../db/repositories/notifications.js';
import { inTransaction } from '../db/transaction.js';
import type { Logger } from '../logger.js';
import type { Channels } from './channels.js';
import type { NotifierMetrics } from './metrics.js';
import { enqueueNotifications, recordAttempt } from './store.js';

export interface NotifierOptions {
  readonly pool: pg.Pool;
  readonly routes: NotificationRoutes;
  readonly channels: Channels;
  readonly metrics: NotifierMetrics;
  readonly logger: Logger;
  /** This replica's name in leases. */
  readonly owner: string;
  readonly pollMs: number;
  readonly leaseMs: number;
  readonly concurrency: number;
  readonly now: () => number;
}

export class Notifier {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: NotifierOptions) {}

  start(): void {
    this.schedule(0);
  }

  /** Stops polling and waits for the poll in progress (its sends finish within their timeout). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One poll: decide, then deliver what is due. Exposed for tests that drive the loop themselves. */
  async poll(): Promise<void> {
    await this.decide();
    // Keep delivering while whole batches come back: a backlog drains without waiting for the next poll.
    while ((await this.deliverDue()) === this.options.concurrency && !this.stopped);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.poll().then(
        () => {
          this.options.metrics.lastPoll.set(this.options.now() / 1000);
        },
        (error: unknown) => this.options.logger.warn({ err: error }, 'notifier poll failed; will retry'),
      );
      void this.running.finally(() => this.schedule(this.options.pollMs));
    }, delayMs);
  }

  private async decide(): Promise<void> {
    const { pool, routes, metrics, logger } = this.options;
    const decided = await inTransaction(pool, async (client) => {
      if (!(await tryLockDecisions(client))) return null; // another replica is deciding right now
      const now = this.options.now();
      const alerts = await loadAlertsToWatch(client);
      const states = await loadRouteStates(
        client,
        alerts.map((a) => a.alertId),
      );
      const decision = decideNotifications({ now, routes: routes.routes, alerts, states });
      await saveRouteStates(client, decision.states, decision.dropped, now);
      await enqueueNotifications(client, decision.intents, now);
      return decision;
    });
    if (decided === null) return;
    for (const intent of decided.intents) {
      metrics.decided.inc({ kind: intent.kind });
      logger.info(
        {
          key: intent.key,
          route: intent.routeId,
          contact: intent.contact.name,
          alerts: intent.alerts.length,
        },
        `notification decided: ${intent.kind}`,
      );
    }
  }

  /** Claims and sends one batch; returns how many were claimed. */
  private async deliverDue(): Promise<number> {
    const { pool, owner, leaseMs, concurrency, now } = this.options;
    const claimed = await claimDueNotifications(pool, owner, now(), leaseMs, concurrency);
    await Promise.all(claimed.map((notification) => this.deliver(notification)));
    return claimed.length;
  }

  private async deliver(claimed: ClaimedNotification): Promise<void> {
    const { pool, channels, metrics, logger, owner, routes, now } = this.options;
    const startedAt = now();
    const outcome = await channels.send(claimed);
    const finishedAt = now();
    const followUp = afterAttempt(routes.delivery, claimed.attempt, outcome, finishedAt);
    metrics.sent.inc({ channel: claimed.notificationType, status: outcome.status });
    metrics.delivery.observe({ channel: claimed.notificationType }, (finishedAt - startedAt) / 1000);
    const held = await inTransaction(pool, (client) =>
      recordAttempt(client, owner, claimed, { startedAt, finishedAt, ...outcome, followUp }),
    );
    const log = { key: claimed.key, attempt: claimed.attempt, status: outcome.status, error: outcome.error };
    if (!held) logger.warn(log, 'lease lost while sending; another replica owns this notification now');
    else if (outcome.status === 'FAILED' && followUp.final) logger.error(log, 'notification given up');
    else if (outcome.status === 'FAILED') logger.warn(log, 'notification attempt failed; will retry');
    else logger.info(log, 'notification sent');
  }
}
