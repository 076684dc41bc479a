// Running statistics of a twin's six sensors, in one fixed-size array of 30 numbers: five per sensor
// ([count, EWMA mean, EWMA variance, min, max]) in TWIN_SENSORS order, count 0 for a sensor never seen.
// The EWMA is weighted by event time (a time constant, not a per-reading alpha): see ewmaWeight.
// One packed array of unboxed doubles (~290 bytes for all six) rather than an object per sensor, where
// V8 boxes every double field (~130 bytes per sensor): what keeps a twin under 1 KB.
import type { SensorReading } from '../readings/reading.js';

export const TWIN_SENSORS = ['temperature', 'vibration', 'load', 'rpm', 'powerKw', 'pressureBar'] as const;
export type TwinSensor = (typeof TWIN_SENSORS)[number];

/** 5 numbers per sensor, TWIN_SENSORS order: [count, mean, variance, min, max]. */
export type TwinStats = number[];

export const STATS_PER_SENSOR = 5;
export const TWIN_STATS_LENGTH = TWIN_SENSORS.length * STATS_PER_SENSOR;
const COUNT = 0;
const MEAN = 1;
const VARIANCE = 2;
const MIN = 3;
const MAX = 4;

/** Where a sensor's five numbers start. */
export const STATS_AT: Readonly<Record<TwinSensor, number>> = Object.freeze({
  temperature: 0,
  vibration: 5,
  load: 10,
  rpm: 15,
  powerKw: 20,
  pressureBar: 25,
});

/** A sensor's statistics, readable. */
export interface SensorStats {
  readonly count: number;
  readonly mean: number;
  readonly variance: number;
  readonly min: number;
  readonly max: number;
}

export function emptyStats(): TwinStats {
  const stats: TwinStats = Array.from({ length: TWIN_STATS_LENGTH }, () => 0);
  stats[MEAN] = 0.5; // a double first, so V8 keeps the array as unboxed doubles from the start
  stats[MEAN] = 0;
  return stats;
}

/** A sensor's statistics, or undefined if the twin never saw it. */
export function sensorStats(stats: TwinStats, sensor: TwinSensor): SensorStats | undefined {
  const at = STATS_AT[sensor];
  const count = stats[at + COUNT]!;
  if (count === 0) return undefined;
  return {
    count,
    mean: stats[at + MEAN]!,
    variance: stats[at + VARIANCE]!,
    min: stats[at + MIN]!,
    max: stats[at + MAX]!,
  };
}

/**
 * Folds one value of the sensor whose numbers start at `at` in, in place. Incremental EWMA mean and
 * variance (Finch, "Incremental calculation of weighted mean and variance", 2009): no history kept.
 * `weight` is the new value's EWMA weight (see ewmaWeight); at least 1 / (count + 1) is used, so while the
 * EWMA's weight is smaller the values so far are plainly averaged, rather than the very first one dominating.
 */
export function addToStats(stats: TwinStats, at: number, value: number, weight: number): void {
  const count = stats[at + COUNT]!;
  const cumulative = 1 / (count + 1);
  const alpha = weight > cumulative ? weight : cumulative;
  if (count === 0) {
    stats[at + COUNT] = 1;
    stats[at + MEAN] = value;
    stats[at + VARIANCE] = 0;
    stats[at + MIN] = value;
    stats[at + MAX] = value;
    return;
  }
  const diff = value - stats[at + MEAN]!;
  const increment = alpha * diff;
  stats[at + MEAN] = stats[at + MEAN]! + increment;
  stats[at + VARIANCE] = (1 - alpha) * (stats[at + VARIANCE]! + diff * increment);
  stats[at + COUNT] = count + 1;
  if (value < stats[at + MIN]!) stats[at + MIN] = value;
  if (value > stats[at + MAX]!) stats[at + MAX] = value;
}

/**
 * The EWMA weight of a value `dt` ms of event time after the previous one, for time constant `tauMs`:
 * 1 − e^(−dt/τ). Weighting by time rather than per reading makes the statistics mean the same whatever the
 * reporting interval: with τ = 60 s, the last minute or so of readings dominate, at 100 ms or at 10 s.
 */
export function ewmaWeight(dt: number, tauMs: number): number {
  return dt > 0 ? 1 - Math.exp(-dt / tauMs) : 0;
}

/** Folds every sensor a reading carries in, with the reading's EWMA weight (see addToStats). */
export function addReadingToStats(stats: TwinStats, reading: SensorReading, weight: number): void {
  addToStats(stats, 0, reading.temperature, weight);
  addToStats(stats, 5, reading.vibration, weight);
  addToStats(stats, 10, reading.load, weight);
  if (reading.rpm !== undefined) addToStats(stats, 15, reading.rpm, weight);
  if (reading.powerKw !== undefined) addToStats(stats, 20, reading.powerKw, weight);
  if (reading.pressureBar !== undefined) addToStats(stats, 25, reading.pressureBar, weight);
}
