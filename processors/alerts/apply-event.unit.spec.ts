import { describe, expect, it } from 'vitest';
import { minutes, T0 } from '../testing/index.js';
import { EMPTY_ALERT_BOOK, openAlertOf, putAlert, type Alert, type AlertPolicy } from './alert.js';
import { anomalies, foldAll } from '../testing/anomaly-fixtures.js';
import { applyAnomalyEvent } from './apply-event.js';
import { acknowledge, resolve } from './commands.js';

const AUTO: AlertPolicy = { autoResolve: true, flapThreshold: 3, flapWindowMs: minutes(10) };
const MANUAL: AlertPolicy = { ...AUTO, autoResolve: false };
const HOT = 'TEMPERATURE_HIGH';

function ok(result: ReturnType<typeof acknowledge>): Alert {
  if (!result.ok) throw new Error(result.message);
  return result.alert;
}

describe('alerts from anomaly events', () => {
  it('given pump-7 overheats, escalates, is acknowledged and clears, when it then flaps, then one alert per episode until flapping, which reopens the latest alert instead of creating more', () => {
    const pump = anomalies('pump-7');
    // given: overheating opens an alert, which escalates
    let { book, changes } = foldAll(AUTO, [
      pump.opened(HOT, 'HIGH', T0),
      pump.escalated(HOT, 'HIGH', 'CRITICAL', T0 + minutes(0.5)),
    ]);
    expect(changes.map((c) => c.kind)).toEqual(['created', 'escalated']);
    expect(openAlertOf(book, 'pump-7', HOT)).toMatchObject({
      alertId: 'pump-7:TEMPERATURE_HIGH:1',
      alertType: HOT,
      severity: 'CRITICAL',
      status: 'NEW',
      openedAt: T0,
      lastSeen: T0 + minutes(0.5),
      repeatCount: 0,
    });

    // when: an operator acknowledges it, and the condition clears
    const acked = ok(acknowledge(openAlertOf(book, 'pump-7', HOT)!, 'ana', T0 + minutes(0.6), 'on it'));
    book = putAlert(book, acked);
    ({ book, changes } = foldAll(AUTO, [pump.cleared(HOT, 'CRITICAL', T0 + minutes(0.8))], book));

    // then: auto-resolved, with the whole story in transitions
    expect(changes).toHaveLength(1);
    const first = changes[0]!.alert;
    expect(first).toMatchObject({ status: 'RESOLVED', resolutionTime: T0 + minutes(0.8), cleared: true });
    expect(first.transitions.map(({ action, by, from, to }) => ({ action, by, from, to }))).toEqual([
      { action: 'open', by: 'system', from: null, to: 'NEW' },
      { action: 'escalate', by: 'system', from: 'NEW', to: 'NEW' },
      { action: 'acknowledge', by: 'ana', from: 'NEW', to: 'ACKNOWLEDGED' },
      { action: 'auto_resolve', by: 'system', from: 'ACKNOWLEDGED', to: 'RESOLVED' },
    ]);
    expect(first.transitions[1]!.note).toBe('severity HIGH → CRITICAL');
    expect(openAlertOf(book, 'pump-7', HOT)).toBeUndefined();

    // when: it opens and clears again and again within the 10-minute window
    ({ book, changes } = foldAll(
      AUTO,
      [
        pump.opened(HOT, 'HIGH', T0 + minutes(1)), // 2nd open: new alert
        pump.cleared(HOT, 'HIGH', T0 + minutes(2)),
        pump.opened(HOT, 'HIGH', T0 + minutes(3)), // 3rd: new alert
        pump.cleared(HOT, 'HIGH', T0 + minutes(4)),
        pump.opened(HOT, 'HIGH', T0 + minutes(5)), // 4th > 3: flapping, reopen
        pump.cleared(HOT, 'HIGH', T0 + minutes(6)),
        pump.opened(HOT, 'HIGH', T0 + minutes(7)), // reopen again
      ],
      book,
    ));

    // then: no alert storm, the third alert is reopened and flagged
    expect(changes.map((c) => `${c.kind} ${c.alert.alertId}`)).toEqual([
      'created pump-7:TEMPERATURE_HIGH:2',
      'resolved pump-7:TEMPERATURE_HIGH:2',
      'created pump-7:TEMPERATURE_HIGH:3',
      'resolved pump-7:TEMPERATURE_HIGH:3',
      'reopened pump-7:TEMPERATURE_HIGH:3',
      'resolved pump-7:TEMPERATURE_HIGH:3',
      'reopened pump-7:TEMPERATURE_HIGH:3',
    ]);
    expect(Object.keys(book.alerts)).toHaveLength(3);
    const flapping = openAlertOf(book, 'pump-7', HOT)!;
    expect(flapping).toMatchObject({
      alertId: 'pump-7:TEMPERATURE_HIGH:3',
      status: 'NEW',
      flapping: true,
      repeatCount: 2,
      resolutionTime: null,
      openedAt: T0 + minutes(3),
      lastSeen: T0 + minutes(7),
    });
    expect(flapping.recentOpens).toEqual([1, 3, 5, 7].map((m) => T0 + minutes(m)));
    expect(flapping.transitions.at(-1)).toMatchObject({
      action: 'reopen',
      from: 'RESOLVED',
      to: 'NEW',
      note: `flapping: 4 opens within ${minutes(10)} ms`,
    });
  });

  it('given flapping has calmed down, when the pair opens after the window, then a new alert is created', () => {
    const pump = anomalies('pump-7');
    const events = [0, 1, 2, 3].flatMap((m) => [
      pump.opened(HOT, 'LOW', T0 + minutes(m)),
      pump.cleared(HOT, 'LOW', T0 + minutes(m + 0.5)),
    ]);
    const { book } = foldAll(AUTO, [...events, pump.opened(HOT, 'LOW', T0 + minutes(30))]);
    expect(openAlertOf(book, 'pump-7', HOT)).toMatchObject({
      alertId: 'pump-7:TEMPERATURE_HIGH:4',
      flapping: false,
      repeatCount: 0,
    });
  });

  it('given an open alert, when OPENED arrives again, then the repeat counter and lastSeen rise instead of a new alert', () => {
    const pump = anomalies('pump-7');
    const { book, changes } = foldAll(MANUAL, [
      pump.opened(HOT, 'MEDIUM', T0),
      pump.opened(HOT, 'HIGH', T0 + minutes(1)),
      pump.opened(HOT, 'LOW', T0 + minutes(2)),
    ]);
    expect(changes.map((c) => c.kind)).toEqual(['created', 'repeated', 'repeated']);
    expect(Object.keys(book.alerts)).toEqual(['pump-7:TEMPERATURE_HIGH:1']);
    expect(openAlertOf(book, 'pump-7', HOT)).toMatchObject({
      repeatCount: 2,
      lastSeen: T0 + minutes(2),
      severity: 'HIGH',
    });
  });

  it('given other machines and alert types, when they open, then each pair has its own alert', () => {
    const pump = anomalies('pump-7');
    const mill = anomalies('mill-1');
    const { book } = foldAll(MANUAL, [
      pump.opened(HOT, 'HIGH', T0),
      pump.opened('VIBRATION_HIGH', 'LOW', T0),
      mill.opened(HOT, 'LOW', T0),
    ]);
    expect(Object.keys(book.alerts).sort()).toEqual([
      'mill-1:TEMPERATURE_HIGH:1',
      'pump-7:TEMPERATURE_HIGH:1',
      'pump-7:VIBRATION_HIGH:1',
    ]);
  });

  it('given a policy without auto-resolve, when the condition clears, then the alert is marked cleared and awaits an operator; a new OPENED folds into it', () => {
    const pump = anomalies('pump-7');
    let { book } = foldAll(MANUAL, [
      pump.opened(HOT, 'HIGH', T0),
      pump.cleared(HOT, 'HIGH', T0 + minutes(1)),
    ]);
    expect(openAlertOf(book, 'pump-7', HOT)).toMatchObject({
      status: 'NEW',
      cleared: true,
      clearedAt: T0 + minutes(1),
      resolutionTime: null,
    });
    ({ book } = foldAll(MANUAL, [pump.opened(HOT, 'HIGH', T0 + minutes(2))], book));
    const alert = openAlertOf(book, 'pump-7', HOT)!;
    expect(alert).toMatchObject({ alertId: 'pump-7:TEMPERATURE_HIGH:1', cleared: false, repeatCount: 1 });
    expect(alert.transitions.map((t) => t.action)).toEqual(['open', 'clear', 'reopen']);

    // and once an operator resolves it, the next OPENED starts alert 2
    const resolved = resolve(alert, 'ana', T0 + minutes(3), 'replaced fan');
    if (!resolved.ok) throw new Error(resolved.message);
    book = putAlert(book, resolved.alert);
    ({ book } = foldAll(MANUAL, [pump.opened(HOT, 'HIGH', T0 + minutes(30))], book));
    expect(openAlertOf(book, 'pump-7', HOT)?.alertId).toBe('pump-7:TEMPERATURE_HIGH:2');
  });

  it('given an operator resolved an alert while its condition held, when it escalates, then a new alert opens at the new severity', () => {
    const pump = anomalies('pump-7');
    let { book } = foldAll(MANUAL, [pump.opened(HOT, 'HIGH', T0)]);
    const resolved = resolve(openAlertOf(book, 'pump-7', HOT)!, 'ana', T0 + minutes(1));
    if (!resolved.ok) throw new Error(resolved.message);
    book = putAlert(book, resolved.alert);
    ({ book } = foldAll(MANUAL, [pump.escalated(HOT, 'HIGH', 'CRITICAL', T0 + minutes(2))], book));
    expect(openAlertOf(book, 'pump-7', HOT)).toMatchObject({
      alertId: 'pump-7:TEMPERATURE_HIGH:2',
      severity: 'CRITICAL',
    });
  });

  it('given a CLEARED without an open alert, when applied, then nothing changes but its position is recorded', () => {
    const pump = anomalies('pump-7', 5);
    const { book, changes } = foldAll(MANUAL, [pump.cleared(HOT, 'HIGH', T0)]);
    expect(changes).toEqual([]);
    expect(book.alerts).toEqual({});
    expect(book.applied).toEqual({ 'pump-7': { sourceOffset: 5, index: 0 } });
  });

  it('given events already applied, when they are redelivered, then the book is unchanged and there are no changes', () => {
    const pump = anomalies('pump-7');
    const events = [
      pump.opened(HOT, 'HIGH', T0),
      pump.escalated(HOT, 'HIGH', 'CRITICAL', T0 + minutes(1)),
      pump.opened(HOT, 'HIGH', T0 + minutes(2)),
      pump.cleared(HOT, 'CRITICAL', T0 + minutes(3)),
    ];
    const { book } = foldAll(AUTO, events);
    for (const event of events) {
      const outcome = applyAnomalyEvent(book, event, AUTO);
      expect(outcome.book).toBe(book);
      expect(outcome.changes).toEqual([]);
    }
    // a redelivered prefix followed by new events only applies the new ones
    const next = pump.opened(HOT, 'LOW', T0 + minutes(30));
    const again = foldAll(AUTO, [...events, next], book);
    expect(again.changes.map((c) => `${c.kind} ${c.alert.alertId}`)).toEqual([
      'created pump-7:TEMPERATURE_HIGH:2',
    ]);
  });

  it('given two events of one offset, when the first is redelivered after the second, then it is ignored', () => {
    const base = anomalies('pump-7').opened(HOT, 'HIGH', T0);
    const second = { ...base, index: 1, anomalyType: 'VIBRATION_HIGH' };
    const { book } = foldAll(MANUAL, [base, second]);
    expect(applyAnomalyEvent(book, base, MANUAL).book).toBe(book);
    expect(EMPTY_ALERT_BOOK.alerts).toEqual({}); // the shared empty book is never mutated
  });
});
