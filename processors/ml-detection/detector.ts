// The streaming multivariate detector, per machine, on event time ("robust z-scores against EWMA baselines"):
//
//   level features   z = (smoothed − baseline) / scale        temperature, vibration; only upwards counts
//   flatness         f = (1 − smoothed |step| / typicalStep) / scale   temperature, vibration, load; only
//                    "too flat" counts (a register that stopped updating reads no noise at all)
//   score            √(Σ z² + Σ f²), judged against the type's learned cutoff
//
// Smoothed levels are EWMAs over ~30 s of event time (noise out), the baseline an EWMA over ~30 minutes of the
// machine's own RUNNING readings (its normal, not the type's), frozen while the detector is pending or open so
// an anomaly is not learned as normal. Scales, typical noise and cutoff come from the type's model (`twin train`).
// Only RUNNING readings are judged, each RUNNING period after a warm-up: a machine that has just started is
// cold and its smoothing has nothing to go on; and a machine new to the detector only once its baseline has
// learned for baselineWarmupMs (it starts from the type's level, which is not this machine's). Open and clear work like a threshold rule (held raiseAfterMs /
// clearAfterMs of event time, severity only rises). The state is a fixed run of numbers in the twin (`ml`), so
// it is snapshotted and undone with the rest of the twin.
import type { SensorReading } from '../readings/reading.js';
import type { AnomalyEvent, EventSink } from '../threshold-detection/index.js';
import { SEVERITIES } from '../threshold-detection/index.js';
import { ML_ANOMALY_TYPE, ML_RULE_ID, type MlModel } from './model.js';

// Layout of the state (NaN: not set).
const LAST_TIME = 0; // event time of the last RUNNING reading of the current period
const RUN_START = 1; // start of the current RUNNING period
const RUN_READINGS = 2;
const BASE_T = 3;
const FAST_T = 4;
const BASE_V = 5;
const FAST_V = 6;
const LAST_T = 7; // last value, for the step
const STEP_T = 8; // smoothed |step|
const LAST_V = 9;
const STEP_V = 10;
const LAST_L = 11;
const STEP_L = 12;
const SINCE = 13; // score above cutoff since (pending or open)
const LEVEL = 14; // severity rank while open, −1 otherwise
const OPENED_AT = 15;
const ESCALATING_SINCE = 16;
const CLEARING_SINCE = 17;
const PEAK_SCORE = 18; // highest score while open
const BASE_SINCE = 19; // event time the baseline started learning
const BASE_COUNT = 20; // readings the baseline has learned from

/** Numbers of a machine's detector state. */
export const ML_STATE_LENGTH = 21;

/** A fresh state: nothing seen, nothing open; baselines start from the model's type levels at first use. */
export function emptyMlState(): number[] {
  const state = new Array<number>(ML_STATE_LENGTH).fill(NaN);
  state[RUN_READINGS] = 0;
  state[LEVEL] = -1;
  state[BASE_COUNT] = 0;
  return state;
}

/** One line on what is wrong with a stored state, or null. */
export function mlStateProblem(state: readonly number[]): string | null {
  if (state.length !== ML_STATE_LENGTH) return `expected ${ML_STATE_LENGTH} numbers, got ${state.length}`;
  const level = state[LEVEL]!;
  if (!(Number.isInteger(level) && level >= -1 && level < SEVERITIES.length)) return `bad level ${level}`;
  return null;
}

/** The features of one judged reading (what drove the score). */
export interface MlFeatures {
  readonly zTemperature: number;
  readonly zVibration: number;
  readonly flatTemperature: number;
  readonly flatVibration: number;
  readonly flatLoad: number;
  readonly score: number;
}

/**
 * Moves the state on with an in-order reading and returns its features, or null when the reading is not
 * judged (not RUNNING, or still warming up). `learn` says whether the baseline may follow the reading
 * (the detector passes false while pending or open). Shared with training, so both see the same features.
 */
