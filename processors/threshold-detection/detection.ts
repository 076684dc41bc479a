// Threshold detection per (machine, rule), as a small state machine on event time:
//   normal ─(condition holds)→ pending(since) ─(held raiseAfterMs)→ active(severity)
//   active ─(back inside bound ∓ hysteresis)→ pending-clear(clearingSince) ─(clearAfterMs)→ normal
// Severity only rises while active (a higher level held for raiseAfterMs escalates); it never steps
// down: the anomaly keeps its peak until it clears. Only non-normal rules are stored, so a healthy
// machine costs nothing here.
import type { SensorReading } from '../readings/reading.js';
import { smoothedRateValue, trackRate, type Twin } from '../twin-state/index.js';
import type { AnomalyEvent, AnomalyEventType, CalculatedMetrics, EventSink } from './anomaly-event.js';
import type { CompiledConfig, CompiledRule } from './compile-config.js';
import { SEVERITIES, severityRank, type Severity } from './severity.js';

export const STALE_RULE_ID = 'stale-data';
export const STALE_ANOMALY_TYPE = 'STALE_DATA';
export const CLOCK_SKEW_RULE_ID = 'clock-skew';
export const CLOCK_SKEW_ANOMALY_TYPE = 'CLOCK_SKEW';

/** One rule away from normal. Times are event times (ms); null where the phase doesn't apply. */
export interface RuleState {
  ruleId: string;
  anomalyType: string;
  /** When the condition first held (stale data: the machine's last event time). */
  since: number;
  /** null while pending (holding, not yet raised); the current severity once active. */
  severity: Severity | null;
  openedAt: number | null;
  /** Active: since when a higher level has held (escalates after raiseAfterMs). */
  escalatingSince: number | null;
  /** Active: since when the value is back inside the hysteresis band (clears after clearAfterMs). */
  clearingSince: number | null;
}

/** A machine's rules that are not normal, and the config version they were judged with. */
export interface MachineDetection {
  configType: string;
  configVersion: number;
  rules: RuleState[];
}

const NONE = -1;

/**
 * Judges an in-order reading of a machine, before it is applied to `twin` (for the machine's first reading,
 * the twin just created from it). Rate rules move the twin's rate tracks on (see twin-state/rate-tracking):
 * the only change made to the twin. Mutates `detection` (owned by the caller) and returns it, a new one, or
 * null when every rule is normal. Emits into `sink`.
 */
export function judgeReading(
  detection: MachineDetection | null,
  twin: Twin,
  reading: SensorReading,
  config: CompiledConfig,
  sink: EventSink,
): MachineDetection | null {
  let machine = detection;
  const t = reading.timestamp;
  if (machine !== null) {
    if (machine.configType !== config.configType || machine.configVersion !== config.version) {
      adoptConfig(machine, reading, config, sink);
    }
  }

  const running = reading.status === 'RUNNING';
  const maintenance = reading.status === 'MAINTENANCE';
  const rules = config.rules;
  for (let r = 0; r < rules.length; r++) {
    const rule = rules[r]!;
    let level = NONE;
    let inside = true;
    let value = NaN;
    let rate = NaN;
    if (rule.kind === 'status') {
      if (reading.status === rule.status) {
        level = rule.statusRank;
        inside = false;
      }
    } else {
      const v = reading[rule.sensor!];
      if (v === undefined) continue; // no information: the rule's state stays as it is
      value = v;
      if (rule.kind === 'rate') {
        // Judged over windowMs of RUNNING time on smoothed values, once per window: between window ends
        // there is nothing new to judge. Start-up and shut-down ramps are expected: a track starts afresh
        // with each RUNNING period, and a reading in another status counts as the condition not holding.
        if (running) {
          rate = trackRate(twin, rule.sensorIndex, v, t, rule.windowMs);
          if (Number.isNaN(rate)) continue;
          // With a baseline, only a move away from it counts: warming up from cold towards it (after
          // maintenance, say) is recovery, however fast.
          if (rule.baseline === null || awayFrom(rule.baseline, rate, twin, rule.sensorIndex)) {
            const magnitude = Math.abs(rate);
            level = levelAbove(rule.bounds, magnitude);
            inside = magnitude <= rule.bounds[rule.leastRank]! - rule.hysteresis;
          }
        }
      } else if (!maintenance && (running || !rule.runningOnly)) {
        if (rule.kind === 'high') {
          level = levelAbove(rule.bounds, v);
          inside = v <= rule.bounds[rule.leastRank]! - rule.hysteresis;
        } else {
          level = levelBelow(rule.bounds, v);
          inside = v >= rule.bounds[rule.leastRank]! + rule.hysteresis;
        }
      }
    }

    let index = machine === null ? -1 : findRule(machine, rule.ruleId);
    if (index < 0) {
      if (level === NONE) continue; // the common case: normal and staying normal
      machine ??= { configType: config.configType, configVersion: config.version, rules: [] };
      index = machine.rules.push(pendingState(rule, t)) - 1;
    }
    const state = machine!.rules[index]!;

    if (state.severity === null) {
      if (level === NONE) {
        machine!.rules.splice(index, 1);
      } else if (t - state.since >= rule.raiseAfterMs) {
        state.severity = SEVERITIES[level]!;
        state.openedAt = t;
        emit(
          sink,
          'ANOMALY_OPENED',
          reading.machineId,
          reading.machineType,
          t,
          state,
          state.severity,
          null,
          config,
          null,
          reading,
          metricsOf(rule, value, rate, level, t - state.since, reading),
        );
      }
      continue;
    }

    const current = severityRank(state.severity);
    if (level > current) {
      state.escalatingSince ??= t;
      if (t - state.escalatingSince >= rule.raiseAfterMs) {
        const previous = state.severity;
        state.severity = SEVERITIES[level]!;
        state.escalatingSince = null;
        emit(
          sink,
          'ANOMALY_ESCALATED',
          reading.machineId,
          reading.machineType,
          t,
          state,
          state.severity,
          previous,
          config,
          null,
          reading,
          metricsOf(rule, value, rate, level, t - state.since, reading),
        );
      }
    } else {
      state.escalatingSince = null;
    }
    if (inside) {
      state.clearingSince ??= t;
      if (t - state.clearingSince >= rule.clearAfterMs) {
        const metrics = metricsOf(rule, value, rate, rule.leastRank, t - state.since, reading);
        if (rule.kind !== 'status') metrics.hysteresis = rule.hysteresis;
        emit(
          sink,
          'ANOMALY_CLEARED',
          reading.machineId,
          reading.machineType,
          t,
          state,
          state.severity,
          null,
          config,
          'back_to_normal',
          reading,
          metrics,
        );
        machine!.rules.splice(index, 1);
      }
    } else {
      state.clearingSince = null;
    }
  }
  return machine === null || machine.rules.length === 0 ? null : machine;
}

