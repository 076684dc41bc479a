// Fitting a type's model from history: the readings of its machines, replayed through the very feature
// extraction the detector runs (detector.observe), so training and detection see the same numbers.
//
//   1. levels and noise: median RUNNING temperature / vibration (a new machine's starting baseline) and the
//      typical |step| between consecutive RUNNING readings per sensor (1.183 × median: the mean of a
//      half-normal, robust to the zeros of a stuck register and to spikes);
//   2. scales: 1.4826 × MAD of each feature's raw deviation (smoothed − baseline, 1 − step / typical);
//   3. cutoff: the combined score's maximum per machine and half hour of event time ("bucket"), the 75th
//      percentile of those maxima, with a 10 % margin, never below MIN_CUTOFF.
//
// Robust statistics because history is not labelled: it holds the faults of its period too. Medians and MADs
// ignore a minority of faulty readings. A plain high quantile of all scores would not: a few faulty machines
// put their scores far above any healthy tail, and the 99.9th percentile lands inside them. Faults come as
// episodes of one machine, so they spoil a minority of buckets, and a quantile over the buckets' maxima
// ignores up to a quarter of them while still describing the healthy extreme (a bucket's max is about its
// 1 − 1/1800 quantile).
import type { SensorReading } from '../readings/reading.js';
import { emptyMlState, observe, rawDeviations } from './detector.js';
import {
  DEFAULT_DYNAMICS,
  ML_ALGORITHM,
  type FlatParameters,
  type LevelParameters,
  type MlModel,
  type MlModelParameters,
} from './model.js';

/** Never a cutoff below this: five one-sided features of healthy noise rarely sum past it. */
export const MIN_CUTOFF = 4;
/** Buckets of the cutoff: per machine and this much event time. */
export const CUTOFF_BUCKET_MS = 30 * 60_000;
export const CUTOFF_QUANTILE = 0.75;
export const CUTOFF_MARGIN = 1.1;
/** A type needs at least this many judged readings to be fitted. */
export const MIN_TRAINING_READINGS = 500;

export interface TrainingSummary {
  readonly machines: number;
  readonly readings: number;
  /** RUNNING readings past warm-up: those the detector scores. */
  readonly judged: number;
  readonly firstEventTime: number | null;
  readonly lastEventTime: number | null;
  /**
   * Share of judged training readings the fitted model scores at or below its cutoff: its specificity on the
   * training history, not an accuracy against labels. Kept in training_data_info (trainingNormalShare); the
   * stored accuracy_score is measured on held-out readings instead (evaluate.ts).
   */
  readonly normalShare: number;
}

export type TrainingResult =
  | { readonly ok: true; readonly parameters: MlModelParameters; readonly summary: TrainingSummary }
  | { readonly ok: false; readonly reason: string; readonly summary: TrainingSummary };

export type TrainingDynamics = Partial<typeof DEFAULT_DYNAMICS>;

/**
 * Fits the model of `machineType` from its readings (any order; per machine they are sorted by event time and
 * repeated seqs dropped). Readings of other types are ignored. Pure and deterministic.
 */