export function observe(
  state: number[],
  reading: SensorReading,
  model: MlModel,
  learn: boolean,
): MlFeatures | null {
  const t = reading.timestamp;
  if (reading.status !== 'RUNNING') {
    // A new RUNNING period starts afresh: no step or smoothing across an idle or stopped gap.
    state[LAST_TIME] = NaN;
    state[RUN_START] = NaN;
    state[RUN_READINGS] = 0;
    return null;
  }
  if (Number.isNaN(state[BASE_T]!)) {
    state[BASE_T] = model.levels.temperature.mean;
    state[BASE_V] = model.levels.vibration.mean;
    state[BASE_SINCE] = t;
    state[BASE_COUNT] = 0;
  }
  const temperature = reading.temperature;
  const vibration = reading.vibration;
  const load = reading.load;
  const last = state[LAST_TIME]!;
  if (Number.isNaN(last)) {
    state[RUN_START] = t;
    state[RUN_READINGS] = 1;
    state[LAST_TIME] = t;
    state[FAST_T] = temperature;
    state[FAST_V] = vibration;
    state[LAST_T] = temperature;
    state[LAST_V] = vibration;
    state[LAST_L] = load;
    state[STEP_T] = NaN;
    state[STEP_V] = NaN;
    state[STEP_L] = NaN;
    return null;
  }
  const dt = t - last;
  const n = state[RUN_READINGS]! + 1;
  state[RUN_READINGS] = n;
  state[LAST_TIME] = t;
  const fast = dt > 0 ? 1 - Math.exp(-dt / model.fastTimeConstantMs) : 0;
  state[FAST_T] = state[FAST_T]! + fast * (temperature - state[FAST_T]!);
  state[FAST_V] = state[FAST_V]! + fast * (vibration - state[FAST_V]!);
  // Steps are noise samples, whatever the interval: smoothed per reading, plainly averaged at first.
  const alpha = Math.max(model.stepAlpha, 1 / (n - 1));
  state[STEP_T] = smoothStep(state[STEP_T]!, Math.abs(temperature - state[LAST_T]!), alpha);
  state[STEP_V] = smoothStep(state[STEP_V]!, Math.abs(vibration - state[LAST_V]!), alpha);
  state[STEP_L] = smoothStep(state[STEP_L]!, Math.abs(load - state[LAST_L]!), alpha);
  state[LAST_T] = temperature;
  state[LAST_V] = vibration;
  state[LAST_L] = load;
  if (n < model.warmupReadings || t - state[RUN_START]! < model.warmupMs) return null;

  const levels = model.levels;
  const flatness = model.flatness;
  const zTemperature = upward((state[FAST_T] - state[BASE_T]!) / levels.temperature.scale);
  const zVibration = upward((state[FAST_V] - state[BASE_V]!) / levels.vibration.scale);
  const flatTemperature = flatnessOf(
    state[STEP_T],
    flatness.temperature.typicalStep,
    flatness.temperature.scale,
  );
  const flatVibration = flatnessOf(state[STEP_V], flatness.vibration.typicalStep, flatness.vibration.scale);
  const flatLoad = flatnessOf(state[STEP_L], flatness.load.typicalStep, flatness.load.scale);
  const learning = t - state[BASE_SINCE]! < model.baselineWarmupMs;
  if ((learn || learning) && dt > 0) {
    // While learning, a machine hotter than its type's level is adopted fast (its own normal), one cooler only
    // at the usual pace: a machine met just after a stop is cold, and a baseline learnt from its warming-up
    // would sit far below its normal (false alarms for hours). Erring high costs sensitivity, not alarms.
    state[BASE_COUNT] = state[BASE_COUNT]! + 1;
    const slow = 1 - Math.exp(-dt / model.baselineTimeConstantMs);
    const fast = 1 - Math.exp((-3 * dt) / Math.max(model.baselineWarmupMs, 1));
    const up = learning ? fast : slow;
    const dT = state[FAST_T] - state[BASE_T]!;
    const dV = state[FAST_V] - state[BASE_V]!;
    state[BASE_T] = state[BASE_T]! + (dT > 0 ? up : slow) * dT;
    state[BASE_V] = state[BASE_V]! + (dV > 0 ? up : slow) * dV;
  }
  if (learning) return null;
  const score = Math.sqrt(
    zTemperature * zTemperature +
      zVibration * zVibration +
      flatTemperature * flatTemperature +
      flatVibration * flatVibration +
      flatLoad * flatLoad,
  );
  return { zTemperature, zVibration, flatTemperature, flatVibration, flatLoad, score };
}

