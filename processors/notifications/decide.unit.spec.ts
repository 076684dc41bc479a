import { describe, expect, it } from 'vitest';
import type { AlertView } from './alert-view.js';
import { decideNotifications, type Decision, type RouteAlertState } from './decide.js';
import { parseRoutes, type Route } from './routes.js';

const T0 = Date.UTC(2026, 2, 2, 8, 0, 0);
const S = 1_000;

function route(overrides: Record<string, unknown> = {}): Route {
  return parseRoutes({
    routes: [
      {
        id: 'ovens',
        match: { minSeverity: 'MEDIUM', machineTypes: ['oven'] },
        contacts: [
          { name: 'ops-hook', channel: 'WEBHOOK', url: 'http://hooks.example/ops' },
          { name: 'shift-lead', channel: 'SMS', url: 'http://sms.example/send', to: '+4915100000001' },
          { name: 'plant-chat', channel: 'WEBHOOK', url: 'http://hooks.example/slack', format: 'slack' },
        ],
        groupWaitMs: 10 * S,
        repeatIntervalMs: 600 * S,
        escalateAfterMs: 60 * S,
        ...overrides,
      },
    ],
  }).routes[0]!;
}

function alert(machineId: string, overrides: Partial<AlertView> = {}): AlertView {
  return {
    alertId: `${machineId}:TEMPERATURE_HIGH:1`,
    machineId,
    machineType: 'oven',
    alertType: 'TEMPERATURE_HIGH',
    severity: 'HIGH',
    status: 'NEW',
    openedAt: T0,
    episodeStart: T0,
    repeatCount: 0,
    flapping: false,
    assignedTo: null,
    ...overrides,
  };
}

/** Runs the decision at each time, carrying states forward as the runtime does. */
class Notifier {
  states = new Map<string, RouteAlertState>();
  constructor(private readonly routes: Route[]) {}
  at(now: number, alerts: AlertView[]): Decision {
    const decision = decideNotifications({
      now,
      routes: this.routes,
      alerts,
      states: [...this.states.values()],
    });
    for (const s of decision.states) this.states.set(`${s.routeId}/${s.alertId}`, s);
    for (const d of decision.dropped) this.states.delete(`${d.routeId}/${d.alertId}`);
    return decision;
  }
}

const summary = (decision: Decision) =>
  decision.intents.map((i) => `${i.kind} → ${i.contact.name}: ${i.alerts.map((a) => a.machineId).join(',')}`);

