// The alerts read model and the operator actions behind it. The projector and the API both change alerts,
// always inside a transaction that has locked the rows it changes (FOR UPDATE), so an operator's command and
// the projector's events for the same alert are applied one after the other, never interleaved.
import type { Pool, PoolClient } from 'pg';
import {
  EMPTY_ALERT_BOOK,
  alertDescription,
  pairKey,
  type Alert,
  type AlertBook,
  type AlertStatus,
  type AlertTransition,
  type AppliedPosition,
} from '../../../processors/alerts/index.js';
import type { MachinePosition, RecordedAction } from '../../../processors/projection/index.js';
import type { Severity } from '../../../processors/threshold-detection/severity.js';
import { epochMs, utcTimestamp } from '../sql-time.js';

export interface AlertRecord {
  id: number;
  alert_id: string;
  machine_id: string;
  severity: string;
  alert_type: string;
  timestamp_ms: number;
  description: string | null;
  details: Record<string, unknown> | null;
  status: string;
  assigned_to: string | null;
  resolution_time_ms: number | null;
  created_at_ms: number | null;
  updated_at_ms: number | null;
}

/** The columns of `alerts` with times as epoch ms (see AlertRecord). */
export const ALERT_COLUMNS = `id, alert_id, machine_id, severity, alert_type, ${epochMs('timestamp')} AS timestamp_ms,
  description, details, status, assigned_to, ${epochMs('resolution_time')} AS resolution_time_ms,
  ${epochMs('created_at')} AS created_at_ms, ${epochMs('updated_at')} AS updated_at_ms`;

const numberOr = (value: unknown, fallback: number) => (typeof value === 'number' ? value : fallback);
const numberOrNull = (value: unknown) => (typeof value === 'number' ? value : null);
const numbers = (value: unknown) => (Array.isArray(value) ? value.filter((v) => typeof v === 'number') : []);

/** The domain alert a row holds (the row's details carry the fields without a column). */
export function alertFromRecord(row: AlertRecord): Alert {
  const d = row.details ?? {};
  return {
    alertId: row.alert_id,
    machineId: row.machine_id,
    alertType: row.alert_type,
    severity: row.severity as Severity,
    status: (row.status ?? 'NEW') as AlertStatus,
    openedAt: row.timestamp_ms,
    raisedAt: numberOr(d.raisedAt, row.created_at_ms ?? row.timestamp_ms),
    lastSeen: numberOr(d.lastSeen, row.timestamp_ms),
    repeatCount: numberOr(d.repeatCount, 0),
    assignedTo: row.assigned_to,
    resolutionTime: row.resolution_time_ms,
    shelvedUntil: numberOrNull(d.shelvedUntil),
    shelvedFrom: typeof d.shelvedFrom === 'string' ? (d.shelvedFrom as AlertStatus) : null,
    cleared: d.cleared === true,
    clearedAt: numberOrNull(d.clearedAt),
    flapping: d.flapping === true,
    recentOpens: numbers(d.recentOpens),
    recentClears: numbers(d.recentClears),
    ruleId: typeof d.ruleId === 'string' ? d.ruleId : '',
    configVersion: numberOr(d.configVersion, 0),
    transitions: Array.isArray(d.transitions) ? (d.transitions as AlertTransition[]) : [],
    transitionsDropped: numberOr(d.transitionsDropped, 0),
  };
}

/** A row of the seed table `alerts` (without created_at / updated_at, which saveAlerts derives). */
export interface AlertRow {
  readonly alertId: string;
  readonly machineId: string;
  readonly severity: Severity;
  readonly alertType: string;
  readonly timestamp: number;
  readonly description: string;
  readonly details: Readonly<Record<string, unknown>>;
  readonly status: AlertStatus;
  readonly assignedTo: string | null;
  readonly resolutionTime: number | null;
}

/** The row an alert is stored as: the fields without a column go into details. */
export function alertRow(alert: Alert): AlertRow {
  return {
    alertId: alert.alertId,
    machineId: alert.machineId,
    severity: alert.severity,
    alertType: alert.alertType,
    timestamp: alert.openedAt,
    description: alertDescription(alert),
    details: {
      raisedAt: alert.raisedAt,
      lastSeen: alert.lastSeen,
      repeatCount: alert.repeatCount,
      cleared: alert.cleared,
      clearedAt: alert.clearedAt,
      flapping: alert.flapping,
      shelvedUntil: alert.shelvedUntil,
      shelvedFrom: alert.shelvedFrom,
      ruleId: alert.ruleId,
      configVersion: alert.configVersion,
      recentOpens: alert.recentOpens,
      recentClears: alert.recentClears,
      transitions: alert.transitions,
      transitionsDropped: alert.transitionsDropped,
    },
    status: alert.status,
    assignedTo: alert.assignedTo,
    resolutionTime: alert.resolutionTime,
  };
}

