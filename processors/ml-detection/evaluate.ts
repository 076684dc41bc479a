// Judging a fitted model on history it was not fitted on: the range `twin train` reads is cut by event time, the
// model is fitted on the earlier part and evaluated on the later, held-out part (HOLDOUT_FRACTION of the range).
//
// Each machine's detector state is first warmed on its training readings (the baseline learns its normal, as it
// would have live), then the held-out readings are judged exactly as the processor judges them
// (`judgeWithModel`: raise, clear, frozen baseline). Measured on the held-out part:
//
//   quietShare       share of judged held-out readings (RUNNING, past warm-up) scored at or below the cutoff;
//                    without ground truth every reading counts as healthy (history is unlabelled and mostly
//                    healthy, so this is a lower bound on the true specificity); with ground truth, readings
//                    inside a fault window (+ tolerance) of their machine are left out. Stored as
//                    ml_models.accuracy_score and compared with the activation gate.
//   falseAlarmRate   1 − quietShare.
//   opened           ML anomalies opened in the held-out part (and the hours of held-out RUNNING time, to read
//                    it per machine-hour);
//   alarmedShare     share of held-out RUNNING readings at which an ML anomaly was open (one opened before the
//                    cut and never cleared counts here, not in `opened`).
//   faults           only with ground truth (the simulator's injected faults): event-level recall over the fault
//                    windows that start in the held-out part, and precision of the anomalies opened there
//                    (scoreDetections); anomalies opened inside a fault window that began before the cut count
//                    neither way.
//
// Pure and deterministic, like fitModel.
import type { SensorReading } from '../readings/reading.js';
import type { AnomalyEvent } from '../threshold-detection/index.js';
import { scoreDetections, type GroundTruthFault, type OpenedAnomaly } from './detection-quality.js';
import { emptyMlState, judgeWithModel, mlOpen, observe } from './detector.js';
import type { MlModel } from './model.js';
import { byMachine } from './train.js';

/** The share of the range, at its end, held out from fitting and evaluated on. */
export const HOLDOUT_FRACTION = 0.2;
/** A fault's window is stretched by this much when matching anomalies (the detector's raise and clear). */
export const FAULT_TOLERANCE_MS = 120_000;

export interface TimeSplit {
  /** Event time of the cut: readings before it train, readings at or after it are held out. */
  readonly cut: number;
  readonly training: SensorReading[];
  readonly heldOut: SensorReading[];
}

/** Cuts [from, to) at from + (1 − fraction) × (to − from), by event time. */
export function splitByTime(
  readings: Iterable<SensorReading>,
  from: number,
  to: number,
  fraction: number = HOLDOUT_FRACTION,
): TimeSplit {
  if (!(fraction > 0 && fraction < 1))
    throw new RangeError(`hold-out fraction ${fraction}: expected 0 < f < 1`);
  if (!(from < to)) throw new RangeError('from must be before to');
  const cut = Math.round(from + (1 - fraction) * (to - from));
  const training: SensorReading[] = [];
  const heldOut: SensorReading[] = [];
  for (const reading of readings) (reading.timestamp < cut ? training : heldOut).push(reading);
  return { cut, training, heldOut };
}

export interface FaultQuality {
  /** Fault windows starting in the held-out part. */
  readonly windows: number;
  readonly detected: number;
  /** detected / windows; NaN without windows. */
  readonly recall: number;
  /** ML anomalies opened in the held-out part and counted for precision. */
  readonly opened: number;
  readonly truePositives: number;
  /** truePositives / opened; NaN when nothing opened. */
  readonly precision: number;
}

export interface HeldOutEvaluation {
  readonly machines: number;
  /** Held-out readings of the type. */
  readonly readings: number;
  /** Held-out readings judged (RUNNING past warm-up) and counted as healthy. */
  readonly judged: number;
  /** Of those, scored at or below the cutoff. */
  readonly quiet: number;
  /** quiet / judged; NaN when nothing was judged. */
  readonly quietShare: number;
  /** 1 − quietShare. */
  readonly falseAlarmRate: number;
  /** ML anomalies opened in the held-out part. */
  readonly opened: number;
  /** Held-out RUNNING readings at which an ML anomaly was open, over the held-out RUNNING readings; NaN: none. */
  readonly alarmedShare: number;
  /** Hours of held-out event time between consecutive RUNNING readings, over all machines. */
  readonly runningHours: number;
  /** Present only when ground truth was given. */
  readonly faults?: FaultQuality;
}

