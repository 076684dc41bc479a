// The notifier's durable state in the analytics database: the route states and the outbox it decides into,
// the alerts it decides from, leases on sends, and every attempt in notification_logs.
import type pg from 'pg';
import {
  alertView,
  type AlertView,
  type AttemptResult,
  type Contact,
  type RouteAlertState,
} from '../../../processors/notifications/index.js';
import { epochMs, utcTimestamp } from '../sql-time.js';
import { ALERT_COLUMNS, alertFromRecord, type AlertRecord } from './alerts.js';

/** Only one replica decides at a time: a transaction-scoped advisory lock ('twinnot' in ASCII). */
const DECIDE_LOCK = 0x7477696e6e6f74;

export async function tryLockDecisions(client: pg.PoolClient): Promise<boolean> {
  const result = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS locked', [
    DECIDE_LOCK,
  ]);
  return result.rows[0]?.locked === true;
}

/** Every alert not RESOLVED, and every alert a route still has something to say about, with machine types. */
export async function loadAlertsToWatch(client: pg.PoolClient): Promise<AlertView[]> {
  const result = await client.query<AlertRecord & { machine_type: string | null }>(
    `SELECT x.*, t.machine_type
       FROM (SELECT ${ALERT_COLUMNS} FROM alerts
              WHERE status IS DISTINCT FROM 'RESOLVED'
                 OR alert_id IN (SELECT alert_id FROM notification_route_states WHERE NOT done)) x
       LEFT JOIN machine_twins t USING (machine_id)`,
  );
  return result.rows.map((row) => alertView(alertFromRecord(row), row.machine_type));
}

/** A notification_route_states row, times as epoch ms. */
interface RouteStateRecord {
  route_id: string;
  alert_id: string;
  episode_start_ms: number;
  first_seen_at_ms: number;
  open_notified_at_ms: number | null;
  last_notified_at_ms: number | null;
  level: number;
  reminders: number;
  done: boolean;
}

/** The states of these alerts, and every live state (whose alert may be gone). */
export async function loadRouteStates(
  client: pg.PoolClient,
  alertIds: readonly string[],
): Promise<RouteAlertState[]> {
  const result = await client.query<RouteStateRecord>(
    `SELECT route_id, alert_id, ${epochMs('episode_start')} AS episode_start_ms,
            ${epochMs('first_seen_at')} AS first_seen_at_ms, ${epochMs('open_notified_at')} AS open_notified_at_ms,
            ${epochMs('last_notified_at')} AS last_notified_at_ms, level, reminders, done
       FROM notification_route_states WHERE alert_id = ANY($1::text[]) OR NOT done`,
    [alertIds],
  );
  return result.rows.map((row) => ({
    routeId: row.route_id,
    alertId: row.alert_id,
    episodeStart: row.episode_start_ms,
    firstSeenAt: row.first_seen_at_ms,
    openNotifiedAt: row.open_notified_at_ms,
    lastNotifiedAt: row.last_notified_at_ms,
    level: row.level,
    reminders: row.reminders,
    done: row.done,
  }));
}