/** The signed level deviations and flatness terms before scaling (training fits the scales on them). */
export function rawDeviations(
  state: readonly number[],
  model: MlModel,
): [number, number, number, number, number] {
  const flat = (step: number, typical: number) => (typical > 0 ? 1 - step / typical : 0);
  return [
    state[FAST_T]! - state[BASE_T]!,
    state[FAST_V]! - state[BASE_V]!,
    flat(state[STEP_T]!, model.flatness.temperature.typicalStep),
    flat(state[STEP_V]!, model.flatness.vibration.typicalStep),
    flat(state[STEP_L]!, model.flatness.load.typicalStep),
  ];
}

/** The detector is pending or has an anomaly open. */
export function mlBusy(state: readonly number[]): boolean {
  return !Number.isNaN(state[SINCE]!) || state[LEVEL]! >= 0;
}

/** Whether an ML anomaly is open (raised and not yet cleared). */
export function mlOpen(state: readonly number[]): boolean {
  return state[LEVEL]! >= 0;
}

/** Severity rank of a score: LOW above the cutoff, MEDIUM from 1.5×, HIGH from 2×, CRITICAL from 3×. */
export function scoreLevel(score: number, cutoff: number): number {
  const ratio = score / cutoff;
  if (!(ratio > 1)) return -1;
  return ratio >= 3 ? 3 : ratio >= 2 ? 2 : ratio >= 1.5 ? 1 : 0;
}

/**
 * How sure the detector is that a score is anomalous, 0..1: a logistic in score / cutoff, 0.5 at the cutoff,
 * 0.95 at 1.5× it. A monotone reading of the score for ml_confidence, not a calibrated probability.
 */
export function confidenceOf(score: number, cutoff: number): number {
  const k = Math.log(19) / 0.5;
  const value = 1 / (1 + Math.exp(-k * (score / cutoff - 1)));
  return Math.round(value * 10_000) / 10_000;
}

/** What a detector event carries beyond an AnomalyEvent's usual fields. */
export interface MlEventContext {
  readonly configMachineType: string;
  readonly configVersion: number;
}

/**
 * Judges an in-order reading of a machine with its type's model: moves `state` (owned by the caller) on and
 * emits ANOMALY_OPENED / ESCALATED / CLEARED into `sink`.
 */
