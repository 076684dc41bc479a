// Folds anomaly events into alerts: one open alert per (machine, alert type), repeats counted,
// escalations raised, clears resolved or flagged, flapping pairs reopened instead of storming.
import type { AnomalyEvent } from '../threshold-detection/anomaly-event.js';
import { severityRank, type Severity } from '../threshold-detection/severity.js';
import {
  SYSTEM_ACTOR,
  alertIdFor,
  pairKey,
  putAlert,
  withTransition,
  type Alert,
  type AlertBook,
  type AlertPolicy,
} from './alert.js';

export type AlertChangeKind =
  'created' | 'repeated' | 'reopened' | 'escalated' | 'cleared' | 'resolved' | 'unshelved';

/** An alert the projector should upsert (by alertId), and why it changed. */
export interface AlertChange {
  readonly kind: AlertChangeKind;
  readonly alert: Alert;
}

export interface AlertOutcome {
  readonly book: AlertBook;
  readonly changes: readonly AlertChange[];
}

/** Whether the event is at or before the machine's last applied position (a redelivery). */
export function isAlreadyApplied(book: AlertBook, event: AnomalyEvent): boolean {
  const last = book.applied[event.machineId];
  if (last === undefined) return false;
  return (
    event.sourceOffset < last.sourceOffset ||
    (event.sourceOffset === last.sourceOffset && event.index <= last.index)
  );
}

/**
 * Applies one anomaly event. Events of a machine arrive in increasing (sourceOffset, index) order but
 * may be redelivered: those at or before the last applied position return the same book and no changes.
 */
export function applyAnomalyEvent(book: AlertBook, event: AnomalyEvent, policy: AlertPolicy): AlertOutcome {
  if (isAlreadyApplied(book, event)) return { book, changes: [] };
  const applied = {
    ...book.applied,
    [event.machineId]: { sourceOffset: event.sourceOffset, index: event.index },
  };
  return fold({ ...book, applied }, event, policy);
}

function fold(book: AlertBook, event: AnomalyEvent, policy: AlertPolicy): AlertOutcome {
  const key = pairKey(event.machineId, event.anomalyType);
  const openId = book.open[key];
  const current = openId === undefined ? undefined : book.alerts[openId];
  switch (event.type) {
    case 'ANOMALY_OPENED':
      return opened(book, event, policy, current);
    case 'ANOMALY_ESCALATED':
      // Without an open alert (an operator resolved it while the condition held) the condition is active: open.
      return current === undefined ? opened(book, event, policy, current) : escalated(book, event, current);
    case 'ANOMALY_CLEARED':
      return current === undefined ? { book, changes: [] } : cleared(book, event, policy, current);
  }
}

/** The times inside the flap window ending at `at`, plus `at`, at most flapThreshold + 1 of them. */
function remember(times: readonly number[], at: number, policy: AlertPolicy): number[] {
  const kept = [...times.filter((t) => t >= at - policy.flapWindowMs && t <= at), at];
  return kept.slice(Math.max(0, kept.length - (policy.flapThreshold + 1)));
}

function within(times: readonly number[], at: number, policy: AlertPolicy): number[] {
  return times.filter((t) => t >= at - policy.flapWindowMs && t <= at);
}

function higher(a: Severity, b: Severity): Severity {
  return severityRank(b) > severityRank(a) ? b : a;
}

function store(book: AlertBook, alert: Alert, counted: boolean): AlertBook {
  const key = pairKey(alert.machineId, alert.alertType);
  const next = putAlert(book, alert);
  return {
    ...next,
    latest: { ...next.latest, [key]: alert.alertId },
    counts: counted ? { ...next.counts, [key]: (next.counts[key] ?? 0) + 1 } : next.counts,
  };
}

