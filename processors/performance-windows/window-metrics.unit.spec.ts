import { describe, expect, it } from 'vitest';
import { T0, minutes, windowSums } from '../testing/index.js';
import {
  baseResolution,
  mergeSums,
  rollUpStart,
  unknownPercentage,
  windowMetrics,
  windowStartOf,
  type WindowSums,
} from './window-metrics.js';

const sums = (inUnits: Partial<WindowSums> = {}): WindowSums => windowSums('press-1', T0, 60_000, inUnits);

describe('windowMetrics', () => {
  it('given 50 s planned, 40 s running at 75 % load and 95 good of 100 parts, then uptime 80 and efficiency 0.8·0.75·0.95', () => {
    const metrics = windowMetrics(
      sums({
        readings: 12,
        sumLoad: 12 * 70,
        sumTemperature: 12 * 55.5,
        sumVibration: 12 * 2.25,
        plannedReadings: 10,
        runningReadings: 8,
        sumLoadRunning: 8 * 75,
        goodCount: 95,
        rejectCount: 5,
        anomalyCount: 2,
        coveredMs: 60_000,
        maintenanceMs: 10_000,
        runningMs: 40_000,
      }),
    );
    expect(metrics).toEqual({
      averageLoad: 70,
      averageTemperature: 55.5,
      averageVibration: 2.25,
      uptimePercentage: 80,
      efficiencyRating: 57,
      anomalyCount: 2,
    });
  });

  it('given only MAINTENANCE time, then availability is undefined: uptime and efficiency are null', () => {
    const metrics = windowMetrics(
      sums({
        readings: 3,
        sumLoad: 30,
        sumTemperature: 90,
        sumVibration: 3,
        coveredMs: 60_000,
        maintenanceMs: 60_000,
      }),
    );
    expect(metrics.uptimePercentage).toBeNull();
    expect(metrics.efficiencyRating).toBeNull();
    expect(metrics.averageLoad).toBe(10);
  });

  it('given planned time but none RUNNING, then uptime and efficiency are 0', () => {
    const metrics = windowMetrics(sums({ readings: 4, sumLoad: 40, plannedReadings: 4, coveredMs: 40_000 }));
    expect(metrics.uptimePercentage).toBe(0);
    expect(metrics.efficiencyRating).toBe(0);
  });

  it('given running above rated load and no parts counted, then performance is capped at 1 and quality is 1', () => {
    const metrics = windowMetrics(
      sums({
        readings: 2,
        sumLoad: 240,
        plannedReadings: 2,
        runningReadings: 2,
        sumLoadRunning: 240,
        coveredMs: 60_000,
        runningMs: 60_000,
      }),
    );
    expect(metrics.uptimePercentage).toBe(100);
    expect(metrics.efficiencyRating).toBe(100);
  });

  it('given one RUNNING reading and then silence, then uptime is of the known time only, the rest is unknown', () => {
    // 30 s covered by the reading (the maximum gap), 30 s nobody knows about.
    const window = sums({
      readings: 1,
      sumLoad: 80,
      plannedReadings: 1,
      runningReadings: 1,
      sumLoadRunning: 80,
      coveredMs: 30_000,
      runningMs: 30_000,
    });
    expect(windowMetrics(window)).toMatchObject({ uptimePercentage: 100, efficiencyRating: 80 });
    expect(unknownPercentage(window, 60_000)).toBe(50);
  });

  it('given RUNNING then FAULT time, then uptime is the RUNNING share of the planned time, not of the readings', () => {
    // Nine readings in 10 s of RUNNING, one FAULT reading holding 30 s.
    const window = sums({
      readings: 10,
      plannedReadings: 10,
      runningReadings: 9,
      sumLoadRunning: 9 * 100,
      coveredMs: 40_000,
      runningMs: 10_000,
    });
    expect(windowMetrics(window).uptimePercentage).toBe(25);
    expect(unknownPercentage(window, 60_000)).toBe(33.33);
  });

  it('given no time known, then availability is undefined, and all of the window is unknown', () => {
    const window = sums({ readings: 2, sumLoad: 100, plannedReadings: 2, runningReadings: 2 });
    expect(windowMetrics(window)).toMatchObject({ uptimePercentage: null, efficiencyRating: null });
    expect(unknownPercentage(window, 60_000)).toBe(100);
  });

  it('given a window with anomalies only, then the averages are null and the anomalies counted', () => {
    expect(windowMetrics(sums({ anomalyCount: 3 }))).toEqual({
      averageLoad: null,
      averageTemperature: null,
      averageVibration: null,
      uptimePercentage: null,
      efficiencyRating: null,
      anomalyCount: 3,
    });
  });

  it('given values beyond numeric(5,2), then they are rounded to two decimals and clamped to ±999.99', () => {
    const metrics = windowMetrics(
      sums({ readings: 3, sumLoad: 2, sumTemperature: 3 * 1234.5, sumVibration: -3 * 1500 }),
    );
    expect(metrics.averageLoad).toBe(0.67);
    expect(metrics.averageTemperature).toBe(999.99);
    expect(metrics.averageVibration).toBe(-999.99);
    expect(windowMetrics(sums({ readings: 3, sumTemperature: -0.001 })).averageTemperature).toBe(0);
    expect(windowMetrics(sums({ readings: 1, sumTemperature: -2.125 })).averageTemperature).toBe(-2.13);
  });

  it('given two windows of different sizes, when rolled up by sums, then the result weighs each reading and each ms once', () => {
    const a = sums({ readings: 1, sumLoad: 10, plannedReadings: 1, coveredMs: 10_000 });
    const b = sums({
      readings: 3,
      sumLoad: 90,
      plannedReadings: 3,
      runningReadings: 3,
      sumLoadRunning: 90,
      coveredMs: 30_000,
      runningMs: 30_000,
    });
    const rolled = windowMetrics(mergeSums(a, b));
    expect(rolled.averageLoad).toBe(25); // not (10 + 30) / 2
    expect(rolled.uptimePercentage).toBe(75); // not (0 + 100) / 2
    expect(unknownPercentage(mergeSums(a, b), 2 * 60_000)).toBe(66.67);
  });
});

