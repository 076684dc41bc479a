// Operator commands on one alert. They never throw: an invalid command returns a typed error result.
// Put the returned alert back with `putAlert` (it keeps the book's one-open-alert-per-pair index).
import {
  SYSTEM_ACTOR,
  putAlert,
  withTransition,
  type Alert,
  type AlertAction,
  type AlertBook,
  type AlertStatus,
} from './alert.js';
import type { AlertChange, AlertOutcome } from './apply-event.js';

export type CommandErrorCode = 'INVALID_TRANSITION' | 'INVALID_ARGUMENT';

export type CommandResult =
  | { readonly ok: true; readonly alert: Alert }
  | { readonly ok: false; readonly code: CommandErrorCode; readonly message: string };

function refuse(code: CommandErrorCode, message: string): CommandResult {
  return { ok: false, code, message };
}

function checkActor(by: string, at: number): CommandResult | null {
  if (by.trim() === '') return refuse('INVALID_ARGUMENT', 'the acting operator must be named');
  if (!Number.isFinite(at)) return refuse('INVALID_ARGUMENT', `invalid time ${at}`);
  return null;
}

function transition(
  alert: Alert,
  action: AlertAction,
  allowed: readonly AlertStatus[],
  by: string,
  at: number,
): CommandResult | null {
  const invalid = checkActor(by, at);
  if (invalid !== null) return invalid;
  if (!allowed.includes(alert.status)) {
    return refuse(
      'INVALID_TRANSITION',
      `cannot ${action} alert ${alert.alertId}: it is ${alert.status} (${action} needs ${allowed.join(' or ')})`,
    );
  }
  return null;
}

/** NEW → ACKNOWLEDGED. */
export function acknowledge(alert: Alert, by: string, at: number, note: string | null = null): CommandResult {
  const refused = transition(alert, 'acknowledge', ['NEW'], by, at);
  if (refused !== null) return refused;
  return {
    ok: true,
    alert: withTransition(
      { ...alert, status: 'ACKNOWLEDGED' },
      { action: 'acknowledge', by, at, from: alert.status, to: 'ACKNOWLEDGED', note },
    ),
  };
}

/** Sets the assignee of an unresolved alert; the status is kept. */
export function assign(alert: Alert, to: string, by: string, at: number): CommandResult {
  const refused = transition(alert, 'assign', ['NEW', 'ACKNOWLEDGED', 'SHELVED'], by, at);
  if (refused !== null) return refused;
  if (to.trim() === '') return refuse('INVALID_ARGUMENT', 'the assignee must be named');
  if (alert.assignedTo === to) {
    return refuse('INVALID_TRANSITION', `alert ${alert.alertId} is already assigned to ${to}`);
  }
  return {
    ok: true,
    alert: withTransition(
      { ...alert, assignedTo: to },
      { action: 'assign', by, at, from: alert.status, to: alert.status, note: `assigned to ${to}` },
    ),
  };
}

/** NEW | ACKNOWLEDGED | SHELVED → RESOLVED, at `at`. */
export function resolve(alert: Alert, by: string, at: number, note: string | null = null): CommandResult {
  const refused = transition(alert, 'resolve', ['NEW', 'ACKNOWLEDGED', 'SHELVED'], by, at);
  if (refused !== null) return refused;
  return {
    ok: true,
    alert: withTransition(
      { ...alert, status: 'RESOLVED', resolutionTime: at, shelvedUntil: null, shelvedFrom: null },
      { action: 'resolve', by, at, from: alert.status, to: 'RESOLVED', note },
    ),
  };
}

/** NEW | ACKNOWLEDGED → SHELVED until `until` (> at); `unshelveDue` returns it to its previous status. */
export function shelve(
  alert: Alert,
  until: number,
  by: string,
  at: number,
  note: string | null = null,
): CommandResult {
  const refused = transition(alert, 'shelve', ['NEW', 'ACKNOWLEDGED'], by, at);
  if (refused !== null) return refused;
  if (!Number.isFinite(until) || until <= at) {
    return refuse('INVALID_ARGUMENT', `shelve until ${until} must be after ${at}`);
  }
  return {
    ok: true,
    alert: withTransition(
      { ...alert, status: 'SHELVED', shelvedUntil: until, shelvedFrom: alert.status },
      { action: 'shelve', by, at, from: alert.status, to: 'SHELVED', note },
    ),
  };
}

/**
 * Returns every SHELVED alert whose `shelvedUntil` ≤ at to the status it was shelved from (by 'system'),
 * in (shelvedUntil, alertId) order.
 */
export function unshelveDue(book: AlertBook, at: number): AlertOutcome {
  const due = Object.values(book.alerts)
    .filter((a) => a.status === 'SHELVED' && a.shelvedUntil !== null && a.shelvedUntil <= at)
    .sort(
      (a, b) =>
        (a.shelvedUntil ?? 0) - (b.shelvedUntil ?? 0) ||
        (a.alertId < b.alertId ? -1 : a.alertId > b.alertId ? 1 : 0),
    );
  let next = book;
  const changes: AlertChange[] = [];
  for (const shelved of due) {
    const to = shelved.shelvedFrom ?? 'NEW';
    const alert = withTransition(
      { ...shelved, status: to, shelvedUntil: null, shelvedFrom: null },
      {
        action: 'unshelve',
        by: SYSTEM_ACTOR,
        at,
        from: 'SHELVED',
        to,
        note: `shelve expired at ${shelved.shelvedUntil}`,
      },
    );
    next = putAlert(next, alert);
    changes.push({ kind: 'unshelved', alert });
  }
  return { book: next, changes };
}

/** SHELVED → the status it was shelved from (by 'system', at the shelve's end). */
export function unshelve(alert: Alert, at: number): CommandResult {
  if (alert.status !== 'SHELVED') {
    return refuse('INVALID_TRANSITION', `cannot unshelve alert ${alert.alertId}: it is ${alert.status}`);
  }
  const to = alert.shelvedFrom ?? 'NEW';
  return {
    ok: true,
    alert: withTransition(
      { ...alert, status: to, shelvedUntil: null, shelvedFrom: null },
      { action: 'unshelve', by: SYSTEM_ACTOR, at, from: 'SHELVED', to, note: `shelve expired at ${at}` },
    ),
  };
}

/** An operator action (or a shelve's expiry) as recorded: what to replay to reproduce it. */
export interface AlertActionInput {
  readonly action: 'acknowledge' | 'assign' | 'resolve' | 'shelve' | 'unshelve';
  readonly actor: string;
  readonly at: number;
  readonly note: string | null;
  readonly assignee?: string;
  readonly until?: number;
}

export function applyAlertAction(alert: Alert, input: AlertActionInput): CommandResult {
  switch (input.action) {
    case 'acknowledge':
      return acknowledge(alert, input.actor, input.at, input.note);
    case 'assign':
      return assign(alert, input.assignee ?? '', input.actor, input.at);
    case 'resolve':
      return resolve(alert, input.actor, input.at, input.note);
    case 'shelve':
      return shelve(alert, input.until ?? Number.NaN, input.actor, input.at, input.note);
    case 'unshelve':
      return unshelve(alert, input.at);
  }
}
