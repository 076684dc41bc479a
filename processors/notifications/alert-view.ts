// What the notifier needs of an alert: the alert as the projector materialized it, plus its machine's type
// and the start of its current episode (an alert reopened after RESOLVED is news again).
import type { Alert, AlertStatus } from '../alerts/index.js';
import type { Severity } from '../threshold-detection/severity.js';
import type { Route } from './routes.js';
import { severityRank } from '../threshold-detection/severity.js';

export interface AlertView {
  readonly alertId: string;
  readonly machineId: string;
  /** null when the machine's twin is not projected yet: only routes without machineTypes match. */
  readonly machineType: string | null;
  readonly alertType: string;
  readonly severity: Severity;
  readonly status: AlertStatus;
  readonly openedAt: number;
  /** Event time of the transition that opened the current episode (see episodeStartOf). */
  readonly episodeStart: number;
  readonly repeatCount: number;
  readonly flapping: boolean;
  readonly assignedTo: string | null;
}

/**
 * Event time of the latest transition into NEW from nothing or from RESOLVED (an open, or a flapping reopen);
 * the alert's openedAt when the kept transitions hold none. Stable for the whole episode unless the episode
 * has more transitions than the alert keeps.
 */
export function episodeStartOf(alert: Pick<Alert, 'transitions' | 'openedAt'>): number {
  for (let i = alert.transitions.length - 1; i >= 0; i--) {
    const t = alert.transitions[i]!;
    if (t.to === 'NEW' && (t.from === null || t.from === 'RESOLVED')) return t.at;
  }
  return alert.openedAt;
}

export function alertView(alert: Alert, machineType: string | null): AlertView {
  return {
    alertId: alert.alertId,
    machineId: alert.machineId,
    machineType,
    alertType: alert.alertType,
    severity: alert.severity,
    status: alert.status,
    openedAt: alert.openedAt,
    episodeStart: episodeStartOf(alert),
    repeatCount: alert.repeatCount,
    flapping: alert.flapping,
    assignedTo: alert.assignedTo,
  };
}

/** Whether the route wants this alert: every condition it names holds. */
export function routeMatches(route: Route, alert: AlertView): boolean {
  const { minSeverity, severities, machineTypes, alertTypes } = route.match;
  if (minSeverity !== undefined && severityRank(alert.severity) < severityRank(minSeverity)) return false;
  if (severities !== undefined && !severities.includes(alert.severity)) return false;
  if (machineTypes !== undefined && (alert.machineType === null || !machineTypes.includes(alert.machineType)))
    return false;
  if (alertTypes !== undefined && !alertTypes.includes(alert.alertType)) return false;
  return true;
}
