// ML detection: a streaming per-machine multivariate detector (robust z-scores against EWMA baselines, plus
// flatness of the sensor noise), its per-type model and how to fit one from history, and event-level scoring
// against ground truth.
export {
  ML_STATE_LENGTH,
  confidenceOf,
  emptyMlState,
  judgeWithModel,
  mlBusy,
  mlStateProblem,
  observe,
  scoreLevel,
  type MlEventContext,
  type MlFeatures,
} from './detector.js';
export {
  scoreDetections,
  type DetectionQuality,
  type GroundTruthFault,
  type OpenedAnomaly,
  type QualityRow,
} from './detection-quality.js';
export {
  FAULT_TOLERANCE_MS,
  HOLDOUT_FRACTION,
  evaluateHeldOut,
  splitByTime,
  type FaultQuality,
  type HeldOutEvaluation,
  type TimeSplit,
} from './evaluate.js';
export {
  DEFAULT_DYNAMICS,
  FLAT_SENSORS,
  LEVEL_SENSORS,
  ML_ALGORITHM,
  ML_ANOMALY_TYPE,
  ML_RULE_ID,
  MlModelError,
  NO_MODELS,
  algorithmUsed,
  modelLookup,
  parseModel,
  serializeModel,
  type FlatParameters,
  type LevelParameters,
  type MlModel,
  type MlModelParameters,
  type ModelLookup,
} from './model.js';
export {
  CUTOFF_MARGIN,
  CUTOFF_QUANTILE,
  MIN_CUTOFF,
  MIN_TRAINING_READINGS,
  fitModel,
  median,
  quantile,
  robustSpread,
  type TrainingDynamics,
  type TrainingResult,
  type TrainingSummary,
} from './train.js';
