// The notifier's decision, pure and clock-injected: given the alerts as they are now, the routes, and what
// each route has been told about each alert, which messages go out now and what is remembered.
//
// Per route:
// - OPEN: an alert newly matching waits in the route's group; once the oldest waiting alert has waited
//   groupWaitMs, every waiting alert goes out in ONE message to contacts[0]. An alert resolved or shelved
//   while waiting is dropped from the group (nobody needs to hear about it).
// - ESCALATION: still NEW (nobody acknowledged) i × escalateAfterMs after the open message → contacts[i].
// - REMINDER: open (NEW or ACKNOWLEDGED) repeatIntervalMs after the last message about it → every contact
//   told so far. Shelved alerts are quiet.
// - RESOLVED: every contact told about the alert hears that it resolved.
// Alerts due in the same poll for the same (route, contact, kind) share one message.
import { fnv1a64 } from '../alerts/index.js';
import { routeMatches, type AlertView } from './alert-view.js';
import type { Contact, Route } from './routes.js';

export const NOTIFICATION_KINDS = ['OPEN', 'REMINDER', 'ESCALATION', 'RESOLVED'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** What one route has told about one alert in its current episode. */
export interface RouteAlertState {
  readonly routeId: string;
  readonly alertId: string;
  readonly episodeStart: number;
  /** When the notifier first saw the alert match the route (its group window starts here). */
  readonly firstSeenAt: number;
  readonly openNotifiedAt: number | null;
  readonly lastNotifiedAt: number | null;
  /** Highest contact index told (-1: none yet). */
  readonly level: number;
  readonly reminders: number;
  /** Nothing more to say about this episode. */
  readonly done: boolean;
}

/** One message to send: to one contact of one route, about one or more alerts. */
export interface NotificationIntent {
  /** Deterministic; unique per (route, contact, kind, alerts and their episode/step): the idempotency key. */
  readonly key: string;
  readonly routeId: string;
  readonly contactIndex: number;
  readonly contact: Contact;
  readonly kind: NotificationKind;
  /** The alerts it is about, ordered by alert id, as they were when decided. */
  readonly alerts: readonly AlertView[];
  /** For ESCALATION: how long the alerts went unacknowledged before this step. */
  readonly unacknowledgedMs: number | null;
}

export interface DecisionInput {
  readonly now: number;
  readonly routes: readonly Route[];
  /** Every alert that is open, or has a live (not done) state. */
  readonly alerts: readonly AlertView[];
  /** The states of those alerts (done or not). */
  readonly states: readonly RouteAlertState[];
}

export interface Decision {
  readonly intents: readonly NotificationIntent[];
  /** States to write (new or changed). */
  readonly states: readonly RouteAlertState[];
  /** States to delete: alerts dropped from a group before it went out. */
  readonly dropped: readonly { readonly routeId: string; readonly alertId: string }[];
}

const stateKey = (routeId: string, alertId: string) => `${routeId}\u0000${alertId}`;

export function decideNotifications(input: DecisionInput): Decision {
  const { now, routes, alerts } = input;
  const known = new Map(input.states.map((s) => [stateKey(s.routeId, s.alertId), s]));
  const changed = new Map<string, RouteAlertState>();
  const dropped: { routeId: string; alertId: string }[] = [];
  const intents: NotificationIntent[] = [];
  const sorted = [...alerts].sort((a, b) => compare(a.alertId, b.alertId));

  for (const route of routes) {
    const waiting: { alert: AlertView; state: RouteAlertState }[] = [];
    const outgoing = new Outgoing(route);
    for (const alert of sorted) {
      const key = stateKey(route.id, alert.alertId);
      const put = (state: RouteAlertState) => changed.set(key, state);
      let state = known.get(key);
      // Reopened after RESOLVED: a new episode, told afresh.
      if (state !== undefined && state.episodeStart !== alert.episodeStart && alert.status !== 'RESOLVED')
        state = undefined;
      if (state === undefined) {
        if ((alert.status !== 'NEW' && alert.status !== 'ACKNOWLEDGED') || !routeMatches(route, alert))
          continue;
        state = {
          routeId: route.id,
          alertId: alert.alertId,
          episodeStart: alert.episodeStart,
          firstSeenAt: now,
          openNotifiedAt: null,
          lastNotifiedAt: null,
          level: -1,
          reminders: 0,
          done: false,
        };
        put(state);
      }
      if (state.done) continue;

      if (state.openNotifiedAt === null) {
        if (alert.status === 'RESOLVED' || alert.status === 'SHELVED' || !routeMatches(route, alert)) {
          changed.delete(key);
          if (known.has(key)) dropped.push({ routeId: route.id, alertId: alert.alertId });
        } else {
          waiting.push({ alert, state });
        }
        continue;
      }

      const told = Math.min(state.level, route.contacts.length - 1);
      if (alert.status === 'RESOLVED') {
        if (route.notifyResolved) for (let c = 0; c <= told; c++) outgoing.add('RESOLVED', c, alert, '');
        put({ ...state, done: true });
        continue;
      }
      if (alert.status === 'SHELVED') continue;

      const next = state.level + 1;
      const escalateAt =
        route.escalateAfterMs === null ? Infinity : state.openNotifiedAt + next * route.escalateAfterMs;
      if (alert.status === 'NEW' && next < route.contacts.length && now >= escalateAt) {
        outgoing.add('ESCALATION', next, alert, `#e${next}`, now - state.openNotifiedAt);
        put({ ...state, level: next, lastNotifiedAt: now });
        continue;
      }
      const lastTold = state.lastNotifiedAt ?? state.openNotifiedAt;
      if (route.repeatIntervalMs !== null && now >= lastTold + route.repeatIntervalMs) {
        const reminder = state.reminders + 1;
        for (let c = 0; c <= told; c++) outgoing.add('REMINDER', c, alert, `#r${reminder}`);
        put({ ...state, reminders: reminder, lastNotifiedAt: now });
      }
    }

    if (waiting.length > 0) {
      const since = Math.min(...waiting.map((w) => w.state.firstSeenAt));
      if (now >= since + route.groupWaitMs) {
        for (const { alert, state } of waiting) {
          outgoing.add('OPEN', 0, alert, '');
          changed.set(stateKey(route.id, alert.alertId), {
            ...state,
            openNotifiedAt: now,
            lastNotifiedAt: now,
            level: 0,
          });
        }
      }
    }
    intents.push(...outgoing.intents());
  }

  // Live states nobody will look at again (their route is gone, or their alert is): nothing more to say.
  const routeIds = new Set(routes.map((r) => r.id));
  const alertIds = new Set(alerts.map((a) => a.alertId));
  for (const [key, state] of known) {
    if (state.done || changed.has(key)) continue;
    if (!routeIds.has(state.routeId) || !alertIds.has(state.alertId))
      changed.set(key, { ...state, done: true });
  }

  return { intents, states: [...changed.values()], dropped };
}

/** Collects a route's messages by (kind, contact); each alert contributes a key part naming its step. */
class Outgoing {
  private readonly byTarget = new Map<
    string,
    { kind: NotificationKind; contactIndex: number; alerts: AlertView[]; parts: string[]; waitedMs: number }
  >();

  constructor(private readonly route: Route) {}

  add(kind: NotificationKind, contactIndex: number, alert: AlertView, step: string, waitedMs = 0): void {
    const target = `${kind}:${contactIndex}`;
    const entry = this.byTarget.get(target) ?? { kind, contactIndex, alerts: [], parts: [], waitedMs: 0 };
    entry.alerts.push(alert);
    entry.parts.push(`${alert.alertId}@${alert.episodeStart}${step}`);
    entry.waitedMs = Math.max(entry.waitedMs, waitedMs);
    this.byTarget.set(target, entry);
  }

  intents(): NotificationIntent[] {
    const order = (kind: NotificationKind) => NOTIFICATION_KINDS.indexOf(kind);
    return [...this.byTarget.values()]
      .sort((a, b) => order(a.kind) - order(b.kind) || a.contactIndex - b.contactIndex)
      .map((entry) => ({
        key: notificationKey(this.route.id, entry.kind, entry.contactIndex, entry.parts),
        routeId: this.route.id,
        contactIndex: entry.contactIndex,
        contact: this.route.contacts[entry.contactIndex]!,
        kind: entry.kind,
        alerts: entry.alerts,
        unacknowledgedMs: entry.kind === 'ESCALATION' ? entry.waitedMs : null,
      }));
  }
}

/**
 * `<route>:<kind>:<contact>:<hash>` (at most 50 + 11 + 3 + 16 characters), the hash over the sorted
 * `<alertId>@<episodeStart><step>` parts: the same message decided again gets the same key.
 */
export function notificationKey(
  routeId: string,
  kind: NotificationKind,
  contactIndex: number,
  parts: readonly string[],
): string {
  return `${routeId}:${kind}:${contactIndex}:${fnv1a64([...parts].sort(compare).join(','))}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