export async function saveRouteStates(
  client: pg.PoolClient,
  states: readonly RouteAlertState[],
  dropped: readonly { routeId: string; alertId: string }[],
  now: number,
): Promise<void> {
  if (dropped.length > 0) {
    await client.query(
      `DELETE FROM notification_route_states s USING unnest($1::text[], $2::text[]) AS d(r, a)
        WHERE s.route_id = d.r AND s.alert_id = d.a`,
      [dropped.map((d) => d.routeId), dropped.map((d) => d.alertId)],
    );
  }
  if (states.length === 0) return;
  await client.query(
    `INSERT INTO notification_route_states (route_id, alert_id, episode_start, first_seen_at, open_notified_at,
                                            last_notified_at, level, reminders, done, updated_at)
     SELECT r, a, ${utcTimestamp('ep')}, ${utcTimestamp('fs')}, ${utcTimestamp('op')}, ${utcTimestamp('ln')},
            lv, rm, dn, ${utcTimestamp('$10::bigint')}
       FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::int[],
                   $8::int[], $9::boolean[]) AS s(r, a, ep, fs, op, ln, lv, rm, dn)
     ON CONFLICT (route_id, alert_id) DO UPDATE SET
       episode_start = EXCLUDED.episode_start, first_seen_at = EXCLUDED.first_seen_at,
       open_notified_at = EXCLUDED.open_notified_at, last_notified_at = EXCLUDED.last_notified_at,
       level = EXCLUDED.level, reminders = EXCLUDED.reminders, done = EXCLUDED.done,
       updated_at = EXCLUDED.updated_at`,
    [
      states.map((s) => s.routeId),
      states.map((s) => s.alertId),
      states.map((s) => s.episodeStart),
      states.map((s) => s.firstSeenAt),
      states.map((s) => s.openNotifiedAt),
      states.map((s) => s.lastNotifiedAt),
      states.map((s) => s.level),
      states.map((s) => s.reminders),
      states.map((s) => s.done),
      now,
    ],
  );
}

/** A rendered message, as its outbox row holds it both when written and when claimed. */
interface OutboxMessage {
  readonly key: string;
  readonly routeId: string;
  readonly contactName: string;
  readonly kind: string;
  readonly notificationType: string;
  readonly recipient: string;
  readonly target: Contact;
  readonly alertIds: readonly string[];
  readonly subject: string;
  readonly content: string;
}

/** A rendered message for the outbox. */
export interface NewOutboxRow extends OutboxMessage {
  readonly contactIndex: number;
  readonly payload: unknown;
}

/** Writes each row as PENDING, due now; a key already there is left alone. Returns how many were added. */
export async function insertOutboxRows(
  client: pg.PoolClient,
  rows: readonly NewOutboxRow[],
  now: number,
): Promise<number> {
  let added = 0;
  for (const row of rows) {
    const result = await client.query(
      `INSERT INTO notification_outbox (notification_key, route_id, contact_index, contact_name, kind,
                                        notification_type, recipient, target, alert_ids, subject, content, payload,
                                        next_attempt_at, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, ${utcTimestamp('$13::bigint')},
               ${utcTimestamp('$13::bigint')})
       ON CONFLICT (notification_key) DO NOTHING`,
      [
        row.key,
        row.routeId,
        row.contactIndex,
        row.contactName,
        row.kind,
        row.notificationType,
        row.recipient,
        JSON.stringify(row.target),
        row.alertIds,
        row.subject,
        row.content,
        JSON.stringify(row.payload),
        now,
      ],
    );
    added += result.rowCount ?? 0;
  }
  return added;
}

/** An outbox row claimed for one attempt. */
export interface ClaimedNotification extends OutboxMessage {
  readonly payload: Record<string, unknown>;
  /** This attempt's number (1-based), counted at claim: an attempt cut short by a crash still counts. */
  readonly attempt: number;
  readonly createdAt: number;
}

/** A claimed notification_outbox row, created_at as epoch ms. */
interface ClaimedOutboxRecord {
  notification_key: string;
  route_id: string;
  contact_name: string;
  kind: string;
  notification_type: string;
  recipient: string;
  target: Contact;
  alert_ids: string[];
  subject: string;
  content: string;
  payload: Record<string, unknown>;
  attempts: number;
  created_at_ms: number;
}

/**
 * Leases up to `limit` due PENDING rows to `owner` for `leaseMs`. SKIP LOCKED lets replicas claim side by
 * side; a row whose lease ran out (its owner died mid-send) is due again, with the same key.
 */
