// A per-machine-type model of the multivariate detector (`robust-z-ewma`): what `twin train` fits from history
// and stores in ml_models.model_data (UTF-8 JSON), and what the fold judges readings with. Plain numbers only,
// validated once when loaded, never on the hot path.
import { z } from 'zod';
import { errorWithCode } from '../errors.js';

export const ML_ALGORITHM = 'robust-z-ewma';
/** anomaly_type of the detector's anomalies. */
export const ML_ANOMALY_TYPE = 'ML_MULTIVARIATE';
/** ruleId of the detector's anomalies (anomaly_history.details.ruleId). */
export const ML_RULE_ID = 'ml.multivariate';

/** The level sensors (one-sided: hotter or rougher than the machine's own baseline) and the flatness sensors. */
export const LEVEL_SENSORS = ['temperature', 'vibration'] as const;
export const FLAT_SENSORS = ['temperature', 'vibration', 'load'] as const;
export type LevelSensor = (typeof LEVEL_SENSORS)[number];
export type FlatSensor = (typeof FLAT_SENSORS)[number];

export interface LevelParameters {
  /** Typical RUNNING level of the type: where a new machine's baseline starts. */
  readonly mean: number;
  /** Robust spread (1.4826 × MAD) of smoothed level − baseline on the training history. */
  readonly scale: number;
}

export interface FlatParameters {
  /** Typical |step| between consecutive RUNNING readings (sensor noise); 0 turns the feature off. */
  readonly typicalStep: number;
  /** Robust spread of (1 − smoothed |step| / typicalStep) on the training history. */
  readonly scale: number;
}

export interface MlModelParameters {
  readonly algorithm: typeof ML_ALGORITHM;
  readonly machineType: string;
  /** Time constant of the smoothed level (noise suppression), ms of event time. */
  readonly fastTimeConstantMs: number;
  /** Time constant of the machine's own baseline, ms of event time. */
  readonly baselineTimeConstantMs: number;
  /** A machine new to the detector is judged only once its baseline has learned this long. */
  readonly baselineWarmupMs: number;
  /** Per-reading EWMA weight of |step| (flatness). */
  readonly stepAlpha: number;
  /** A RUNNING period is judged only after this long and this many readings (start-up transients). */
  readonly warmupMs: number;
  readonly warmupReadings: number;
  /** Score above cutoff held this long opens (or escalates) the anomaly. */
  readonly raiseAfterMs: number;
  /** Score at or below cutoff × clearRatio held this long clears it. */
  readonly clearAfterMs: number;
  readonly clearRatio: number;
  /** The learned per-type cutoff on the combined score. */
  readonly cutoff: number;
  readonly levels: { readonly [S in LevelSensor]: LevelParameters };
  readonly flatness: { readonly [S in FlatSensor]: FlatParameters };
}

/** A model as the fold uses it: its parameters and the version it is stored under (ml_models.model_version). */
export interface MlModel extends MlModelParameters {
  readonly version: string;
}

/** The ACTIVE model of a machine type, or undefined (the detector is off for that type). */
export type ModelLookup = (machineType: string) => MlModel | undefined;

export const NO_MODELS: ModelLookup = () => undefined;

/** A lookup over a list of models; the last one of a type wins. */
export function modelLookup(models: Iterable<MlModel>): ModelLookup {
  const byType = new Map<string, MlModel>();
  for (const model of models) byType.set(model.machineType, model);
  return (machineType) => byType.get(machineType);
}

/**
 * Defaults of the fitting (training sets the statistics; these are the dynamics). 30 s smoothing keeps
 * sensor noise out of the level, a 30-minute baseline follows a machine's own normal, and the 30 s / 60 s
 * raise and clear times match the seed thresholds' so the two detectors flap equally little.
 */
export const DEFAULT_DYNAMICS = Object.freeze({
  fastTimeConstantMs: 30_000,
  baselineTimeConstantMs: 30 * 60_000,
  baselineWarmupMs: 10 * 60_000,
  stepAlpha: 0.05,
  warmupMs: 60_000,
  warmupReadings: 10,
  raiseAfterMs: 30_000,
  clearAfterMs: 60_000,
  clearRatio: 0.8,
});

/** A model that can't be used; `message` is one line naming the path. */
export class MlModelError extends errorWithCode('MlModelError', 'ML_MODEL_INVALID') {}

const positive = z.number().finite().positive();
const nonNegative = z.number().finite().min(0);
const levelSchema = z.strictObject({ mean: z.number().finite(), scale: positive });
const flatSchema = z.strictObject({ typicalStep: nonNegative, scale: positive });

const parametersSchema = z.strictObject({
  algorithm: z.literal(ML_ALGORITHM),
  machineType: z.string().min(1).max(50),
  fastTimeConstantMs: positive,
  baselineTimeConstantMs: positive,
  baselineWarmupMs: nonNegative,
  stepAlpha: z.number().gt(0).max(1),
  warmupMs: nonNegative,
  warmupReadings: z.number().int().min(2),
  raiseAfterMs: nonNegative,
  clearAfterMs: nonNegative,
  clearRatio: z.number().gt(0).max(1),
  cutoff: positive,
  levels: z.strictObject({ temperature: levelSchema, vibration: levelSchema }),
  flatness: z.strictObject({ temperature: flatSchema, vibration: flatSchema, load: flatSchema }),
});

/** ml_models.model_data: the parameters as UTF-8 JSON (readable with psql, diffable between versions). */
export function serializeModel(parameters: MlModelParameters): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(parameters));
}

/** A model from model_data and its row's version, validated. Throws MlModelError. */
export function parseModel(data: Uint8Array | string, version: string): MlModel {
  let json: unknown;
  try {
    json = JSON.parse(typeof data === 'string' ? data : new TextDecoder().decode(data));
  } catch {
    throw new MlModelError(`model ${version}: model_data is not JSON`);
  }
  const parsed = parametersSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new MlModelError(`model ${version}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  if (version.length === 0 || version.length > 20) {
    throw new MlModelError(`model version must be 1..20 characters, got "${version}"`);
  }
  return { ...parsed.data, version };
}

/** algorithm_used of the model's anomaly_records rows, e.g. `robust-z-ewma@v3`. */
export function algorithmUsed(model: Pick<MlModel, 'algorithm' | 'version'>): string {
  return `${model.algorithm}@${model.version}`;
}
