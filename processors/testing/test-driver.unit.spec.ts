import { describe, expect, it } from 'vitest';
import { PUMP_CONFIG } from '../threshold-detection/index.js';
import { given, machine, seconds, T0 } from './index.js';

describe('test driver', () => {
  it('given readings, when one is folded, then its events come back with offsets assigned in order', () => {
    const m = machine('pump-1', 'pump');
    const driver = given([PUMP_CONFIG]).readings(m.at(0), m.at(seconds(1)));
    const outcome = driver.when(m.at(seconds(2), { status: 'IDLE' }));
    expect(outcome.events.map((e) => [e.type, e.sourceOffset, e.index])).toEqual([
      ['STATUS_CHANGED', 2, 0],
      ['TWIN_UPDATED', 2, 1],
    ]);
    expect(outcome.changes.map((e) => e.type)).toEqual(['STATUS_CHANGED']);
    expect(outcome.counts).toMatchObject({ readings: 1, applied: 1 });
    expect(driver.twin('pump-1')?.status).toBe('IDLE');
  });

  it('given expected events that do not match, when then is called, then it fails', () => {
    const m = machine('pump-1', 'pump');
    const outcome = given([PUMP_CONFIG]).when(m.at(0));
    expect(() => outcome.then([])).toThrow();
    expect(() => outcome.then([{ type: 'ANOMALY_OPENED' }])).toThrow();
    expect(() => outcome.then([{ type: 'STATUS_CHANGED', to: 'IDLE' }])).toThrow();
    expect(() => outcome.then([{ type: 'STATUS_CHANGED', to: 'RUNNING', eventTime: T0 }])).not.toThrow();
  });

  it('given an outcome, when awaited by mistake, then it says so instead of passing silently', async () => {
    const outcome = given([PUMP_CONFIG]).when(machine('pump-1', 'pump').at(0));
    await expect(Promise.resolve().then(() => outcome)).rejects.toThrow(/not a promise/);
  });

  it('given a driver, when restored from its snapshot, then the copy goes on from the same offsets and state', () => {
    const m = machine('pump-1', 'pump');
    const driver = given([PUMP_CONFIG]).readings(m.at(0), m.at(seconds(1)));
    const copy = driver.restored();
    expect(copy.snapshot()).toEqual(driver.snapshot());
    const next = m.at(seconds(2), { temperature: 90 });
    expect(copy.when(next).events).toEqual(driver.when(next).events);
  });
});