/** The stale-data rule is open for this machine. */
export function isStale(detection: MachineDetection | null): boolean {
  return detection !== null && findRule(detection, STALE_RULE_ID) >= 0;
}

/**
 * Opens STALE_DATA, loss of signal (the caller checked the machine is silent: lastArrival + staleAfterMs <
 * arrivalTime). On the arrival clock: the event's time is the arrival clock's, `since` the machine's last
 * arrival. Returns the machine's detection, created if needed.
 */
export function openStaleData(
  detection: MachineDetection | null,
  twin: Twin,
  config: CompiledConfig,
  staleAfterMs: number,
  arrivalTime: number,
  sink: EventSink,
): MachineDetection {
  const machine = detection ?? { configType: config.configType, configVersion: config.version, rules: [] };
  const state: RuleState = {
    ruleId: STALE_RULE_ID,
    anomalyType: STALE_ANOMALY_TYPE,
    since: twin.lastArrival,
    severity: config.staleSeverity,
    openedAt: arrivalTime,
    escalatingSince: null,
    clearingSince: null,
  };
  machine.rules.push(state);
  const silence = arrivalTime - twin.lastArrival;
  emit(
    sink,
    'ANOMALY_OPENED',
    twin.machineId,
    twin.machineType,
    arrivalTime,
    state,
    config.staleSeverity,
    null,
    config,
    null,
    null,
    {
      value: silence,
      bound: staleAfterMs,
      boundSeverity: config.staleSeverity,
      durationMs: silence,
    },
  );
  return machine;
}

/**
 * The machine was heard from again (any message of it reached the broker at `arrivalTime`): its loss of
 * signal clears, on the arrival clock, with the true silence (arrival to arrival) and how far behind the
 * reading's own time is (a store-and-forward backlog starts where the machine went silent).
 */
export function clearStaleData(
  machine: MachineDetection | null,
  reading: SensorReading,
  arrivalTime: number,
  config: CompiledConfig,
  sink: EventSink,
): void {
  if (machine === null) return;
  const stale = findRule(machine, STALE_RULE_ID);
  if (stale < 0) return;
  const state = machine.rules[stale]!;
  const silence = arrivalTime - state.since;
  emit(
    sink,
    'ANOMALY_CLEARED',
    reading.machineId,
    reading.machineType,
    arrivalTime,
    state,
    state.severity!,
    null,
    config,
    'back_to_normal',
    reading,
    {
      value: silence,
      bound: config.staleAfterMs ?? undefined,
      durationMs: silence,
      backlogMs: Math.max(0, arrivalTime - reading.timestamp),
    },
  );
  machine.rules.splice(stale, 1);
}