function opened(
  book: AlertBook,
  event: AnomalyEvent,
  policy: AlertPolicy,
  current: Alert | undefined,
): AlertOutcome {
  const key = pairKey(event.machineId, event.anomalyType);
  const latestId = book.latest[key];
  const previous = current ?? (latestId === undefined ? undefined : book.alerts[latestId]);
  const at = raisedAt(event);
  const recentOpens = remember(previous?.recentOpens ?? [], at, policy);
  const flapping = recentOpens.length > policy.flapThreshold;
  const fromEvent = { ruleId: event.ruleId, configVersion: event.configVersion };

  if (current !== undefined) {
    let alert: Alert = {
      ...current,
      ...fromEvent,
      severity: higher(current.severity, event.severity),
      lastSeen: event.eventTime,
      repeatCount: current.repeatCount + 1,
      cleared: false,
      clearedAt: null,
      flapping,
      recentOpens,
    };
    if (current.cleared) {
      alert = withTransition(alert, {
        action: 'reopen',
        by: SYSTEM_ACTOR,
        at,
        from: current.status,
        to: current.status,
        note: flapping ? flapNote(recentOpens, policy) : 'opened again after clearing',
      });
    }
    return { book: store(book, alert, false), changes: [{ kind: 'repeated', alert }] };
  }

  if (previous !== undefined && flapping) {
    const alert = withTransition(
      {
        ...previous,
        ...fromEvent,
        status: 'NEW',
        severity: higher(previous.severity, event.severity),
        lastSeen: event.eventTime,
        repeatCount: previous.repeatCount + 1,
        resolutionTime: null,
        shelvedUntil: null,
        shelvedFrom: null,
        cleared: false,
        clearedAt: null,
        flapping: true,
        recentOpens,
      },
      {
        action: 'reopen',
        by: SYSTEM_ACTOR,
        at,
        from: previous.status,
        to: 'NEW',
        note: flapNote(recentOpens, policy),
      },
    );
    return { book: store(book, alert, false), changes: [{ kind: 'reopened', alert }] };
  }

  const n = (book.counts[key] ?? 0) + 1;
  const alert: Alert = {
    alertId: alertIdFor(event.machineId, event.anomalyType, n),
    machineId: event.machineId,
    alertType: event.anomalyType,
    severity: event.severity,
    status: 'NEW',
    openedAt: event.eventTime,
    raisedAt: at,
    lastSeen: event.eventTime,
    repeatCount: 0,
    assignedTo: null,
    resolutionTime: null,
    shelvedUntil: null,
    shelvedFrom: null,
    cleared: false,
    clearedAt: null,
    flapping: false,
    recentOpens,
    recentClears: within(previous?.recentClears ?? [], at, policy),
    ...fromEvent,
    transitions: [
      {
        action: 'open',
        by: SYSTEM_ACTOR,
        at,
        from: null,
        to: 'NEW',
        note: `${event.severity} ${event.ruleId}`,
      },
    ],
    transitionsDropped: 0,
  };
  return { book: store(book, alert, true), changes: [{ kind: 'created', alert }] };
}

function flapNote(recentOpens: readonly number[], policy: AlertPolicy): string {
  return `flapping: ${recentOpens.length} opens within ${policy.flapWindowMs} ms`;
}

function escalated(book: AlertBook, event: AnomalyEvent, current: Alert): AlertOutcome {
  const severity = higher(current.severity, event.severity);
  let alert: Alert = {
    ...current,
    ruleId: event.ruleId,
    configVersion: event.configVersion,
    severity,
    lastSeen: event.eventTime,
  };
  if (severity !== current.severity) {
    alert = withTransition(alert, {
      action: 'escalate',
      by: SYSTEM_ACTOR,
      at: raisedAt(event),
      from: current.status,
      to: current.status,
      note: `severity ${current.severity} → ${severity}`,
    });
  }
  return { book: store(book, alert, false), changes: [{ kind: 'escalated', alert }] };
}

function cleared(book: AlertBook, event: AnomalyEvent, policy: AlertPolicy, current: Alert): AlertOutcome {
  const at = raisedAt(event);
  const reason = `cleared: ${event.clearReason ?? 'unknown'}`;
  const base: Alert = {
    ...current,
    ruleId: event.ruleId,
    configVersion: event.configVersion,
    cleared: true,
    clearedAt: at,
    recentClears: remember(current.recentClears, at, policy),
  };
  if (policy.autoResolve) {
    const alert = withTransition(
      { ...base, status: 'RESOLVED', resolutionTime: at, shelvedUntil: null, shelvedFrom: null },
      { action: 'auto_resolve', by: SYSTEM_ACTOR, at, from: current.status, to: 'RESOLVED', note: reason },
    );
    return { book: store(book, alert, false), changes: [{ kind: 'resolved', alert }] };
  }
  const alert = withTransition(base, {
    action: 'clear',
    by: SYSTEM_ACTOR,
    at,
    from: current.status,
    to: current.status,
    note: reason,
  });
  return { book: store(book, alert, false), changes: [{ kind: 'cleared', alert }] };
}

/**
 * Alert lifecycles run on the arrival clock: when the condition became known, which is what an operator can react
 * to (a store-and-forward backlog's anomaly is hours old by its event time). Operator actions are stamped with the
 * API's wall clock, so MTTA and MTTR subtract times of one kind (docs/time.md).
 */
function raisedAt(event: AnomalyEvent): number {
  return event.arrivalTime ?? event.eventTime;
}