/** One alert by id; `lock` takes its row lock (FOR UPDATE) until the transaction ends. */
export async function findAlert(
  db: Pool | PoolClient,
  alertId: string,
  { lock = false } = {},
): Promise<Alert | undefined> {
  const result = await db.query<AlertRecord>(
    `SELECT ${ALERT_COLUMNS} FROM alerts WHERE alert_id = $1${lock ? ' FOR UPDATE' : ''}`,
    [alertId],
  );
  const row = result.rows[0];
  return row === undefined ? undefined : alertFromRecord(row);
}

/** Filters of listAlerts; null matches any. */
export interface AlertFilter {
  readonly status: string | null;
  readonly severity: string | null;
  readonly machineId: string | null;
  readonly assignedTo: string | null;
}

/**
 * Alerts newest first (by timestamp, then id), after the keyset position `after` when given. Rows, not
 * alerts: the page cursor needs the row id.
 */
export async function listAlerts(
  pool: Pool,
  filter: AlertFilter,
  after: { readonly time: number; readonly id: number } | null,
  limit: number,
): Promise<AlertRecord[]> {
  const result = await pool.query<AlertRecord>(
    `SELECT ${ALERT_COLUMNS} FROM alerts
      WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR severity = $2)
        AND ($3::text IS NULL OR machine_id = $3) AND ($4::text IS NULL OR assigned_to = $4)
        AND ($5::float8 IS NULL
             OR (timestamp, id) < (timestamp 'epoch' + $5::float8 * interval '1 millisecond', $6::int))
      ORDER BY timestamp DESC, id DESC LIMIT $7`,
    [
      filter.status,
      filter.severity,
      filter.machineId,
      filter.assignedTo,
      after?.time ?? null,
      after?.id ?? null,
      limit,
    ],
  );
  return result.rows;
}

/**
 * Locks (SKIP LOCKED: an operator acting on one is not waited for) up to `limit` SHELVED alerts whose shelve
 * ended by `now`, leaving out machines with actions a rebuild has not replayed yet.
 */
export async function lockExpiredShelves(
  client: PoolClient,
  now: number,
  limit: number,
): Promise<Array<{ readonly alertId: string; readonly until: number }>> {
  const result = await client.query<{ alert_id: string; until: number }>(
    `SELECT a.alert_id, (a.details->>'shelvedUntil')::float8 AS until
       FROM alerts a
       LEFT JOIN projector_positions p ON p.machine_id = a.machine_id
      WHERE a.status = 'SHELVED' AND (a.details->>'shelvedUntil')::float8 <= $1
        AND NOT EXISTS (SELECT 1 FROM alert_actions x
                         WHERE x.machine_id = a.machine_id AND x.id > coalesce(p.action_id, 0))
      ORDER BY a.alert_id LIMIT $2 FOR UPDATE OF a SKIP LOCKED`,
    [now, limit],
  );
  return result.rows.map((row) => ({ alertId: row.alert_id, until: row.until }));
}

/**
 * Locks and loads what folding events for these machines needs: every unresolved alert, the latest alert of
 * each (machine, alert type), how many alerts each pair has had, and the machines' applied positions.
 * A pair's count is its live rows plus its rows in alerts_archive (`twin retention` moves resolved alerts
 * there, never a pair's latest), so a new alert never takes an archived alert's id.
 */
