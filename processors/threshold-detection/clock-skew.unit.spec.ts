import { describe, expect, it } from 'vitest';
import { given, machine, minutes, seconds, T0 } from '../testing/index.js';
import type { SensorReading } from '../readings/reading.js';
import type { MachineTypeConfig } from './machine-type-config.js';
import { DEFAULT_MACHINE_TYPE_CONFIG } from './seed-configs.js';

const LINE: MachineTypeConfig = {
  ...DEFAULT_MACHINE_TYPE_CONFIG,
  machineType: 'line',
  thresholds: { staleData: null },
};

const options = { maxAheadMs: seconds(60), clockSkewBehindMs: minutes(5), clockSkewConfirmMs: minutes(5) };

/** `count` readings a second apart, each arriving `lagMs` after its event time, starting at T0 + fromMs. */
function live(id: string, fromMs: number, count: number, lagMs: number): Array<[SensorReading, number]> {
  const m = machine(id, 'line');
  return Array.from({ length: count }, (_, i) => {
    const reading = m.at(fromMs + seconds(i));
    return [reading, reading.timestamp + lagMs] as [SensorReading, number];
  });
}

const skewEvents = (events: ReadonlyArray<{ type: string }>) =>
  events.filter(
    (event) => 'anomalyType' in event && (event as { anomalyType: string }).anomalyType === 'CLOCK_SKEW',
  );

describe('clock skew', () => {
  it('given a gateway 50 minutes ahead, when its reading arrives, then CLOCK_SKEW opens with the offset and the reading is placed at its arrival', () => {
    const a = machine('a', 'line');
    const driver = given([LINE], options);
    driver.whenArriving([a.at(minutes(50)), T0]).then([
      { type: 'STATUS_CHANGED', machineId: 'a', eventTime: T0 },
      {
        type: 'ANOMALY_OPENED',
        anomalyType: 'CLOCK_SKEW',
        machineId: 'a',
        eventTime: T0,
        calculatedMetrics: { offsetMs: minutes(50), bound: seconds(60) },
      },
    ]);
    expect(driver.twin('a')?.lastEventTime).toBe(T0);
  });

  it('given a machine flagged ahead, when its clock is fixed, then CLOCK_SKEW clears at the first reading back within the allowance', () => {
    const a = machine('a', 'line');
    given([LINE], options)
      .readings()
      .whenArriving([a.at(minutes(50)), T0], [a.at(minutes(50) + seconds(1)), T0 + seconds(1)])
      .then([{ type: 'STATUS_CHANGED' }, { type: 'ANOMALY_OPENED', anomalyType: 'CLOCK_SKEW' }])
      .whenArriving([a.at(seconds(2)), T0 + seconds(2)])
      .then([{ type: 'ANOMALY_CLEARED', anomalyType: 'CLOCK_SKEW', calculatedMetrics: { offsetMs: 0 } }]);
  });

  it('given a machine sending a backlog, when one of its readings is stamped an hour ahead of its arrival, then that one is dead-lettered as future_timestamp, the machine flagged CLOCK_SKEW, and the rest of the backlog applied', () => {
    const a = machine('a', 'line');
    const now = T0 + minutes(120);
    const driver = given([LINE], options);
    const outcome = driver.whenArriving(
      [a.at(0), now],
      [a.at(seconds(1)), now],
      [a.at(minutes(180)), now + 1],
      [a.at(seconds(2)), now + 2],
    );
    expect(outcome.rejected).toEqual([
      {
        offset: 2,
        reason: 'future_timestamp',
        detail: expect.stringContaining('its clock is wrong') as string,
      },
    ]);
    expect(skewEvents(outcome.changes)).toMatchObject([
      { type: 'ANOMALY_OPENED', calculatedMetrics: { offsetMs: minutes(60) - 1 } },
    ]);
    expect(driver.twin('a')).toMatchObject({
      lastEventTime: T0 + seconds(2),
      counters: { applied: 3, late: 0 },
    });
  });

  it('given a gateway 2 hours behind reporting live, when it has been behind for the confirmation time, then CLOCK_SKEW opens once, with a negative offset', () => {
    const driver = given([LINE], options);
    const outcome = driver.whenArriving(...live('a', 0, 400, minutes(120)));
    const skew = skewEvents(outcome.changes);
    expect(skew).toHaveLength(1);
    expect(skew[0]).toMatchObject({
      type: 'ANOMALY_OPENED',
      calculatedMetrics: { offsetMs: -minutes(120), bound: minutes(5) },
      // confirmed five minutes of arrival time after the first reading behind
      eventTime: T0 + minutes(120) + minutes(5),
    });
  });

  it('given a store-and-forward backlog of 2 hours sent in a burst, when it drains, then no CLOCK_SKEW is raised', () => {
    const a = machine('a', 'line');
    const burstAt = T0 + minutes(120);
    const backlog = Array.from(
      { length: 7_200 },
      (_, i) => [a.at(seconds(i)), burstAt + i] as [SensorReading, number],
    );
    const outcome = given([LINE], options).whenArriving(...backlog);
    expect(skewEvents(outcome.changes)).toEqual([]);
  });

  it('given a slow machine behind for less than the confirmation time, when it catches up, then nothing is raised and the watch resets', () => {
    const driver = given([LINE], options);
    const outcome = driver.whenArriving(...live('a', 0, 200, minutes(10)));
    expect(skewEvents(outcome.changes)).toEqual([]);
    expect(Number.isNaN(driver.twin('a')!.behindSinceArrival)).toBe(false);
    driver.whenArriving(...live('a', seconds(200), 1, seconds(1))).then([]);
    expect(Number.isNaN(driver.twin('a')!.behindSinceArrival)).toBe(true);
  });

  it('given a skewed machine, when the batch is folded again after a failed commit or restored from a snapshot, then the watch is the same', () => {
    const first = given([LINE], options);
    first.whenArriving(...live('a', 0, 200, minutes(120)));
    const restored = first.restored();
    const rest = live('a', seconds(200), 200, minutes(120));
    const a = skewEvents(first.whenArriving(...rest).changes);
    const b = skewEvents(restored.whenArriving(...rest).changes);
    expect(a).toHaveLength(1);
    expect(b).toEqual(a);
  });
});