export async function claimDueNotifications(
  pool: pg.Pool,
  owner: string,
  now: number,
  leaseMs: number,
  limit: number,
): Promise<ClaimedNotification[]> {
  const result = await pool.query<ClaimedOutboxRecord>(
    `UPDATE notification_outbox o
        SET lease_owner = $1, lease_until = ${utcTimestamp('$3::bigint')}, attempts = o.attempts + 1
      WHERE o.notification_key IN (
              SELECT notification_key FROM notification_outbox
               WHERE status = 'PENDING' AND next_attempt_at <= ${utcTimestamp('$2::bigint')}
                 AND (lease_until IS NULL OR lease_until <= ${utcTimestamp('$2::bigint')})
               ORDER BY next_attempt_at, notification_key
               LIMIT $4
               FOR UPDATE SKIP LOCKED)
      RETURNING notification_key, route_id, contact_name, kind, notification_type, recipient, target, alert_ids,
                subject, content, payload, attempts, ${epochMs('created_at')} AS created_at_ms`,
    [owner, now, now + leaseMs, limit],
  );
  return result.rows.map((row) => ({
    key: row.notification_key,
    routeId: row.route_id,
    contactName: row.contact_name,
    kind: row.kind,
    notificationType: row.notification_type,
    recipient: row.recipient,
    target: row.target,
    alertIds: row.alert_ids,
    subject: row.subject,
    content: row.content,
    payload: row.payload,
    attempt: row.attempts,
    createdAt: row.created_at_ms,
  }));
}

export type AttemptFollowUp =
  | { readonly final: true; readonly status: AttemptResult }
  | { readonly final: false; readonly retryAt: number };

/** One finished attempt, as notification_logs and the outbox row record it. */
export interface AttemptRecord {
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly status: AttemptResult;
  /** notification_logs.response_details, as stored. */
  readonly details: Readonly<Record<string, unknown>>;
  readonly error: string | null;
  readonly followUp: AttemptFollowUp;
}

/**
 * Records one finished attempt: a notification_logs row per alert the message covers (so each alert's
 * history is complete), and the outbox row's new state, only while this owner still holds the lease.
 * Returns whether the lease was still held (false: another replica took over; the log rows stay true).
 */
export async function saveAttempt(
  client: pg.PoolClient,
  owner: string,
  claimed: ClaimedNotification,
  attempt: AttemptRecord,
): Promise<boolean> {
  await client.query(
    `INSERT INTO notification_logs (alert_id, notification_type, recipient, subject, content, status, sent_time,
                                    response_details)
     SELECT a, $2, $3, $4, $5, $6, ${utcTimestamp('$7::bigint')}, $8 FROM unnest($1::text[]) AS a`,
    [
      claimed.alertIds,
      claimed.notificationType,
      claimed.recipient,
      claimed.subject,
      claimed.content,
      attempt.status,
      attempt.startedAt,
      JSON.stringify(attempt.details),
    ],
  );
  const { followUp } = attempt;
  const result = followUp.final
    ? await client.query(
        `UPDATE notification_outbox
            SET status = $3, finished_at = ${utcTimestamp('$4::bigint')}, lease_owner = NULL, lease_until = NULL,
                last_error = $5
          WHERE notification_key = $1 AND lease_owner = $2 AND status = 'PENDING'`,
        [claimed.key, owner, followUp.status, attempt.finishedAt, attempt.error],
      )
    : await client.query(
        `UPDATE notification_outbox
            SET next_attempt_at = ${utcTimestamp('$3::bigint')}, lease_owner = NULL, lease_until = NULL,
                last_error = $4
          WHERE notification_key = $1 AND lease_owner = $2 AND status = 'PENDING'`,
        [claimed.key, owner, followUp.retryAt, attempt.error],
      );
  return (result.rowCount ?? 0) > 0;
}

export async function countPendingNotifications(pool: pg.Pool): Promise<number> {
  const result = await pool.query<{ count: string }>(
    `SELECT count(*) AS count FROM notification_outbox WHERE status = 'PENDING'`,
  );
  return Number(result.rows[0]?.count ?? 0);
}

/** Throws when the outbox table is missing or unreadable (the notifier's start-up and readiness check). */
export async function probeNotificationOutbox(pool: pg.Pool): Promise<void> {
  await pool.query('SELECT 1 FROM notification_outbox LIMIT 1');
}