export async function loadAlertBook(
  client: PoolClient,
  machineIds: readonly string[],
): Promise<{ book: AlertBook; positions: Map<string, MachinePosition> }> {
  if (machineIds.length === 0) return { book: EMPTY_ALERT_BOOK, positions: new Map() };
  // Lock in a fixed order (alert_id) so two transactions over overlapping machines cannot deadlock.
  const rows = await client.query<AlertRecord & { pair_count: string; is_latest: boolean }>(
    `WITH pair AS (
       SELECT id, alert_id, machine_id, alert_type,
              count(*) OVER (PARTITION BY machine_id, alert_type) AS live_count,
              row_number() OVER (PARTITION BY machine_id, alert_type ORDER BY timestamp DESC, id DESC) = 1 AS is_latest,
              status
         FROM alerts WHERE machine_id = ANY($1::text[])
     ), archived AS (
       SELECT machine_id, alert_type, count(*) AS archived_count
         FROM alerts_archive WHERE machine_id = ANY($1::text[]) GROUP BY machine_id, alert_type
     ), wanted AS (
       SELECT p.id, p.live_count + COALESCE(x.archived_count, 0) AS pair_count, p.is_latest
         FROM pair p LEFT JOIN archived x USING (machine_id, alert_type)
        WHERE p.is_latest OR p.status IS DISTINCT FROM 'RESOLVED'
     ), locked AS (
       SELECT a.id FROM alerts a JOIN wanted w ON w.id = a.id ORDER BY a.alert_id FOR UPDATE OF a
     )
     SELECT ${ALERT_COLUMNS}, w.pair_count, w.is_latest
       FROM alerts JOIN wanted w USING (id) WHERE id IN (SELECT id FROM locked)`,
    [machineIds],
  );
  const alerts: Record<string, Alert> = {};
  const open: Record<string, string> = {};
  const latest: Record<string, string> = {};
  const counts: Record<string, number> = {};
  for (const row of rows.rows) {
    const alert = alertFromRecord(row);
    const key = pairKey(alert.machineId, alert.alertType);
    alerts[alert.alertId] = alert;
    if (alert.status !== 'RESOLVED') open[key] = alert.alertId;
    if (row.is_latest) latest[key] = alert.alertId;
    counts[key] = Number(row.pair_count);
  }
  const positions = await loadMachinePositions(client, machineIds);
  const applied: Record<string, AppliedPosition> = {};
  for (const [machineId, position] of positions) if (position.event) applied[machineId] = position.event;
  return { book: { alerts, open, latest, counts, applied }, positions };
}

export async function loadMachinePositions(
  client: PoolClient,
  machineIds: readonly string[],
  { lock = false } = {},
): Promise<Map<string, MachinePosition>> {
  const result = await client.query<{
    machine_id: string;
    event_source_offset: string | null;
    event_index: number | null;
    action_id: string;
  }>(
    `SELECT machine_id, event_source_offset, event_index, action_id FROM projector_positions
      WHERE machine_id = ANY($1::text[]) ORDER BY machine_id ${lock ? 'FOR UPDATE' : ''}`,
    [machineIds],
  );
  return new Map(
    result.rows.map((row) => [
      row.machine_id,
      {
        event:
          row.event_source_offset === null
            ? null
            : { sourceOffset: Number(row.event_source_offset), index: row.event_index ?? 0 },
        actionId: Number(row.action_id),
      },
    ]),
  );
}

/** Records the machines' applied positions (only the event and action columns). */
export async function saveMachinePositions(
  client: PoolClient,
  positions: ReadonlyMap<string, MachinePosition>,
): Promise<void> {
  if (positions.size === 0) return;
  const entries = [...positions].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  await client.query(
    `INSERT INTO projector_positions (machine_id, event_source_offset, event_index, action_id)
     SELECT * FROM unnest($1::text[], $2::bigint[], $3::int[], $4::bigint[])
     ON CONFLICT (machine_id) DO UPDATE SET
       event_source_offset = EXCLUDED.event_source_offset,
       event_index = EXCLUDED.event_index,
       action_id = EXCLUDED.action_id`,
    [
      entries.map(([id]) => id),
      entries.map(([, p]) => p.event?.sourceOffset ?? null),
      entries.map(([, p]) => p.event?.index ?? null),
      entries.map(([, p]) => p.actionId),
    ],
  );
}

/**
 * Upserts alerts by alert_id. timestamp is when the condition began (event time), created_at when the alert was
 * raised (arrival clock) and updated_at the time of its latest transition (arrival clock or operator time), so a
 * rebuild from the log writes the very same rows.
 */
