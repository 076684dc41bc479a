// The sums behind performance_metrics and the metrics computed from them. Roll-ups add sums and counts, then
// compute; averaging the windows' averages would weigh a window of 3 readings like one of 60.

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

export type RollUpResolution = 'PT1H' | 'P1D';
export const ROLL_UP_MS: Readonly<Record<RollUpResolution, number>> = { PT1H: HOUR_MS, P1D: DAY_MS };

/**
 * Sensor sums are fixed-point, in millionths of the sensor's unit. Integer addition is exact and associative,
 * so a window's sums are the same whichever way its readings were cut into batches: a rebuild ends with the
 * very rows the incremental run wrote. A millionth is far below any sensor's resolution.
 */
export const SUM_SCALE = 1_000_000;

/** A sensor value as it enters a fixed-point sum. */
export function fixedSum(value: number): number {
  return Math.round(value * SUM_SCALE);
}

/** What a window (or a roll-up of windows) adds up; mirrors the columns of performance_windows. */
export interface WindowTotals {
  readings: number;
  /** Fixed-point (SUM_SCALE), like every sensor sum. */
  sumLoad: number;
  sumTemperature: number;
  sumVibration: number;
  /** Readings in planned production time: every status but MAINTENANCE. */
  plannedReadings: number;
  runningReadings: number;
  sumLoadRunning: number;
  goodCount: number;
  rejectCount: number;
  anomalyCount: number;
  /**
   * Time known, ms: covered by a reading's status (from its event time to the machine's next reading, at most
   * the maximum reading gap). The rest of the window is unknown. Integers, so sums are exact.
   */
  coveredMs: number;
  /** Of coveredMs, time in RUNNING and in MAINTENANCE (planned downtime). */
  runningMs: number;
  maintenanceMs: number;
}

/** One machine's base window: [windowStart, windowStart + windowMs), epoch ms UTC. */
export interface WindowSums extends WindowTotals {
  machineId: string;
  windowStart: number;
  windowMs: number;
  /**
   * Arrival time of the latest reading that changed these sums (0: none), not stored: a partition's arrivals
   * only grow, so the batch that last touches a window carries its latest reading's arrival, however the
   * partition is cut. ml_model_version is the model live then, the one the processor judged it with.
   */
  lastArrival: number;
}

export interface WindowMetrics {
  averageLoad: number | null;
  averageTemperature: number | null;
  averageVibration: number | null;
  uptimePercentage: number | null;
  efficiencyRating: number | null;
  anomalyCount: number;
}

export function emptySums(machineId: string, windowStart: number, windowMs: number): WindowSums {
  return {
    machineId,
    windowStart,
    windowMs,
    readings: 0,
    sumLoad: 0,
    sumTemperature: 0,
    sumVibration: 0,
    plannedReadings: 0,
    runningReadings: 0,
    sumLoadRunning: 0,
    goodCount: 0,
    rejectCount: 0,
    anomalyCount: 0,
    coveredMs: 0,
    runningMs: 0,
    maintenanceMs: 0,
    lastArrival: 0,
  };
}

/** Adds two partial sums of the same machine and window into a new value. */
export function mergeSums(a: WindowSums, b: WindowSums): WindowSums {
  if (a.machineId !== b.machineId || a.windowStart !== b.windowStart) {
    throw new Error(
      `mergeSums: different windows (${a.machineId} at ${a.windowStart}, ${b.machineId} at ${b.windowStart})`,
    );
  }
  return {
    machineId: a.machineId,
    windowStart: a.windowStart,
    windowMs: a.windowMs,
    readings: a.readings + b.readings,
    sumLoad: a.sumLoad + b.sumLoad,
    sumTemperature: a.sumTemperature + b.sumTemperature,
    sumVibration: a.sumVibration + b.sumVibration,
    plannedReadings: a.plannedReadings + b.plannedReadings,
    runningReadings: a.runningReadings + b.runningReadings,
    sumLoadRunning: a.sumLoadRunning + b.sumLoadRunning,
    goodCount: a.goodCount + b.goodCount,
    rejectCount: a.rejectCount + b.rejectCount,
    anomalyCount: a.anomalyCount + b.anomalyCount,
    coveredMs: a.coveredMs + b.coveredMs,
    runningMs: a.runningMs + b.runningMs,
    maintenanceMs: a.maintenanceMs + b.maintenanceMs,
    lastArrival: Math.max(a.lastArrival, b.lastArrival),
  };
}

