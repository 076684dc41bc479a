// CLOCK_SKEW: a gateway whose clock disagrees with the broker's. Judged per machine on each of its readings, from
// the reading's event time and its arrival time (both in the log, so a replay judges the same).
//   ahead:  event time more than maxAheadMs after arrival. Nothing can arrive before it was measured, so one
//           reading proves it; the fold re-times such readings to their arrival (readings/arrival.ts).
//   behind: event time more than behindAfterMs before arrival, at the pace of real time, for confirmAfterMs of
//           arrival time. A store-and-forward backlog is behind too, but it drains: its event time runs faster
//           than arrival time. A backlog sent at real-time pace looks exactly like a slow clock, and is flagged.
// It clears on the first reading back within both allowances. The machine's own readings are still applied on its
// own clock; other machines never see them (per-machine event time).
import type { SensorReading } from '../readings/reading.js';
import type { Twin } from '../twin-state/index.js';
import type { EventSink } from './anomaly-event.js';
import type { CompiledConfig } from './compile-config.js';
import {
  CLOCK_SKEW_ANOMALY_TYPE,
  CLOCK_SKEW_RULE_ID,
  emitRuleEvent,
  findRule,
  type MachineDetection,
  type RuleState,
} from './detection.js';
import type { Severity } from './severity.js';

export interface ClockSkewPolicy {
  readonly maxAheadMs: number;
  readonly behindAfterMs: number;
  readonly confirmAfterMs: number;
  readonly severity: Severity;
}

export const DEFAULT_CLOCK_SKEW_POLICY: ClockSkewPolicy = {
  maxAheadMs: 60_000,
  behindAfterMs: 300_000,
  confirmAfterMs: 300_000,
  severity: 'MEDIUM',
};

/** Event time may run at most this much faster than arrival time for readings to count as live, not a backlog. */
const LIVE_PACE = 2;

/**
 * Judges a reading's clock before it is applied. `eventTime` is the gateway's stamp (before any re-timing),
 * `arrivalTime` the broker's. Updates the twin's behind-watch and `detection` (owned by the caller) and
 * returns it, or a new one when CLOCK_SKEW opens on a machine with every rule normal.
 */
export function judgeClock(
  detection: MachineDetection | null,
  twin: Twin,
  reading: SensorReading,
  eventTime: number,
  arrivalTime: number,
  policy: ClockSkewPolicy,
  config: CompiledConfig,
  sink: EventSink,
): MachineDetection | null {
  const offset = eventTime - arrivalTime; // > 0: the gateway's clock is ahead
  let skewed = false;
  if (offset > policy.maxAheadMs) {
    skewed = true;
    twin.behindSinceArrival = NaN;
    twin.behindSinceEvent = NaN;
  } else if (-offset > policy.behindAfterMs) {
    const sinceArrival = twin.behindSinceArrival;
    const draining =
      !Number.isNaN(sinceArrival) &&
      eventTime - twin.behindSinceEvent > LIVE_PACE * (arrivalTime - sinceArrival) + policy.maxAheadMs;
    if (Number.isNaN(sinceArrival) || draining) {
      twin.behindSinceArrival = arrivalTime;
      twin.behindSinceEvent = eventTime;
    } else if (arrivalTime - sinceArrival >= policy.confirmAfterMs) {
      skewed = true;
    }
  } else {
    twin.behindSinceArrival = NaN;
    twin.behindSinceEvent = NaN;
  }

  const index = detection === null ? -1 : findRule(detection, CLOCK_SKEW_RULE_ID);
  if (skewed && index < 0) {
    const machine = detection ?? { configType: config.configType, configVersion: config.version, rules: [] };
    const state: RuleState = {
      ruleId: CLOCK_SKEW_RULE_ID,
      anomalyType: CLOCK_SKEW_ANOMALY_TYPE,
      since: arrivalTime,
      severity: policy.severity,
      openedAt: arrivalTime,
      escalatingSince: null,
      clearingSince: null,
    };
    machine.rules.push(state);
    const bound = offset > 0 ? policy.maxAheadMs : policy.behindAfterMs;
    emitRuleEvent(sink, 'ANOMALY_OPENED', reading, arrivalTime, state, config, {
      value: Math.abs(offset),
      bound,
      boundSeverity: policy.severity,
      offsetMs: offset,
      durationMs: offset > 0 ? 0 : arrivalTime - twin.behindSinceArrival,
    });
    return machine;
  }
  const outside = offset > policy.maxAheadMs || -offset > policy.behindAfterMs;
  if (!outside && index >= 0) {
    const state = detection!.rules[index]!;
    emitRuleEvent(sink, 'ANOMALY_CLEARED', reading, arrivalTime, state, config, {
      value: Math.abs(offset),
      offsetMs: offset,
      durationMs: arrivalTime - state.since,
    });
    detection!.rules.splice(index, 1);
    return detection!.rules.length === 0 ? null : detection;
  }
  return detection;
}

/** The machine's CLOCK_SKEW is open. */
export function isClockSkewed(detection: MachineDetection | null): boolean {
  return detection !== null && findRule(detection, CLOCK_SKEW_RULE_ID) >= 0;
}
