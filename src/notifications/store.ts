// What the notifier writes, in its own terms: decided intents rendered into outbox rows, and each attempt with
// the details an operator reads in notification_logs. The SQL is in src/db/repositories/notifications.ts.
import type pg from 'pg';
import {
  renderNotification,
  truncate,
  type AttemptResult,
  type NotificationIntent,
} from '../../processors/notifications/index.js';
import {
  insertOutboxRows,
  saveAttempt,
  type AttemptFollowUp,
  type ClaimedNotification,
  type NewOutboxRow,
} from '../db/repositories/notifications.js';

/** Writes each intent, rendered, as a PENDING outbox row due now. A key already there is left alone. */
export async function enqueueNotifications(
  client: pg.PoolClient,
  intents: readonly NotificationIntent[],
  now: number,
): Promise<number> {
  return insertOutboxRows(client, intents.map(outboxRowOf), now);
}

function outboxRowOf(intent: NotificationIntent): NewOutboxRow {
  const rendered = renderNotification(intent);
  return {
    key: intent.key,
    routeId: intent.routeId,
    contactIndex: intent.contactIndex,
    contactName: truncate(intent.contact.name, 100),
    kind: intent.kind,
    notificationType: rendered.notificationType,
    recipient: truncate(rendered.recipient, 100),
    target: intent.contact,
    alertIds: intent.alerts.map((a) => a.alertId),
    subject: rendered.subject,
    content: rendered.text,
    payload: rendered.payload,
  };
}

/**
 * Records one finished attempt (a notification_logs row per alert, and the outbox row's follow-up while this
 * owner still holds the lease). Returns whether the lease was still held.
 */
export async function recordAttempt(
  client: pg.PoolClient,
  owner: string,
  claimed: ClaimedNotification,
  attempt: {
    startedAt: number;
    finishedAt: number;
    status: AttemptResult;
    details: Readonly<Record<string, unknown>>;
    error: string | null;
    followUp: AttemptFollowUp;
  },
): Promise<boolean> {
  const details = {
    ...attempt.details,
    notificationKey: claimed.key,
    attempt: claimed.attempt,
    route: claimed.routeId,
    contact: claimed.contactName,
    kind: claimed.kind,
    alertIds: claimed.alertIds,
    durationMs: attempt.finishedAt - attempt.startedAt,
  };
  return saveAttempt(client, owner, claimed, { ...attempt, details });
}