/**
 * Evaluates `model` on the held-out readings of its type, each machine's state warmed on its training readings.
 * `faults`: the ground truth of injected faults, when known (the simulator's); without it the held-out history
 * is taken as healthy.
 */
export function evaluateHeldOut(
  model: MlModel,
  split: Pick<TimeSplit, 'cut' | 'training' | 'heldOut'>,
  faults?: readonly GroundTruthFault[],
  toleranceMs: number = FAULT_TOLERANCE_MS,
): HeldOutEvaluation {
  const type = model.machineType;
  const training = new Map(byMachine(type, split.training).map((list) => [list[0]!.machineId, list]));
  const heldOut = byMachine(type, split.heldOut);
  const faultsOf = new Map<string, GroundTruthFault[]>();
  for (const fault of faults ?? []) {
    let list = faultsOf.get(fault.machineId);
    if (list === undefined) faultsOf.set(fault.machineId, (list = []));
    list.push(fault);
  }
  const inFault = (machineId: string, t: number) =>
    (faultsOf.get(machineId) ?? []).some((f) => t >= f.startTime && t < f.endTime + toleranceMs);
  const context = { configMachineType: type, configVersion: 0 };

  let readings = 0;
  let judged = 0;
  let quiet = 0;
  let runningMs = 0;
  let running = 0;
  let alarmed = 0;
  const opened: OpenedAnomaly[] = [];
  for (const list of heldOut) {
    const machineId = list[0]!.machineId;
    const warmUp = training.get(machineId) ?? [];
    readings += list.length;

    // Reading level: the scores, the baseline learning throughout (as fitModel scores its training readings).
    const scoring = emptyMlState();
    for (const reading of warmUp) observe(scoring, reading, model, true);
    for (const reading of list) {
      const features = observe(scoring, reading, model, true);
      if (features === null || (faults !== undefined && inFault(machineId, reading.timestamp))) continue;
      judged += 1;
      if (features.score <= model.cutoff) quiet += 1;
    }

    // Event level: the processor's own judgement (raise, clear, baseline frozen while pending or open).
    const state = emptyMlState();
    const events: AnomalyEvent[] = [];
    const sink = { sourceOffset: 0, nextIndex: 0, events };
    for (const reading of warmUp) judgeWithModel(state, reading, model, context, sink);
    events.length = 0;
    let previous: SensorReading | null = null;
    for (const reading of list) {
      judgeWithModel(state, reading, model, context, sink);
      if (reading.status === 'RUNNING') {
        running += 1;
        if (mlOpen(state)) alarmed += 1;
      }
      if (reading.status === 'RUNNING' && previous !== null)
        runningMs += reading.timestamp - previous.timestamp;
      previous = reading.status === 'RUNNING' ? reading : null;
    }
    for (const event of events) {
      if (event.type === 'ANOMALY_OPENED') {
        opened.push({ machineId, eventTime: event.eventTime, anomalyType: event.anomalyType });
      }
    }
  }

  const quietShare = judged === 0 ? NaN : quiet / judged;
  const evaluation = {
    machines: heldOut.length,
    readings,
    judged,
    quiet,
    quietShare,
    falseAlarmRate: 1 - quietShare,
    opened: opened.length,
    alarmedShare: running === 0 ? NaN : alarmed / running,
    runningHours: runningMs / 3_600_000,
  };
  if (faults === undefined) return evaluation;

  const machines = new Set(heldOut.map((list) => list[0]!.machineId));
  const mine = faults.filter((f) => machines.has(f.machineId));
  const scored = mine.filter((f) => f.startTime >= split.cut);
  const earlier = mine.filter((f) => f.startTime < split.cut);
  const counted = opened.filter(
    (a) =>
      !earlier.some(
        (f) =>
          f.machineId === a.machineId && a.eventTime >= f.startTime && a.eventTime < f.endTime + toleranceMs,
      ),
  );
  const quality = scoreDetections(scored, counted, toleranceMs);
  const overall = quality.rows[quality.rows.length - 1]!;
  return {
    ...evaluation,
    faults: {
      windows: overall.windows,
      detected: overall.detected,
      recall: overall.recall,
      opened: quality.opened,
      truePositives: quality.truePositives,
      precision: quality.precision,
    },
  };
}