describe('mergeSums', () => {
  it('given two partial sums of one window, when merged, then every sum and count adds up', () => {
    const a = sums({ readings: 1, sumLoad: 1, goodCount: 2, rejectCount: 1, anomalyCount: 1, coveredMs: 5 });
    const b = sums({
      readings: 2,
      sumLoad: 3,
      plannedReadings: 2,
      runningReadings: 1,
      sumLoadRunning: 3,
      coveredMs: 7,
      runningMs: 4,
      maintenanceMs: 2,
    });
    expect(mergeSums(a, b)).toEqual(
      sums({
        readings: 3,
        sumLoad: 4,
        plannedReadings: 2,
        runningReadings: 1,
        sumLoadRunning: 3,
        goodCount: 2,
        rejectCount: 1,
        anomalyCount: 1,
        coveredMs: 12,
        runningMs: 4,
        maintenanceMs: 2,
      }),
    );
  });

  it('given sums of different windows, when merged, then it throws', () => {
    expect(() => mergeSums(sums(), sums({ windowStart: T0 + minutes(1) }))).toThrow(/different windows/);
  });
});

describe('window geometry', () => {
  it('given any instant, then base windows, hours and days are floored in UTC', () => {
    const t = Date.UTC(2025, 2, 9, 13, 47, 31, 250);
    expect(windowStartOf(t, minutes(5))).toBe(Date.UTC(2025, 2, 9, 13, 45));
    expect(rollUpStart(windowStartOf(t, minutes(5)), 'PT1H')).toBe(Date.UTC(2025, 2, 9, 13));
    expect(rollUpStart(windowStartOf(t, minutes(5)), 'P1D')).toBe(Date.UTC(2025, 2, 9));
    expect(windowStartOf(-1, 60_000)).toBe(-60_000);
  });

  it.each([
    [60_000, 'PT1M'],
    [300_000, 'PT5M'],
    [30_000, 'PT30S'],
    [500, 'PT0.5S'],
    [3_600_000, 'PT1H'],
  ])('given a base window of %i ms, then its resolution is %s', (windowMs, resolution) => {
    expect(baseResolution(windowMs)).toBe(resolution);
  });
});