export async function saveAlerts(client: PoolClient, alerts: readonly Alert[]): Promise<void> {
  if (alerts.length === 0) return;
  const rows = alerts.map(alertRow);
  const updatedAt = alerts.map((alert) => alert.transitions.at(-1)?.at ?? alert.raisedAt);
  const raisedAt = alerts.map((alert) => alert.raisedAt);
  await client.query(
    `INSERT INTO alerts (alert_id, machine_id, severity, alert_type, timestamp, description, details, status,
                         assigned_to, resolution_time, created_at, updated_at)
     SELECT id, m, sev, t, ${utcTimestamp('ts')}, descr, d, st, who, ${utcTimestamp('res')}, ${utcTimestamp('raised')},
            ${utcTimestamp('upd')}
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::jsonb[],
                   $8::text[], $9::text[], $10::bigint[], $11::bigint[], $12::bigint[])
         AS r(id, m, sev, t, ts, descr, d, st, who, res, upd, raised)
     ON CONFLICT (alert_id) DO UPDATE SET
       severity = EXCLUDED.severity, description = EXCLUDED.description, details = EXCLUDED.details,
       status = EXCLUDED.status, assigned_to = EXCLUDED.assigned_to,
       resolution_time = EXCLUDED.resolution_time, updated_at = EXCLUDED.updated_at`,
    [
      rows.map((row) => row.alertId),
      rows.map((row) => row.machineId),
      rows.map((row) => row.severity),
      rows.map((row) => row.alertType),
      rows.map((row) => row.timestamp),
      rows.map((row) => row.description),
      rows.map((row) => JSON.stringify(row.details)),
      rows.map((row) => row.status),
      rows.map((row) => row.assignedTo),
      rows.map((row) => row.resolutionTime),
      updatedAt,
      raisedAt,
    ],
  );
}

export type AlertActionKind = 'acknowledge' | 'assign' | 'resolve' | 'shelve' | 'unshelve';

/** A row of alert_actions as read (bigints as strings, times as epoch ms). */
interface AlertActionRow {
  id: string;
  alert_id: string;
  machine_id: string;
  action: AlertActionKind;
  actor: string;
  note: string | null;
  params: RecordedAction['params'] | null;
  at_ms: number;
  after_source_offset: string | null;
  after_index: number | null;
}

/** Appends an action; returns its id. */
export async function insertAlertAction(
  client: PoolClient,
  action: Omit<RecordedAction, 'id'>,
): Promise<number> {
  const result = await client.query<{ id: string }>(
    `INSERT INTO alert_actions (alert_id, machine_id, action, actor, note, params, at, after_source_offset, after_index)
     VALUES ($1, $2, $3, $4, $5, $6, ${utcTimestamp('$7::bigint')}, $8, $9) RETURNING id`,
    [
      action.alertId,
      action.machineId,
      action.action,
      action.actor,
      action.note,
      JSON.stringify(action.params),
      action.at,
      action.after?.sourceOffset ?? null,
      action.after?.index ?? null,
    ],
  );
  return Number(result.rows[0]!.id);
}

/** Actions of these machines after each one's applied action id, oldest first (what a rebuild replays). */
export async function loadPendingActions(
  client: PoolClient,
  positions: ReadonlyMap<string, MachinePosition>,
  machineIds: readonly string[],
): Promise<RecordedAction[]> {
  if (machineIds.length === 0) return [];
  const result = await client.query<AlertActionRow>(
    `SELECT x.id, x.alert_id, x.machine_id, x.action, x.actor, x.note, x.params, ${epochMs('x.at')} AS at_ms,
            x.after_source_offset, x.after_index
       FROM alert_actions x JOIN unnest($1::text[], $2::bigint[]) AS p(machine_id, action_id)
         ON x.machine_id = p.machine_id AND x.id > p.action_id
      ORDER BY x.id`,
    [machineIds, machineIds.map((id) => positions.get(id)?.actionId ?? 0)],
  );
  return result.rows.map((row) => ({
    id: Number(row.id),
    alertId: row.alert_id,
    machineId: row.machine_id,
    action: row.action,
    actor: row.actor,
    note: row.note,
    params: row.params ?? {},
    at: row.at_ms,
    after:
      row.after_source_offset === null
        ? null
        : { sourceOffset: Number(row.after_source_offset), index: row.after_index ?? 0 },
  }));
}

/** An alert's actions, oldest first: what an operator sees of each. */
export async function listAlertActions(
  pool: Pool,
  alertId: string,
): Promise<Array<Pick<RecordedAction, 'id' | 'action' | 'actor' | 'note' | 'params' | 'at'>>> {
  const result = await pool.query<
    Pick<AlertActionRow, 'id' | 'action' | 'actor' | 'note' | 'params' | 'at_ms'>
  >(
    `SELECT id, action, actor, note, params, ${epochMs('at')} AS at_ms
       FROM alert_actions WHERE alert_id = $1 ORDER BY id`,
    [alertId],
  );
  return result.rows.map((row) => ({
    id: Number(row.id),
    action: row.action,
    actor: row.actor,
    note: row.note,
    params: row.params ?? {},
    at: row.at_ms,
  }));
}