/** Emits one transition of a rule that is not a machine-type threshold (clock skew). */
export function emitRuleEvent(
  sink: EventSink,
  type: AnomalyEventType,
  reading: SensorReading,
  eventTime: number,
  state: RuleState,
  config: CompiledConfig,
  calculatedMetrics: CalculatedMetrics,
): void {
  emit(
    sink,
    type,
    reading.machineId,
    reading.machineType,
    eventTime,
    state,
    state.severity!,
    null,
    config,
    type === 'ANOMALY_CLEARED' ? 'back_to_normal' : null,
    reading,
    calculatedMetrics,
  );
}

export { findRule };

export function cloneDetection(detection: MachineDetection | null): MachineDetection | null {
  if (detection === null) return null;
  return { ...detection, rules: detection.rules.map((rule) => ({ ...rule })) };
}

// A new config version: rules it still has carry on (pending timers included) and are re-judged right
// after, against the new bounds; rules it dropped are cleared (active) or forgotten (pending).
function adoptConfig(
  machine: MachineDetection,
  reading: SensorReading,
  config: CompiledConfig,
  sink: EventSink,
): void {
  const t = reading.timestamp;
  for (let i = machine.rules.length - 1; i >= 0; i--) {
    const state = machine.rules[i]!;
    const kept =
      state.ruleId === STALE_RULE_ID
        ? config.staleAfterMs !== null
        : state.ruleId === CLOCK_SKEW_RULE_ID || config.ruleIds.has(state.ruleId);
    if (kept) continue;
    machine.rules.splice(i, 1);
    if (state.severity !== null) {
      emit(
        sink,
        'ANOMALY_CLEARED',
        reading.machineId,
        reading.machineType,
        t,
        state,
        state.severity,
        null,
        config,
        'rule_removed',
        reading,
        {
          durationMs: t - state.since,
        },
      );
    }
  }
  // Order of the survivors is kept (they were scanned backwards only to splice safely).
  machine.configType = config.configType;
  machine.configVersion = config.version;
}

function pendingState(rule: CompiledRule, t: number): RuleState {
  return {
    ruleId: rule.ruleId,
    anomalyType: rule.anomalyType,
    since: t,
    severity: null,
    openedAt: null,
    escalatingSince: null,
    clearingSince: null,
  };
}

function findRule(machine: MachineDetection, ruleId: string): number {
  const rules = machine.rules;
  for (let i = 0; i < rules.length; i++) if (rules[i]!.ruleId === ruleId) return i;
  return -1;
}

// The rate moves the sensor's smoothed value away from the baseline: up above it, or down below it.
function awayFrom(baseline: number, rate: number, twin: Twin, sensorIndex: number): boolean {
  const smoothed = smoothedRateValue(twin, sensorIndex);
  return rate > 0 ? smoothed > baseline : smoothed < baseline;
}

// Highest severity whose bound is crossed; NaN bounds (not configured) never compare true.
function levelAbove(bounds: readonly number[], value: number): number {
  for (let rank = 3; rank >= 0; rank--) if (value > bounds[rank]!) return rank;
  return NONE;
}

function levelBelow(bounds: readonly number[], value: number): number {
  for (let rank = 3; rank >= 0; rank--) if (value < bounds[rank]!) return rank;
  return NONE;
}

function metricsOf(
  rule: CompiledRule,
  value: number,
  rate: number,
  rank: number,
  durationMs: number,
  reading: SensorReading,
): CalculatedMetrics {
  if (rule.kind === 'status') return { status: reading.status, boundSeverity: SEVERITIES[rank]!, durationMs };
  const metrics: CalculatedMetrics = {
    value,
    bound: rule.bounds[rank]!,
    boundSeverity: SEVERITIES[rank]!,
    durationMs,
  };
  if (rule.kind === 'rate' && !Number.isNaN(rate)) metrics.rate = rate;
  if (rule.baseline !== null) {
    const deviation = value - rule.baseline;
    metrics.deviationFromBaseline = {
      value: round4(deviation),
      variations: rule.variation !== null && rule.variation > 0 ? round4(deviation / rule.variation) : null,
    };
  }
  return metrics;
}

function emit(
  sink: EventSink,
  type: AnomalyEventType,
  machineId: string,
  machineType: string,
  eventTime: number,
  state: RuleState,
  severity: Severity,
  previousSeverity: Severity | null,
  config: CompiledConfig,
  clearReason: AnomalyEvent['clearReason'],
  reading: SensorReading | null,
  calculatedMetrics: CalculatedMetrics,
): void {
  sink.events.push({
    type,
    sourceOffset: sink.sourceOffset,
    index: sink.nextIndex++,
    machineId,
    machineType,
    eventTime,
    arrivalTime: sink.arrivalTime ?? eventTime,
    anomalyType: state.anomalyType,
    severity,
    previousSeverity,
    ruleId: state.ruleId,
    configMachineType: config.configType,
    configVersion: config.version,
    clearReason,
    reading,
    calculatedMetrics,
  });
}

function round4(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
