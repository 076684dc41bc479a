// Configuration per machine type: the columns of `machine_configurations` plus the thresholds JSONB,
// whose shape is defined here (documented with a full example in README.md).
import type { Severity } from './severity.js';

export const OPERATIONAL_PATTERNS = ['CONTINUOUS', 'CYCLIC', 'INTERMITTENT'] as const;
/**
 * How the machine is meant to run. CONTINUOUS: should never stop, so an unplanned STOPPED raises
 * UNPLANNED_STOP. CYCLIC and INTERMITTENT: STOPPED and IDLE are part of normal operation.
 */
export type OperationalPattern = (typeof OPERATIONAL_PATTERNS)[number];

/** The sensors thresholds can name, by their wire (snake_case) names. */
export const THRESHOLD_SENSORS = [
  'temperature',
  'vibration',
  'load',
  'rpm',
  'power_kw',
  'pressure_bar',
] as const;
export type ThresholdSensor = (typeof THRESHOLD_SENSORS)[number];

/** A bound per severity; at least one. High bounds increase with severity, low bounds decrease. */
export type SeverityBounds = Partial<Record<Severity, number>>;

export interface RateThresholds {
  /**
   * Limits on |rate of change| in sensor units per minute, increasing with severity. The rate is judged over
   * `windowMs` of event time on smoothed values, not between two consecutive readings.
   */
  readonly limits: SeverityBounds;
  /** The span of event time a rate is measured over, ms (1 s to 1 day); default 60 000. */
  readonly windowMs?: number;
  /** Clear only when |rate| ≤ least-severe limit − hysteresis (units per minute); default 0. */
  readonly hysteresis?: number;
  /** Default: the sensor's raiseAfterMs / clearAfterMs. */
  readonly raiseAfterMs?: number;
  readonly clearAfterMs?: number;
}

export interface SensorThresholds {
  /** Raise when the value exceeds a bound. Omitted: derived from the baseline (temperature, vibration); null: none. */
  readonly high?: SeverityBounds | null;
  /** Raise when the value falls below a bound. Omitted: derived for temperature; null: none. */
  readonly low?: SeverityBounds | null;
  /** Clear only when back inside the least-severe bound by this much (sensor units). */
  readonly hysteresis?: number;
  /** Minimum time the condition must hold before raising (or escalating), event time. */
  readonly raiseAfterMs?: number;
  /** Minimum time back inside the hysteresis band before clearing, event time. */
  readonly clearAfterMs?: number;
  readonly ratePerMinute?: RateThresholds;
}

export interface StatusThresholds {
  readonly severity: Severity;
  readonly raiseAfterMs?: number;
  readonly clearAfterMs?: number;
}

export interface StaleDataThresholds {
  /**
   * Loss of signal: raise STALE_DATA when the broker has had no message of the machine for this long (arrival
   * clock), or sooner, see missedReadings.
   */
  readonly afterMs: number;
  readonly severity?: Severity;
  /**
   * Also raise it once the machine has missed this many of its own readings (its typical arrival interval, learned
   * per machine), but never before 10 s; null: afterMs alone. Default 20.
   */
  readonly missedReadings?: number | null;
}

/** The `thresholds` JSONB column, as validated by parseThresholds. */
export interface Thresholds {
  /** Defaults for every sensor rule that does not set its own. */
  readonly raiseAfterMs?: number;
  readonly clearAfterMs?: number;
  readonly sensors?: { readonly [S in ThresholdSensor]?: SensorThresholds };
  readonly status?: {
    /** FAULT status, any operational pattern. null: not raised. */
    readonly fault?: StatusThresholds | null;
    /** STOPPED status of a CONTINUOUS machine. null: not raised. */
    readonly unplannedStop?: StatusThresholds | null;
  };
  /** null: no stale-data detection for this type. */
  readonly staleData?: StaleDataThresholds | null;
}

export interface MachineTypeConfig {
  readonly machineType: string;
  /** Increases on every change; detections remember it to notice a change. */
  readonly version: number;
  /** The DECIMAL(5,2) columns: °C and mm/s RMS, |value| < 1000, nullable. */
  readonly baselineTemp: number | null;
  readonly tempVariation: number | null;
  readonly baselineVibration: number | null;
  readonly vibrationVariation: number | null;
  /** null: treated as CYCLIC. */
  readonly operationalPattern: OperationalPattern | null;
  readonly thresholds: Thresholds;
}

/** Given the machine type of a reading, its configuration; undefined falls back to DEFAULT_MACHINE_TYPE_CONFIG. */
export type ConfigLookup = (machineType: string) => MachineTypeConfig | undefined;