export function judgeWithModel(
  state: number[],
  reading: SensorReading,
  model: MlModel,
  context: MlEventContext,
  sink: EventSink,
): void {
  const features = observe(state, reading, model, !mlBusy(state));
  const t = reading.timestamp;
  const cutoff = model.cutoff;
  const score = features === null ? 0 : features.score;
  const level = scoreLevel(score, cutoff);
  const open = state[LEVEL]!;

  if (open < 0) {
    if (level < 0) {
      state[SINCE] = NaN;
      return;
    }
    if (Number.isNaN(state[SINCE]!)) state[SINCE] = t;
    if (t - state[SINCE]! >= model.raiseAfterMs) {
      state[LEVEL] = level;
      state[OPENED_AT] = t;
      state[PEAK_SCORE] = score;
      state[ESCALATING_SINCE] = NaN;
      state[CLEARING_SINCE] = NaN;
      emit(sink, 'ANOMALY_OPENED', reading, model, context, level, null, state, features, score);
    }
    return;
  }

  if (score > state[PEAK_SCORE]!) state[PEAK_SCORE] = score;
  if (level > open) {
    if (Number.isNaN(state[ESCALATING_SINCE]!)) state[ESCALATING_SINCE] = t;
    if (t - state[ESCALATING_SINCE]! >= model.raiseAfterMs) {
      state[LEVEL] = level;
      state[ESCALATING_SINCE] = NaN;
      emit(sink, 'ANOMALY_ESCALATED', reading, model, context, level, open, state, features, score);
    }
  } else {
    state[ESCALATING_SINCE] = NaN;
  }
  if (score <= cutoff * model.clearRatio) {
    if (Number.isNaN(state[CLEARING_SINCE]!)) state[CLEARING_SINCE] = t;
    if (t - state[CLEARING_SINCE]! >= model.clearAfterMs) {
      emit(sink, 'ANOMALY_CLEARED', reading, model, context, state[LEVEL]!, null, state, features, score);
      state[SINCE] = NaN;
      state[LEVEL] = -1;
      state[OPENED_AT] = NaN;
      state[ESCALATING_SINCE] = NaN;
      state[CLEARING_SINCE] = NaN;
      state[PEAK_SCORE] = NaN;
    }
  } else {
    state[CLEARING_SINCE] = NaN;
  }
}

function emit(
  sink: EventSink,
  type: AnomalyEvent['type'],
  reading: SensorReading,
  model: MlModel,
  context: MlEventContext,
  level: number,
  previous: number | null,
  state: readonly number[],
  features: MlFeatures | null,
  score: number,
): void {
  const severity = SEVERITIES[level]!;
  const t = reading.timestamp;
  sink.events.push({
    type,
    sourceOffset: sink.sourceOffset,
    index: sink.nextIndex++,
    machineId: reading.machineId,
    machineType: reading.machineType,
    eventTime: t,
    arrivalTime: sink.arrivalTime ?? t,
    anomalyType: ML_ANOMALY_TYPE,
    severity,
    previousSeverity: previous === null ? null : SEVERITIES[previous]!,
    ruleId: ML_RULE_ID,
    configMachineType: context.configMachineType,
    configVersion: context.configVersion,
    clearReason: type === 'ANOMALY_CLEARED' ? 'back_to_normal' : null,
    reading,
    calculatedMetrics: {
      value: round4(score),
      bound: round4(type === 'ANOMALY_CLEARED' ? model.cutoff * model.clearRatio : model.cutoff),
      boundSeverity: severity,
      durationMs: t - state[SINCE]!,
    },
    ml: {
      algorithm: model.algorithm,
      modelVersion: model.version,
      confidence: confidenceOf(score, model.cutoff),
      features: {
        score: round4(score),
        cutoff: round4(model.cutoff),
        zTemperature: round4(features?.zTemperature ?? 0),
        zVibration: round4(features?.zVibration ?? 0),
        flatTemperature: round4(features?.flatTemperature ?? 0),
        flatVibration: round4(features?.flatVibration ?? 0),
        flatLoad: round4(features?.flatLoad ?? 0),
        baselineTemperature: round4(state[BASE_T]!),
        baselineVibration: round4(state[BASE_V]!),
      },
    },
  });
}

function smoothStep(previous: number, step: number, alpha: number): number {
  return Number.isNaN(previous) ? step : previous + alpha * (step - previous);
}

function upward(z: number): number {
  return z > 0 ? z : 0;
}

function flatnessOf(step: number, typical: number, scale: number): number {
  if (!(typical > 0)) return 0;
  const flat = (1 - step / typical) / scale;
  return flat > 0 ? flat : 0;
}

function round4(value: number): number {
  return Number.isFinite(value) ? Math.round(value * 10_000) / 10_000 : 0;
}