export function fitModel(
  machineType: string,
  readings: Iterable<SensorReading>,
  dynamics: TrainingDynamics = {},
): TrainingResult {
  const series = byMachine(machineType, readings);
  let count = 0;
  let first: number | null = null;
  let last: number | null = null;
  for (const list of series) {
    count += list.length;
    const a = list[0]!.timestamp;
    const b = list[list.length - 1]!.timestamp;
    first = first === null || a < first ? a : first;
    last = last === null || b > last ? b : last;
  }
  const summaryWith = (judged: number, normalShare: number): TrainingSummary => ({
    machines: series.length,
    readings: count,
    judged,
    firstEventTime: first,
    lastEventTime: last,
    normalShare,
  });

  // 1. Levels and noise.
  const temperatures: number[] = [];
  const vibrations: number[] = [];
  const steps: [number[], number[], number[]] = [[], [], []];
  for (const list of series) {
    let previous: SensorReading | null = null;
    for (const reading of list) {
      if (reading.status !== 'RUNNING') {
        previous = null;
        continue;
      }
      temperatures.push(reading.temperature);
      vibrations.push(reading.vibration);
      if (previous !== null) {
        steps[0].push(Math.abs(reading.temperature - previous.temperature));
        steps[1].push(Math.abs(reading.vibration - previous.vibration));
        steps[2].push(Math.abs(reading.load - previous.load));
      }
      previous = reading;
    }
  }
  if (temperatures.length < MIN_TRAINING_READINGS) {
    return {
      ok: false,
      reason: `${temperatures.length} RUNNING readings of ${machineType}, at least ${MIN_TRAINING_READINGS} needed`,
      summary: summaryWith(0, 0),
    };
  }
  const HALF_NORMAL_MEAN_PER_MEDIAN = 0.7979 / 0.6745;
  const typical = steps.map((list) => median(list) * HALF_NORMAL_MEAN_PER_MEDIAN);
  const provisional: MlModel = {
    ...baseParameters(machineType, dynamics),
    cutoff: Number.MAX_VALUE,
    levels: {
      temperature: { mean: median(temperatures), scale: 1 },
      vibration: { mean: median(vibrations), scale: 1 },
    },
    flatness: {
      temperature: { typicalStep: typical[0]!, scale: 1 },
      vibration: { typicalStep: typical[1]!, scale: 1 },
      load: { typicalStep: typical[2]!, scale: 1 },
    },
    version: 'training',
  };

  // 2. Scales of the raw deviations.
  const deviations: number[][] = [[], [], [], [], []];
  replay(series, provisional, (state) => {
    const raw = rawDeviations(state, provisional);
    for (let f = 0; f < raw.length; f++) deviations[f]!.push(raw[f]!);
  });
  const judged = deviations[0]!.length;
  if (judged < MIN_TRAINING_READINGS) {
    return {
      ok: false,
      reason: `${judged} judged readings of ${machineType} (RUNNING past warm-up), at least ${MIN_TRAINING_READINGS} needed`,
      summary: summaryWith(judged, 0),
    };
  }
  const scales = deviations.map((values) => Math.max(robustSpread(values), 1e-6));
  const level = (sensor: 'temperature' | 'vibration', f: number): LevelParameters => ({
    mean: provisional.levels[sensor].mean,
    scale: scales[f]!,
  });
  const flat = (sensor: 'temperature' | 'vibration' | 'load', f: number): FlatParameters => ({
    typicalStep: provisional.flatness[sensor].typicalStep,
    scale: scales[f]!,
  });
  const scaled: MlModel = {
    ...provisional,
    levels: { temperature: level('temperature', 0), vibration: level('vibration', 1) },
    flatness: {
      temperature: flat('temperature', 2),
      vibration: flat('vibration', 3),
      load: flat('load', 4),
    },
  };

  // 3. The cutoff on the combined score.
  const scores: number[] = [];
  const bucketMax = new Map<string, number>();
  replay(series, scaled, (_state, score, reading) => {
    scores.push(score);
    const key = `${reading.machineId}\u0000${Math.floor(reading.timestamp / CUTOFF_BUCKET_MS)}`;
    const max = bucketMax.get(key);
    if (max === undefined || score > max) bucketMax.set(key, score);
  });
  const cutoff = Math.max(MIN_CUTOFF, quantile([...bucketMax.values()], CUTOFF_QUANTILE) * CUTOFF_MARGIN);
  let normal = 0;
  for (const score of scores) if (score <= cutoff) normal++;
  const { version: _version, ...fitted } = { ...scaled, cutoff };
  return {
    ok: true,
    parameters: fitted,
    summary: summaryWith(scores.length, scores.length === 0 ? 0 : normal / scores.length),
  };
}

function baseParameters(
  machineType: string,
  dynamics: TrainingDynamics,
): Omit<MlModelParameters, 'cutoff' | 'levels' | 'flatness'> {
  return { algorithm: ML_ALGORITHM, machineType, ...DEFAULT_DYNAMICS, ...dynamics };
}

// Every judged reading through the detector's feature extraction, the baseline learning throughout.
function replay(
  series: readonly SensorReading[][],
  model: MlModel,
  judged: (state: readonly number[], score: number, reading: SensorReading) => void,
): void {
  for (const list of series) {
    const state = emptyMlState();
    for (const reading of list) {
      const features = observe(state, reading, model, true);
      if (features !== null) judged(state, features.score, reading);
    }
  }
}

/** A type's readings per machine (machines by id), each in event-time order with repeated seqs dropped. */
export function byMachine(machineType: string, readings: Iterable<SensorReading>): SensorReading[][] {
  const machines = new Map<string, SensorReading[]>();
  for (const reading of readings) {
    if (reading.machineType !== machineType) continue;
    let list = machines.get(reading.machineId);
    if (list === undefined) machines.set(reading.machineId, (list = []));
    list.push(reading);
  }
  const ids = [...machines.keys()].sort();
  return ids.map((id) => {
    const list = machines.get(id)!.sort((a, b) => a.timestamp - b.timestamp || (a.seq ?? 0) - (b.seq ?? 0));
    const seen = new Set<number>();
    return list.filter((reading) => {
      if (reading.seq === undefined) return true;
      if (seen.has(reading.seq)) return false;
      seen.add(reading.seq);
      return true;
    });
  });
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** The q-quantile (linear between order statistics); NaN for no values. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
}

/** 1.4826 × the median absolute deviation: the standard deviation for normal data, robust to outliers. */
export function robustSpread(values: readonly number[]): number {
  const center = median(values);
  return 1.4826 * median(values.map((value) => Math.abs(value - center)));
}
