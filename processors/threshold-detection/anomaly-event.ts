// What detection emits: one event per transition of a (machine, rule) state machine.
import type { MachineStatus, SensorReading } from '../readings/reading.js';
import type { Severity } from './severity.js';

export const ANOMALY_EVENT_TYPES = ['ANOMALY_OPENED', 'ANOMALY_ESCALATED', 'ANOMALY_CLEARED'] as const;
export type AnomalyEventType = (typeof ANOMALY_EVENT_TYPES)[number];

/** `calculated_metrics` of anomaly_history / anomaly_records. Fields absent where they don't apply. */
export interface CalculatedMetrics {
  /** The judged sensor value (value and rate rules); stale data: ms of silence. */
  value?: number;
  /** The bound crossed (OPENED, ESCALATED) or the least severe bound (CLEARED); stale data: staleAfterMs. */
  bound?: number;
  boundSeverity?: Severity;
  /** Rate of change, units per minute, signed (rate rules). */
  rate?: number;
  /** CLEARED value and rate rules: the hysteresis band that had to be re-entered. */
  hysteresis?: number;
  /** Temperature and vibration with a baseline: value − baseline, and that in variations (null without one). */
  deviationFromBaseline?: { value: number; variations: number | null };
  /** Status rules: the machine's status. */
  status?: MachineStatus;
  /** Time since the condition first held (STALE_DATA: arrival-clock silence since the machine's last message). */
  durationMs: number;
  /** STALE_DATA cleared: how far behind its arrival the first reading after the silence was (a backlog). */
  backlogMs?: number;
  /** STALE_DATA from a gap in the machine's own data (event time), not a silence on the arrival clock. */
  dataGap?: boolean;
  /** CLOCK_SKEW: the gateway clock's measured offset from the broker's, ms (positive: ahead). */
  offsetMs?: number;
}

export interface AnomalyEvent {
  readonly type: AnomalyEventType;
  /** Offset of the reading that caused it (for STALE_DATA opened: whose stream-time advance did). */
  readonly sourceOffset: number;
  /** Position among the events of that offset: ids are `<partition>-<sourceOffset>-<index>`. */
  readonly index: number;
  readonly machineId: string;
  readonly machineType: string;
  /** Time of the transition: the reading's event time; the arrival clock for STALE_DATA and CLOCK_SKEW. */
  readonly eventTime: number;
  /**
   * When the message that caused it reached the broker (arrival clock, docs/time.md): what alert lifecycles and
   * MTTA/MTTR are measured on, beside the operators' wall clock. Absent: on time (eventTime).
   */
  readonly arrivalTime?: number;
  /** e.g. TEMPERATURE_HIGH, VIBRATION_RATE, STATUS_FAULT, UNPLANNED_STOP, STALE_DATA (≤ 50 characters). */
  readonly anomalyType: string;
  /** OPENED: as raised; ESCALATED: the new severity; CLEARED: the severity it had. */
  readonly severity: Severity;
  /** ESCALATED: the severity before; otherwise null. */
  readonly previousSeverity: Severity | null;
  readonly ruleId: string;
  /** The config the transition was judged with (its type is DEFAULT_MACHINE_TYPE_CONFIG's for unknown types). */
  readonly configMachineType: string;
  readonly configVersion: number;
  /** CLEARED: back inside the band for clearAfterMs, or the rule is gone from a new config version. */
  readonly clearReason: 'back_to_normal' | 'rule_removed' | null;
  /** The triggering reading (`sensor_data`); null for STALE_DATA opened. */
  readonly reading: SensorReading | null;
  readonly calculatedMetrics: CalculatedMetrics;
  /** Set by the ML detector (processors/ml-detection) only: which model judged it and what drove it. */
  readonly ml?: MlDetection;
}

/** anomaly_records' algorithm_used / ml_confidence / ml_features of an ML anomaly. */
export interface MlDetection {
  readonly algorithm: string;
  /** ml_models.model_version of the model that scored the reading. */
  readonly modelVersion: string;
  /** 0..1. */
  readonly confidence: number;
  readonly features: Readonly<Record<string, number>>;
}

/**
 * Where detection puts its events. The fold points it at the current reading's offset; detection takes
 * `nextIndex` for each event, so the ids of one offset are numbered in emission order.
 */
export interface EventSink {
  sourceOffset: number;
  nextIndex: number;
  /** Arrival time of the message being folded (events carry it); absent: their event time. */
  arrivalTime?: number;
  readonly events: { push(event: AnomalyEvent): unknown };
}
