// Rate-of-change rules judge a rate over windowMs of event time on smoothed values, not between two
// consecutive readings: sensor noise must not raise them, at any reporting interval, while a real ramp does.
import { describe, expect, it } from 'vitest';
import type { TwinEvent } from '../partition/index.js';
import type { SensorReading } from '../readings/reading.js';
import { given, machine, minutes, prng, seconds, T0 } from '../testing/index.js';
import type { MachineTypeConfig } from './machine-type-config.js';
import { PUMP_CONFIG } from './seed-configs.js';

/** A number within 10^−digits / 2 of `value`, as a matcher inside expected objects. */
const near = (value: number, digits = 0): number => expect.closeTo(value, digits) as number;

// The pump seed: baseline 55 °C; temperature rate limits MEDIUM 3, HIGH 6, CRITICAL 10 °C/min over the
// default 60 s window, raiseAfterMs 30 s (so a second window must confirm), clearAfterMs 120 s.
const RATE_ANOMALIES = new Set(['ANOMALY_OPENED', 'ANOMALY_ESCALATED', 'ANOMALY_CLEARED']);

/** A pump's RUNNING readings every `intervalMs` for `durationMs`: temperature `at(ms)` plus uniform noise. */
function pumpReadings(
  intervalMs: number,
  durationMs: number,
  at: (ms: number) => number,
  noise = 0.5,
): SensorReading[] {
  const p = machine('pump-1', 'pump');
  const random = prng(intervalMs);
  const readings: SensorReading[] = [];
  for (let ms = 0; ms < durationMs; ms += intervalMs) {
    const temperature = at(ms) + (random() * 2 - 1) * noise;
    readings.push(p.at(ms, { temperature: Math.round(temperature * 100) / 100 }));
  }
  return readings;
}

const anomalies = (events: readonly TwinEvent[]) => events.filter((event) => RATE_ANOMALIES.has(event.type));
/** The ramps also cross the temperature highs (TEMPERATURE_HIGH): only the rate rule's events. */
const rateAnomalies = (events: readonly TwinEvent[]) =>
  anomalies(events).filter((event) => 'ruleId' in event && event.ruleId === 'temperature.rate');