describe('notification decisions', () => {
  it('given two alerts within the group window, when the window ends, then ONE open message carries both', () => {
    const notifier = new Notifier([route()]);
    expect(summary(notifier.at(T0, [alert('oven-1')]))).toEqual([]);
    expect(summary(notifier.at(T0 + 4 * S, [alert('oven-1'), alert('oven-2')]))).toEqual([]);
    const fired = notifier.at(T0 + 10 * S, [alert('oven-1'), alert('oven-2')]);
    expect(summary(fired)).toEqual(['OPEN → ops-hook: oven-1,oven-2']);
    // Once told, the same alerts never open again.
    expect(summary(notifier.at(T0 + 11 * S, [alert('oven-1'), alert('oven-2')]))).toEqual([]);
  });

  it('given alerts that do not match, when decided, then nothing is remembered or sent', () => {
    const notifier = new Notifier([route()]);
    const decision = notifier.at(T0 + 60 * S, [
      alert('pump-1', { machineType: 'pump' }),
      alert('oven-3', { severity: 'LOW' }),
      alert('oven-4', { machineType: null }),
    ]);
    expect(decision).toEqual({ intents: [], states: [], dropped: [] });
  });

  it('given an alert resolved before its group went out, when decided, then it is dropped silently', () => {
    const notifier = new Notifier([route()]);
    notifier.at(T0, [alert('oven-1')]);
    const decision = notifier.at(T0 + 10 * S, [alert('oven-1', { status: 'RESOLVED' })]);
    expect(decision.intents).toEqual([]);
    expect(decision.dropped).toEqual([{ routeId: 'ovens', alertId: 'oven-1:TEMPERATURE_HIGH:1' }]);
    expect(notifier.states.size).toBe(0);
  });

  it('given nobody acknowledges, when each escalateAfterMs passes, then the next contact is told, once', () => {
    const notifier = new Notifier([route()]);
    notifier.at(T0, [alert('oven-1')]);
    notifier.at(T0 + 10 * S, [alert('oven-1')]);
    expect(summary(notifier.at(T0 + 69 * S, [alert('oven-1')]))).toEqual([]);
    const first = notifier.at(T0 + 70 * S, [alert('oven-1')]);
    expect(summary(first)).toEqual(['ESCALATION → shift-lead: oven-1']);
    expect(first.intents[0]!.unacknowledgedMs).toBe(60 * S);
    expect(summary(notifier.at(T0 + 71 * S, [alert('oven-1')]))).toEqual([]);
    expect(summary(notifier.at(T0 + 130 * S, [alert('oven-1')]))).toEqual([
      'ESCALATION → plant-chat: oven-1',
    ]);
    // The chain has no fourth contact.
    expect(summary(notifier.at(T0 + 500 * S, [alert('oven-1')]))).toEqual([]);
  });

  it('given the alert is acknowledged in time, when escalateAfterMs passes, then nobody else is told', () => {
    const notifier = new Notifier([route()]);
    notifier.at(T0, [alert('oven-1')]);
    notifier.at(T0 + 10 * S, [alert('oven-1')]);
    const acked = alert('oven-1', { status: 'ACKNOWLEDGED' });
    expect(summary(notifier.at(T0 + 70 * S, [acked]))).toEqual([]);
    expect(summary(notifier.at(T0 + 300 * S, [acked]))).toEqual([]);
  });

  it('given an alert left open, when repeatIntervalMs passes, then everyone told so far gets a reminder', () => {
    const notifier = new Notifier([route({ escalateAfterMs: 60 * S })]);
    notifier.at(T0, [alert('oven-1')]);
    notifier.at(T0 + 10 * S, [alert('oven-1')]); // open → ops-hook
    notifier.at(T0 + 70 * S, [alert('oven-1')]); // escalation → shift-lead
    const acked = alert('oven-1', { status: 'ACKNOWLEDGED' });
    expect(summary(notifier.at(T0 + 669 * S, [acked]))).toEqual([]);
    expect(summary(notifier.at(T0 + 670 * S, [acked]))).toEqual([
      'REMINDER → ops-hook: oven-1',
      'REMINDER → shift-lead: oven-1',
    ]);
    // The next reminder has its own key (a new step), the interval counted from this one.
    const second = notifier.at(T0 + 1270 * S, [acked]);
    expect(summary(second)).toEqual(['REMINDER → ops-hook: oven-1', 'REMINDER → shift-lead: oven-1']);
  });

  it('given a shelved alert, when reminders and escalations fall due, then it stays quiet', () => {
    const notifier = new Notifier([route()]);
    notifier.at(T0, [alert('oven-1')]);
    notifier.at(T0 + 10 * S, [alert('oven-1')]);
    expect(summary(notifier.at(T0 + 2_000 * S, [alert('oven-1', { status: 'SHELVED' })]))).toEqual([]);
  });

  it('given told alerts resolve, when decided, then every contact told hears it in one message each', () => {
    const notifier = new Notifier([route()]);
    notifier.at(T0, [alert('oven-1'), alert('oven-2')]);
    notifier.at(T0 + 10 * S, [alert('oven-1'), alert('oven-2')]);
    notifier.at(T0 + 70 * S, [alert('oven-1'), alert('oven-2')]);
    const resolved = [alert('oven-1', { status: 'RESOLVED' }), alert('oven-2', { status: 'RESOLVED' })];
    expect(summary(notifier.at(T0 + 80 * S, resolved))).toEqual([
      'RESOLVED → ops-hook: oven-1,oven-2',
      'RESOLVED → shift-lead: oven-1,oven-2',
    ]);
    expect(summary(notifier.at(T0 + 90 * S, resolved))).toEqual([]);
    expect([...notifier.states.values()].every((s) => s.done)).toBe(true);
  });

  it('given a resolved alert reopens (a new episode), when the group window ends, then it opens again with a new key', () => {
    const notifier = new Notifier([route()]);
    notifier.at(T0, [alert('oven-1')]);
    const firstOpen = notifier.at(T0 + 10 * S, [alert('oven-1')]).intents[0]!;
    notifier.at(T0 + 20 * S, [alert('oven-1', { status: 'RESOLVED' })]);
    const reopened = alert('oven-1', { episodeStart: T0 + 25 * S, flapping: true });
    expect(summary(notifier.at(T0 + 30 * S, [reopened]))).toEqual([]);
    const secondOpen = notifier.at(T0 + 40 * S, [reopened]).intents[0]!;
    expect(secondOpen.kind).toBe('OPEN');
    expect(secondOpen.key).not.toBe(firstOpen.key);
  });

  it('given the same history decided twice, when compared, then keys are equal (the idempotency key is deterministic)', () => {
    const run = () => {
      const notifier = new Notifier([route()]);
      notifier.at(T0, [alert('oven-1'), alert('oven-2')]);
      return [
        ...notifier.at(T0 + 10 * S, [alert('oven-1'), alert('oven-2')]).intents,
        ...notifier.at(T0 + 70 * S, [alert('oven-1'), alert('oven-2')]).intents,
      ].map((i) => i.key);
    };
    const keys = run();
    expect(keys).toEqual(run());
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys[0]).toMatch(/^ovens:OPEN:0:[0-9a-f]{16}$/);
  });

  it('given two routes match, when decided, then each route sends its own message', () => {
    const other = parseRoutes({
      routes: [
        {
          id: 'temperature',
          match: { alertTypes: ['TEMPERATURE_HIGH'], severities: ['HIGH', 'CRITICAL'] },
          contacts: [
            { name: 'ops-sms', channel: 'SMS', url: 'http://sms.example/send', to: '+4915100000002' },
          ],
          groupWaitMs: 0,
        },
      ],
    }).routes[0]!;
    const notifier = new Notifier([route({ groupWaitMs: 0 }), other]);
    expect(summary(notifier.at(T0, [alert('oven-1')]))).toEqual([
      'OPEN → ops-hook: oven-1',
      'OPEN → ops-sms: oven-1',
    ]);
  });

  it('given a route removed from the file, when decided, then its live states are closed without messages', () => {
    const notifier = new Notifier([route({ groupWaitMs: 0 })]);
    notifier.at(T0, [alert('oven-1')]);
    const after = new Notifier([]);
    after.states = notifier.states;
    const decision = after.at(T0 + S, [alert('oven-1')]);
    expect(decision.intents).toEqual([]);
    expect(decision.states.map((s) => s.done)).toEqual([true]);
  });
});