/** The start of the base window holding `timestamp`: windows are aligned to the UTC epoch. */
export function windowStartOf(timestamp: number, windowMs: number): number {
  return Math.floor(timestamp / windowMs) * windowMs;
}

/** The start of the hour or UTC day holding `windowStart`. */
export function rollUpStart(windowStart: number, resolution: RollUpResolution): number {
  return windowStartOf(windowStart, ROLL_UP_MS[resolution]);
}

/** The ISO-8601 duration naming a base window: PT1H, PT5M, PT30S, PT0.5S. */
export function baseResolution(windowMs: number): string {
  if (windowMs % HOUR_MS === 0) return `PT${windowMs / HOUR_MS}H`;
  if (windowMs % 60_000 === 0) return `PT${windowMs / 60_000}M`;
  return `PT${windowMs / 1_000}S`;
}

// numeric(5,2): two decimals, |value| ≤ 999.99.
const NUMERIC_5_2_MAX = 999.99;
function numeric52(value: number): number {
  const rounded = (Math.sign(value) * Math.round(Math.abs(value) * 100)) / 100;
  const clamped = Math.min(NUMERIC_5_2_MAX, Math.max(-NUMERIC_5_2_MAX, rounded));
  return clamped === 0 ? 0 : clamped; // no -0
}

/**
 * The metrics of a window or roll-up, OEE-style, from its sums:
 * - availability A = RUNNING time / planned time, where planned time = known (covered) time − MAINTENANCE
 *   time; unknown time (no reading covering it) counts neither way. Null when no time was planned (nothing
 *   known, or all MAINTENANCE);
 * - performance P = min(1, mean running load / 100) (0 with no RUNNING reading): load is % of rated load;
 * - quality Q = good / (good + reject), 1 when no part was counted;
 * - uptime_percentage = 100·A, efficiency_rating = 100·A·P·Q.
 * Averages are over all readings, null when there are none (a window may hold only anomalies).
 * Every number is rounded to two decimals and clamped to numeric(5,2).
 */
export function windowMetrics(sums: WindowTotals): WindowMetrics {
  const average = (sum: number) => (sums.readings === 0 ? null : numeric52(sum / SUM_SCALE / sums.readings));
  const plannedMs = sums.coveredMs - sums.maintenanceMs;
  const availability = plannedMs <= 0 ? null : Math.min(1, Math.max(0, sums.runningMs / plannedMs));
  const performance =
    sums.runningReadings === 0
      ? 0
      : Math.min(1, sums.sumLoadRunning / SUM_SCALE / sums.runningReadings / 100);
  const parts = sums.goodCount + sums.rejectCount;
  const quality = parts === 0 ? 1 : sums.goodCount / parts;
  return {
    averageLoad: average(sums.sumLoad),
    averageTemperature: average(sums.sumTemperature),
    averageVibration: average(sums.sumVibration),
    uptimePercentage: availability === null ? null : numeric52(100 * availability),
    efficiencyRating: availability === null ? null : numeric52(100 * availability * performance * quality),
    anomalyCount: sums.anomalyCount,
  };
}

/**
 * The share of a window (or roll-up) of `lengthMs` that no reading covers, as a percentage (0 to 100, two
 * decimals): how much of it the metrics know nothing about.
 */
export function unknownPercentage(sums: Pick<WindowTotals, 'coveredMs'>, lengthMs: number): number {
  const unknown = Math.min(lengthMs, Math.max(0, lengthMs - sums.coveredMs));
  return numeric52((100 * unknown) / lengthMs);
}
