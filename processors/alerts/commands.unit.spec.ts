import { describe, expect, it } from 'vitest';
import { minutes, T0 } from '../testing/index.js';
import { openAlertOf, putAlert, type Alert, type AlertBook, type AlertPolicy } from './alert.js';
import { anomalies, foldAll } from '../testing/anomaly-fixtures.js';
import { acknowledge, assign, resolve, shelve, unshelveDue, type CommandResult } from './commands.js';

const POLICY: AlertPolicy = { autoResolve: false, flapThreshold: 3, flapWindowMs: minutes(10) };

function givenOpenAlert(machineId = 'pump-7'): { book: AlertBook; alert: Alert } {
  const { book } = foldAll(POLICY, [anomalies(machineId).opened('TEMPERATURE_HIGH', 'HIGH', T0)]);
  return { book, alert: openAlertOf(book, machineId, 'TEMPERATURE_HIGH')! };
}

function ok(result: CommandResult): Alert {
  if (!result.ok) throw new Error(result.message);
  return result.alert;
}

describe('operator commands', () => {
  it('given a NEW alert, when acknowledged, assigned and resolved, then each step is a transition by the operator', () => {
    const { alert } = givenOpenAlert();
    const acked = ok(acknowledge(alert, 'ana', T0 + 1, 'looking'));
    const assigned = ok(assign(acked, 'bo', 'ana', T0 + 2));
    const resolved = ok(resolve(assigned, 'bo', T0 + 3, 'bearing replaced'));
    expect(resolved).toMatchObject({ status: 'RESOLVED', assignedTo: 'bo', resolutionTime: T0 + 3 });
    expect(resolved.transitions.slice(1)).toEqual([
      { action: 'acknowledge', by: 'ana', at: T0 + 1, from: 'NEW', to: 'ACKNOWLEDGED', note: 'looking' },
      {
        action: 'assign',
        by: 'ana',
        at: T0 + 2,
        from: 'ACKNOWLEDGED',
        to: 'ACKNOWLEDGED',
        note: 'assigned to bo',
      },
      {
        action: 'resolve',
        by: 'bo',
        at: T0 + 3,
        from: 'ACKNOWLEDGED',
        to: 'RESOLVED',
        note: 'bearing replaced',
      },
    ]);
    expect(alert.status).toBe('NEW'); // commands don't mutate
  });

  it('given invalid commands, when issued, then they are refused with a code and a message, never thrown', () => {
    const { alert } = givenOpenAlert();
    const acked = ok(acknowledge(alert, 'ana', T0 + 1));
    const resolved = ok(resolve(acked, 'ana', T0 + 2));

    expect(acknowledge(acked, 'ana', T0 + 3)).toEqual({
      ok: false,
      code: 'INVALID_TRANSITION',
      message:
        'cannot acknowledge alert pump-7:TEMPERATURE_HIGH:1: it is ACKNOWLEDGED (acknowledge needs NEW)',
    });
    expect(resolve(resolved, 'ana', T0 + 3)).toMatchObject({ ok: false, code: 'INVALID_TRANSITION' });
    expect(assign(resolved, 'bo', 'ana', T0 + 3)).toMatchObject({ ok: false, code: 'INVALID_TRANSITION' });
    expect(shelve(resolved, T0 + minutes(60), 'ana', T0 + 3)).toMatchObject({
      ok: false,
      code: 'INVALID_TRANSITION',
    });
    const shelved = ok(shelve(alert, T0 + minutes(60), 'ana', T0 + 1));
    expect(shelve(shelved, T0 + minutes(90), 'ana', T0 + 2)).toMatchObject({
      ok: false,
      code: 'INVALID_TRANSITION',
    });
    expect(acknowledge(shelved, 'ana', T0 + 2)).toMatchObject({ ok: false, code: 'INVALID_TRANSITION' });

    expect(shelve(alert, T0, 'ana', T0 + 1)).toEqual({
      ok: false,
      code: 'INVALID_ARGUMENT',
      message: `shelve until ${T0} must be after ${T0 + 1}`,
    });
    expect(acknowledge(alert, ' ', T0 + 1)).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect(assign(alert, '', 'ana', T0 + 1)).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    const assigned = ok(assign(alert, 'bo', 'ana', T0 + 1));
    expect(assign(assigned, 'bo', 'ana', T0 + 2)).toMatchObject({
      ok: false,
      code: 'INVALID_TRANSITION',
      message: 'alert pump-7:TEMPERATURE_HIGH:1 is already assigned to bo',
    });
  });

  it('given alerts shelved until different times, when unshelveDue runs, then only expired shelves return to their previous status', () => {
    const first = givenOpenAlert('pump-7');
    const second = givenOpenAlert('pump-8');
    let book = putAlert(first.book, second.alert);
    const ackedThenShelved = ok(
      shelve(ok(acknowledge(first.alert, 'ana', T0 + 1)), T0 + minutes(30), 'ana', T0 + 2, 'maintenance'),
    );
    const newShelved = ok(shelve(second.alert, T0 + minutes(60), 'ana', T0 + 2));
    book = putAlert(putAlert(book, ackedThenShelved), newShelved);

    expect(unshelveDue(book, T0 + minutes(29)).changes).toEqual([]);

    const at30 = unshelveDue(book, T0 + minutes(30));
    expect(at30.changes.map((c) => [c.kind, c.alert.alertId, c.alert.status])).toEqual([
      ['unshelved', 'pump-7:TEMPERATURE_HIGH:1', 'ACKNOWLEDGED'],
    ]);
    expect(at30.changes[0]!.alert).toMatchObject({ shelvedUntil: null, shelvedFrom: null });
    expect(at30.changes[0]!.alert.transitions.at(-1)).toMatchObject({
      action: 'unshelve',
      by: 'system',
      from: 'SHELVED',
      to: 'ACKNOWLEDGED',
    });
    expect(at30.book.alerts['pump-8:TEMPERATURE_HIGH:1']?.status).toBe('SHELVED');

    const at60 = unshelveDue(at30.book, T0 + minutes(60));
    expect(at60.changes.map((c) => [c.alert.alertId, c.alert.status])).toEqual([
      ['pump-8:TEMPERATURE_HIGH:1', 'NEW'],
    ]);
    expect(unshelveDue(at60.book, T0 + minutes(90)).changes).toEqual([]);
  });

  it('given a shelved alert, when its condition repeats, then it stays shelved but counts the repeat', () => {
    const { book, alert } = givenOpenAlert();
    const shelved = putAlert(book, ok(shelve(alert, T0 + minutes(60), 'ana', T0 + 1)));
    const { book: after } = foldAll(
      POLICY,
      [anomalies('pump-7', 1).opened('TEMPERATURE_HIGH', 'HIGH', T0 + minutes(5))],
      shelved,
    );
    expect(openAlertOf(after, 'pump-7', 'TEMPERATURE_HIGH')).toMatchObject({
      status: 'SHELVED',
      repeatCount: 1,
    });
  });
});
