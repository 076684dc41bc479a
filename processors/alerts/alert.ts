// The alert an operator works on: one per (machine, alert type) at a time, materialized into `alerts`.
import type { Severity } from '../threshold-detection/severity.js';

export const ALERT_STATUSES = ['NEW', 'ACKNOWLEDGED', 'RESOLVED', 'SHELVED'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** Who acts for the processor itself in `transitions`. */
export const SYSTEM_ACTOR = 'system';

/** At most this many transitions are kept per alert (the oldest are dropped and counted). */
export const MAX_TRANSITIONS = 50;

/** `alerts.alert_id` is VARCHAR(50). */
export const ALERT_ID_MAX_LENGTH = 50;

export type AlertAction =
  | 'open'
  | 'reopen'
  | 'escalate'
  | 'clear'
  | 'auto_resolve'
  | 'acknowledge'
  | 'assign'
  | 'resolve'
  | 'shelve'
  | 'unshelve';

/**
 * One entry of the alert's history (`details.transitions`). `from` is null for the opening entry, and
 * `from` = `to` for changes that keep the status (escalation, assignment, clearing without auto-resolve).
 */
export interface AlertTransition {
  readonly action: AlertAction;
  readonly by: string;
  readonly at: number;
  readonly from: AlertStatus | null;
  readonly to: AlertStatus;
  readonly note: string | null;
}

export interface Alert {
  /** Deterministic, ≤ 50 characters: see `alertIdFor`. */
  readonly alertId: string;
  readonly machineId: string;
  /** The anomaly type (TEMPERATURE_HIGH, STALE_DATA, ...). */
  readonly alertType: string;
  /** The highest severity seen while the alert was open. */
  readonly severity: Severity;
  readonly status: AlertStatus;
  /** When the condition began on the machine: the OPENED's event time (alerts.timestamp). */
  readonly openedAt: number;
  /**
   * When the alert was raised: the OPENED's arrival time (docs/time.md; alerts.created_at). The lifecycle runs on
   * this clock (system transitions at their events' arrival, operator actions at the API's wall clock), so MTTA
   * and MTTR subtract times of one kind however late or skewed the data was.
   */
  readonly raisedAt: number;
  /** Event time of the latest OPENED or ESCALATED applied to it. */
  readonly lastSeen: number;
  /** OPENED events folded into this alert after the first (repeats and flapping reopens). */
  readonly repeatCount: number;
  readonly assignedTo: string | null;
  readonly resolutionTime: number | null;
  readonly shelvedUntil: number | null;
  /** While SHELVED: the status it returns to when the shelve expires. */
  readonly shelvedFrom: AlertStatus | null;
  /** The condition has cleared and the alert awaits an operator (policy without auto-resolve). */
  readonly cleared: boolean;
  readonly clearedAt: number | null;
  /** The pair opened more than `flapThreshold` times within `flapWindowMs` (as of the latest open). */
  readonly flapping: boolean;
  /** Arrival times of the pair's latest opens and clears, inside the flap window, at most flapThreshold + 1. */
  readonly recentOpens: readonly number[];
  readonly recentClears: readonly number[];
  /** Rule and config of the latest anomaly event applied. */
  readonly ruleId: string;
  readonly configVersion: number;
  /** The latest MAX_TRANSITIONS transitions, oldest first; `transitionsDropped` counts the ones before. */
  readonly transitions: readonly AlertTransition[];
  readonly transitionsDropped: number;
}

export interface AlertPolicy {
  /** CLEARED resolves the alert (by 'system'); otherwise it is marked `cleared` and awaits an operator. */
  readonly autoResolve: boolean;
  /** More opens than this within `flapWindowMs` make the pair flap. */
  readonly flapThreshold: number;
  readonly flapWindowMs: number;
}

export const DEFAULT_ALERT_POLICY: AlertPolicy = {
  autoResolve: false,
  flapThreshold: 3,
  flapWindowMs: 10 * 60_000,
};

/** Position of the last anomaly event applied for a machine (its id is `<partition>-<sourceOffset>-<index>`). */
export interface AppliedPosition {
  readonly sourceOffset: number;
  readonly index: number;
}

/**
 * All alerts the processor knows, plus the indexes that keep one open alert per pair. Plain records
 * (JSON-friendly) and never mutated: every operation returns a new book.
 */
export interface AlertBook {
  readonly alerts: Readonly<Record<string, Alert>>;
  /** pairKey → alertId of the pair's current alert (status other than RESOLVED). */
  readonly open: Readonly<Record<string, string>>;
  /** pairKey → alertId of the pair's most recent alert (open or resolved), for flapping reopens. */
  readonly latest: Readonly<Record<string, string>>;
  /** pairKey → how many alerts the pair has had (the `n` of alert ids). */
  readonly counts: Readonly<Record<string, number>>;
  /** machineId → last event applied, to ignore redeliveries. */
  readonly applied: Readonly<Record<string, AppliedPosition>>;
}

export const EMPTY_ALERT_BOOK: AlertBook = { alerts: {}, open: {}, latest: {}, counts: {}, applied: {} };

export function pairKey(machineId: string, alertType: string): string {
  return `${machineId}\u0000${alertType}`;
}

/**
 * Alert id of the n-th alert (1-based) of a (machine, alert type) pair.
 *
 * Readable `<machineId>:<alertType>:<n>` when that fits in 50 characters; otherwise its first 33
 * characters, `~`, and 16 hex digits of the FNV-1a 64-bit hash of the full readable id (50 exactly).
 * Deterministic: the same events give the same ids, so replays and redeliveries upsert the same rows.
 */
export function alertIdFor(machineId: string, alertType: string, n: number): string {
  const readable = `${machineId}:${alertType}:${n}`;
  if (readable.length <= ALERT_ID_MAX_LENGTH) return readable;
  const hash = fnv1a64(readable);
  return `${readable.slice(0, ALERT_ID_MAX_LENGTH - hash.length - 1)}~${hash}`;
}

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK_64 = 0xffffffffffffffffn;

/** FNV-1a 64 over UTF-16 code units, as 16 lowercase hex digits. */
export function fnv1a64(text: string): string {
  let hash = FNV_OFFSET;
  for (let i = 0; i < text.length; i++) {
    hash ^= BigInt(text.charCodeAt(i));
    hash = (hash * FNV_PRIME) & MASK_64;
  }
  return hash.toString(16).padStart(16, '0');
}

/** Appends a transition, keeping the latest MAX_TRANSITIONS. */
export function withTransition(alert: Alert, transition: AlertTransition): Alert {
  const all = [...alert.transitions, transition];
  const dropped = Math.max(0, all.length - MAX_TRANSITIONS);
  return {
    ...alert,
    transitions: dropped === 0 ? all : all.slice(dropped),
    transitionsDropped: alert.transitionsDropped + dropped,
  };
}

/**
 * Puts an alert (e.g. one an operator command returned) back into the book, keeping the open index:
 * a RESOLVED alert stops being its pair's open alert, so the next OPENED starts a new one.
 */
export function putAlert(book: AlertBook, alert: Alert): AlertBook {
  const key = pairKey(alert.machineId, alert.alertType);
  const alerts = { ...book.alerts, [alert.alertId]: alert };
  let open = book.open;
  if (alert.status === 'RESOLVED') {
    if (open[key] === alert.alertId) {
      const { [key]: _removed, ...rest } = open;
      open = rest;
    }
  } else if (open[key] !== alert.alertId) {
    open = { ...open, [key]: alert.alertId };
  }
  return { ...book, alerts, open };
}

/** The pair's current (not RESOLVED) alert, if any. */
export function openAlertOf(book: AlertBook, machineId: string, alertType: string): Alert | undefined {
  const id = book.open[pairKey(machineId, alertType)];
  return id === undefined ? undefined : book.alerts[id];
}

/**
 * Drops RESOLVED alerts resolved before `before` (once the projector has them), so the book stays
 * bounded. Counts and applied positions are kept, so ids stay unique and redeliveries stay ignored.
 */
export function evictResolved(book: AlertBook, before: number): AlertBook {
  const alerts: Record<string, Alert> = {};
  const evicted = new Set<string>();
  for (const [id, alert] of Object.entries(book.alerts)) {
    if (alert.status === 'RESOLVED' && alert.resolutionTime !== null && alert.resolutionTime < before) {
      evicted.add(id);
    } else {
      alerts[id] = alert;
    }
  }
  if (evicted.size === 0) return book;
  const latest: Record<string, string> = {};
  for (const [key, id] of Object.entries(book.latest)) if (!evicted.has(id)) latest[key] = id;
  return { ...book, alerts, latest };
}

/** The alert in one line, as operators read it (`alerts.description`). */
export function alertDescription(alert: Alert): string {
  const repeats = alert.repeatCount > 0 ? ` (repeated ${alert.repeatCount}×)` : '';
  return `${alert.severity} ${alert.alertType} on ${alert.machineId}${repeats}`;
}