describe('rate of change over a window', () => {
  it.each([100, 1_000])(
    'given a pump steady at 55 °C with ±0.5 °C of noise every %i ms (±300 or ±30 °C/min between neighbours), when folded for 10 minutes, then no anomaly opens',
    (intervalMs) => {
      const readings = pumpReadings(intervalMs, minutes(10), () => 55);
      const outcome = given([PUMP_CONFIG]).when(...readings);
      expect(anomalies(outcome.events)).toEqual([]);
    },
  );

  it.each([100, 1_000])(
    'given a noisy pump every %i ms whose temperature starts rising 8 °C/min after 5 minutes, when folded, then TEMPERATURE_RATE HIGH opens once a window of the ramp is measured and the next confirms it',
    (intervalMs) => {
      const rampStart = minutes(5);
      const readings = pumpReadings(intervalMs, minutes(9), (ms) =>
        ms < rampStart ? 55 : 55 + (8 * (ms - rampStart)) / 60_000,
      );
      const outcome = given([PUMP_CONFIG]).when(...readings);
      const opened = rateAnomalies(outcome.events);
      expect(opened).toMatchObject([
        {
          type: 'ANOMALY_OPENED',
          anomalyType: 'TEMPERATURE_RATE',
          severity: 'HIGH',
          calculatedMetrics: { rate: near(8, 0), bound: 6 },
        },
      ]);
      // Windows end every 60 s (from 90 s into the run). The first full window of the ramp sees ~8 °C/min
      // and starts the 30 s raise timer; the next window end confirms it: window + raiseAfterMs, rounded
      // up to window ends, after the ramp has filled a window.
      const at = opened[0]!.eventTime - T0;
      expect(at).toBeGreaterThanOrEqual(rampStart + seconds(60) + seconds(30));
      expect(at).toBeLessThanOrEqual(rampStart + 3 * seconds(60));
    },
  );

  it('given the same ramp reported every 100 ms and every 1 s, when folded, then the rate opens at the same event time', () => {
    const openedAt = (intervalMs: number) => {
      const readings = pumpReadings(intervalMs, minutes(9), (ms) =>
        ms < minutes(5) ? 55 : 55 + (8 * (ms - minutes(5))) / 60_000,
      );
      return rateAnomalies(given([PUMP_CONFIG]).when(...readings).events).map((event) => event.eventTime);
    };
    expect(openedAt(100)).toEqual(openedAt(1_000));
  });

  it('given one 5 °C step (a single jump, not a trend), when judged, then one window sees it and the next does not: nothing opens', () => {
    const readings = pumpReadings(1_000, minutes(5), (ms) => (ms < seconds(95) ? 55 : 60), 0);
    const outcome = given([PUMP_CONFIG]).when(...readings);
    expect(anomalies(outcome.events)).toEqual([]);
  });

  it('given a pump warming up from cold at 10 °C/min towards its 55 °C baseline (after maintenance, say), when it runs, then the rise is not judged', () => {
    const readings = pumpReadings(1_000, minutes(8), (ms) => Math.min(55, 20 + (10 * ms) / 60_000));
    const outcome = given([PUMP_CONFIG]).when(...readings);
    expect(anomalies(outcome.events)).toEqual([]);
  });

  it('given a pump that idles between two running periods at different temperatures, when judged, then no rate is measured across the idle gap', () => {
    const p = machine('pump-1', 'pump');
    const readings = [
      ...Array.from({ length: 120 }, (_, i) => p.at(seconds(i), { temperature: 56 })),
      ...Array.from({ length: 60 }, (_, i) => p.at(seconds(120 + i), { temperature: 58, status: 'IDLE' })),
      ...Array.from({ length: 120 }, (_, i) => p.at(seconds(180 + i), { temperature: 62 })),
    ];
    const outcome = given([PUMP_CONFIG]).when(...readings);
    expect(anomalies(outcome.events)).toEqual([]);
  });

  describe('windowMs', () => {
    // An oven (baseline 50 °C) with limits HIGH 10 °C/min, raising at once, rising 12 °C/min from 60 °C.
    const oven = (windowMs?: number): MachineTypeConfig => ({
      machineType: 'oven',
      version: 1,
      baselineTemp: 50,
      tempVariation: 5,
      baselineVibration: null,
      vibrationVariation: null,
      operationalPattern: 'CYCLIC',
      thresholds: {
        staleData: null,
        sensors: {
          temperature: {
            high: null,
            low: null,
            ratePerMinute: {
              limits: { HIGH: 10 },
              raiseAfterMs: 0,
              ...(windowMs === undefined ? {} : { windowMs }),
            },
          },
        },
      },
    });

    it.each([
      [undefined, seconds(90)],
      [seconds(60), seconds(90)],
      [seconds(120), seconds(180)],
      [minutes(5), minutes(7.5)],
    ])(
      'given windowMs %s, when a machine rises fast from the moment it starts running, then the first rate is judged windowMs / 2 + windowMs in (at %i ms)',
      (windowMs, expected) => {
        const m = machine('oven-1', 'oven');
        const readings = Array.from({ length: 600 }, (_, i) =>
          m.at(seconds(i), { temperature: 60 + (12 * i) / 60 }),
        );
        const outcome = given([oven(windowMs)]).when(...readings);
        expect(anomalies(outcome.events)).toMatchObject([
          {
            type: 'ANOMALY_OPENED',
            eventTime: T0 + expected,
            severity: 'HIGH',
            calculatedMetrics: { rate: near(11.6, 0) },
          },
        ]);
      },
    );
  });

  it('given a ramp at 100 ms, when folded in one batch, in batches of 7, or snapshotted and restored half-way, then the events are the same', () => {
    const readings = pumpReadings(100, minutes(9), (ms) =>
      ms < minutes(5) ? 55 : 55 + (8 * (ms - minutes(5))) / 60_000,
    );
    const changes = (events: readonly TwinEvent[]) => events.filter((event) => event.type !== 'TWIN_UPDATED');
    const whole = changes(given([PUMP_CONFIG]).when(...readings).events);
    expect(rateAnomalies(whole)).toHaveLength(1);

    const sizes = Array.from({ length: Math.ceil(readings.length / 7) }, () => 7);
    expect(changes(given([PUMP_CONFIG]).whenBatches(readings, sizes).events)).toEqual(whole);

    const cut = 3_333; // 333.3 s: mid-window, with the ramp under way
    const first = given([PUMP_CONFIG]);
    const before = changes(first.when(...readings.slice(0, cut)).events);
    const after = changes(first.restored().when(...readings.slice(cut)).events);
    expect([...before, ...after]).toEqual(whole);
  });
});
