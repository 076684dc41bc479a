import { describe, expect, it } from 'vitest';
import { given, machine, minutes, prng, seconds, T0 } from '../testing/index.js';
import type { MachineTypeConfig } from './machine-type-config.js';
import { DeadlineHeap } from './stale-data.js';

function line(staleAfterMs: number | null, version = 1): MachineTypeConfig {
  return {
    machineType: 'line',
    version,
    baselineTemp: null,
    tempVariation: null,
    baselineVibration: null,
    vibrationVariation: null,
    operationalPattern: 'CYCLIC',
    thresholds: { staleData: staleAfterMs === null ? null : { afterMs: staleAfterMs, severity: 'HIGH' } },
  };
}

describe('stale data', () => {
  it('given machines a and b, when b keeps reporting past a’s 5-minute timeout, then STALE_DATA opens for a once, at the offset of b’s reading that moved stream time past it', () => {
    const a = machine('a', 'line');
    const b = machine('b', 'line');
    const driver = given([line(minutes(5))]).readings(a.at(0), b.at(0)); // offsets 0, 1
    driver.when(b.at(minutes(5))).then([]); // offset 2: exactly 5 minutes is not yet stale
    driver
      .when(b.at(minutes(5) + 1)) // offset 3
      .then([
        {
          type: 'ANOMALY_OPENED',
          anomalyType: 'STALE_DATA',
          ruleId: 'stale-data',
          machineId: 'a',
          severity: 'HIGH',
          sourceOffset: 3,
          eventTime: T0 + minutes(5) + 1,
          reading: null,
          calculatedMetrics: { value: minutes(5) + 1, bound: minutes(5), durationMs: minutes(5) + 1 },
        },
      ]);
    driver.when(b.at(minutes(10)), b.at(minutes(15))).then([]); // once
  });

  it('given a stale machine, when it reports again with fresh data, then STALE_DATA clears', () => {
    const a = machine('a', 'line');
    const b = machine('b', 'line');
    given([line(minutes(5))])
      .readings(a.at(0), b.at(0), b.at(minutes(6)))
      .when(a.at(minutes(6)))
      .then([
        {
          type: 'ANOMALY_CLEARED',
          anomalyType: 'STALE_DATA',
          machineId: 'a',
          clearReason: 'back_to_normal',
          calculatedMetrics: { value: minutes(6), durationMs: minutes(6) },
        },
      ])
      .when(b.at(minutes(9)), b.at(minutes(12)))
      .then([{ type: 'ANOMALY_OPENED', anomalyType: 'STALE_DATA', machineId: 'a' }]); // and is watched again
  });

  it('given a silent machine, when its buffered backlog arrives, then its first message clears it on the arrival clock with the true silence', () => {
    const a = machine('a', 'line');
    const b = machine('b', 'line');
    given([line(minutes(5))])
      .readings(a.at(0), b.at(0), b.at(minutes(20)))
      .whenArriving([a.at(minutes(1)), T0 + minutes(21)], [a.at(minutes(2)), T0 + minutes(21)])
      .then([
        {
          type: 'ANOMALY_CLEARED',
          anomalyType: 'STALE_DATA',
          machineId: 'a',
          eventTime: T0 + minutes(21),
          calculatedMetrics: { durationMs: minutes(21), backlogMs: minutes(20) },
        },
      ]);
  });

  it('given a backlog with a hole in it, when it arrives in a burst, then STALE_DATA opens and clears at once on event time, marked as a data gap', () => {
    const a = machine('a', 'line');
    const burst = T0 + minutes(60);
    const backlog = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 12 + 7 * 60, 13 + 7 * 60].map(
      (s, i) => [a.at(seconds(s)), burst + i] as const,
    );
    given([line(minutes(5))])
      .whenArriving(...backlog)
      .then([
        { type: 'STATUS_CHANGED' },
        {
          type: 'ANOMALY_OPENED',
          anomalyType: 'STALE_DATA',
          eventTime: T0 + seconds(12) + minutes(5),
          calculatedMetrics: { dataGap: true, bound: minutes(5) },
        },
        {
          type: 'ANOMALY_CLEARED',
          anomalyType: 'STALE_DATA',
          eventTime: T0 + seconds(12) + minutes(7),
          calculatedMetrics: { dataGap: true, durationMs: minutes(7) },
        },
      ]);
  });

  it('given an idle partition, when clock ticks arrive without readings, then silent machines go stale', () => {
    const a = machine('a', 'line');
    const driver = given([line(minutes(5))]).readings(a.at(0));
    driver.tick(T0 + minutes(5)).then([]);
    driver.tick(T0 + minutes(6)).then([
      {
        type: 'ANOMALY_OPENED',
        machineId: 'a',
        sourceOffset: 2,
        index: 0,
        eventTime: T0 + minutes(6),
        calculatedMetrics: { value: minutes(6), bound: minutes(5) },
      },
    ]);
  });

  it('given one machine whose gateway clock runs hours ahead, when the others keep reporting on time, then none of them goes stale', () => {
    const a = machine('a', 'line');
    const b = machine('b', 'line');
    const driver = given([line(minutes(5))]).readings(a.at(0), b.at(0));
    const outcome = driver.whenArriving(
      [a.at(minutes(50) + seconds(10)), T0 + seconds(10)],
      [b.at(seconds(10)), T0 + seconds(10)],
      [b.at(seconds(20)), T0 + seconds(20)],
    );
    expect(outcome.changes.filter((event) => event.machineId === 'b')).toEqual([]);
    expect(
      outcome.changes.map((event) =>
        event.type === 'TWIN_UPDATED' ? '' : (event as { anomalyType?: string }).anomalyType,
      ),
    ).toEqual(['CLOCK_SKEW']);
  });

  it('given several machines going stale together, when stream time jumps, then they open in deadline then id order', () => {
    const m = (id: string) => machine(id, 'line');
    given([line(minutes(5))])
      .readings(m('c').at(seconds(2)), m('b').at(seconds(1)), m('a').at(seconds(2)), m('z').at(0))
      .when(m('x').at(minutes(30)))
      .then([
        { type: 'STATUS_CHANGED', machineId: 'x' },
        { machineId: 'z', anomalyType: 'STALE_DATA', index: 1 },
        { machineId: 'b', anomalyType: 'STALE_DATA', index: 2 },
        { machineId: 'a', anomalyType: 'STALE_DATA', index: 3 },
        { machineId: 'c', anomalyType: 'STALE_DATA', index: 4 },
      ]);
  });

  it('given staleData null, when a machine falls silent, then nothing is raised', () => {
    const a = machine('a', 'line');
    given([line(null)])
      .readings(a.at(0))
      .tick(T0 + minutes(60))
      .then([]);
  });

  it('given a new config version with a shorter timeout, when stream time advances, then the new timeout applies', () => {
    const a = machine('a', 'line');
    const b = machine('b', 'line');
    given([line(minutes(10))])
      .readings(a.at(0), b.at(minutes(2)))
      .withConfigs([line(minutes(1), 2)])
      .when(b.at(minutes(3)))
      .then([
        {
          type: 'ANOMALY_OPENED',
          machineId: 'a',
          configVersion: 2,
          calculatedMetrics: { bound: minutes(1) },
        },
      ]);
  });

  it('given stale detection switched off then on by config versions, when stream time advances, then machines are watched again', () => {
    const a = machine('a', 'line');
    const b = machine('b', 'line');
    given([line(null)])
      .readings(a.at(0), b.at(minutes(10)))
      .withConfigs([line(minutes(5), 2)])
      .when(b.at(minutes(11)))
      .then([{ type: 'ANOMALY_OPENED', machineId: 'a' }]);
  });
});

describe('DeadlineHeap', () => {
  it('given random deadlines, when popped, then they come out in ascending order', () => {
    const random = prng(7);
    const heap = new DeadlineHeap<number>();
    const keys = Array.from({ length: 500 }, () => Math.floor(random() * 1000));
    keys.forEach((key) => heap.push(key, key));
    const popped: number[] = [];
    while (heap.size > 0) {
      const key = heap.peekKey();
      const item = heap.pop();
      expect(item).toBe(key);
      popped.push(item);
    }
    expect(popped).toEqual([...keys].sort((x, y) => x - y));
    expect(heap.peekKey()).toBe(Infinity);
  });
});
