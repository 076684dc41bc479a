import { describe, expect, it } from 'vitest';
import { minutes, T0 } from '../testing/index.js';
import {
  ALERT_ID_MAX_LENGTH,
  MAX_TRANSITIONS,
  alertDescription,
  alertIdFor,
  evictResolved,
  openAlertOf,
  withTransition,
  type AlertPolicy,
} from './alert.js';
import { anomalies, foldAll } from '../testing/anomaly-fixtures.js';

describe('alert ids', () => {
  it('given short names, when an id is made, then it is the readable <machine>:<type>:<n>', () => {
    expect(alertIdFor('pump-7', 'TEMPERATURE_HIGH', 12)).toBe('pump-7:TEMPERATURE_HIGH:12');
  });

  it('given a 50-character machine id and type, when ids are made, then they are 50 characters, stable and distinct', () => {
    const machineId = 'm'.repeat(50);
    const type = 'T'.repeat(50);
    const one = alertIdFor(machineId, type, 1);
    const two = alertIdFor(machineId, type, 2);
    expect(one).toHaveLength(ALERT_ID_MAX_LENGTH);
    expect(one).toMatch(/^m{33}~[0-9a-f]{16}$/);
    expect(alertIdFor(machineId, type, 1)).toBe(one);
    expect(two).not.toBe(one);
  });
});

describe('alert book', () => {
  const policy: AlertPolicy = { autoResolve: true, flapThreshold: 3, flapWindowMs: minutes(10) };

  it('given a resolved alert, when evicted after its resolution, then it leaves the book but the next id still counts on', () => {
    const pump = anomalies('pump-7');
    const { book } = foldAll(policy, [pump.opened('HOT', 'LOW', T0), pump.cleared('HOT', 'LOW', T0 + 1)]);
    const evicted = evictResolved(book, T0 + minutes(60));
    expect(evicted.alerts).toEqual({});
    expect(evictResolved(book, T0)).toBe(book);
    const { book: after } = foldAll(policy, [pump.opened('HOT', 'LOW', T0 + minutes(61))], evicted);
    expect(openAlertOf(after, 'pump-7', 'HOT')?.alertId).toBe('pump-7:HOT:2');
  });

  it('given many transitions, when more are added, then only the latest are kept and the rest counted', () => {
    const { book } = foldAll(policy, [anomalies('pump-7').opened('HOT', 'LOW', T0)]);
    let alert = openAlertOf(book, 'pump-7', 'HOT')!;
    for (let i = 0; i < MAX_TRANSITIONS + 5; i++) {
      alert = withTransition(alert, {
        action: 'assign',
        by: 'ana',
        at: T0 + i,
        from: 'NEW',
        to: 'NEW',
        note: null,
      });
    }
    expect(alert.transitions).toHaveLength(MAX_TRANSITIONS);
    expect(alert.transitionsDropped).toBe(6);
    expect(alert.transitions.at(-1)?.at).toBe(T0 + MAX_TRANSITIONS + 4);
  });

  it('given a repeated alert, when described, then the line names severity, type, machine and repeats', () => {
    const pump = anomalies('pump-7');
    const { book } = foldAll(policy, [pump.opened('HOT', 'HIGH', T0)]);
    const alert = openAlertOf(book, 'pump-7', 'HOT')!;
    expect(alertDescription(alert)).toBe('HIGH HOT on pump-7');
    expect(alertDescription({ ...alert, repeatCount: 2 })).toBe('HIGH HOT on pump-7 (repeated 2×)');
  });
});
