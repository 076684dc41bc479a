// Threshold detection: machine type configs (columns + thresholds JSON), their validation, and the
// per-(machine, rule) state machines that turn readings and stream time into anomaly events.
export type {
  AnomalyEvent,
  AnomalyEventType,
  CalculatedMetrics,
  EventSink,
  MlDetection,
} from './anomaly-event.js';
export { ANOMALY_EVENT_TYPES } from './anomaly-event.js';
export {
  DERIVATION_FACTORS,
  THRESHOLD_DEFAULTS,
  checkCompiledConfig,
  compileMachineTypeConfig,
  deriveBounds,
  type CompiledConfig,
  type CompiledRule,
  type RuleKind,
} from './compile-config.js';
export { configLookup, resolveConfig } from './config-lookup.js';
export { DEFAULT_CLOCK_SKEW_POLICY, isClockSkewed, judgeClock, type ClockSkewPolicy } from './clock-skew.js';
export {
  CLOCK_SKEW_ANOMALY_TYPE,
  CLOCK_SKEW_RULE_ID,
  STALE_ANOMALY_TYPE,
  STALE_RULE_ID,
  clearStaleData,
  cloneDetection,
  isStale,
  judgeReading,
  openStaleData,
  type MachineDetection,
  type RuleState,
} from './detection.js';
export {
  OPERATIONAL_PATTERNS,
  THRESHOLD_SENSORS,
  type ConfigLookup,
  type MachineTypeConfig,
  type OperationalPattern,
  type RateThresholds,
  type SensorThresholds,
  type SeverityBounds,
  type StaleDataThresholds,
  type StatusThresholds,
  type ThresholdSensor,
  type Thresholds,
} from './machine-type-config.js';
export {
  ThresholdConfigError,
  parseMachineTypeConfig,
  parseThresholds,
  safeParseMachineTypeConfig,
  safeParseThresholds,
  type ParseResult,
} from './parse-config.js';
export {
  COMPRESSOR_CONFIG,
  CNC_MILL_CONFIG,
  CONVEYOR_CONFIG,
  DEFAULT_MACHINE_TYPE_CONFIG,
  PUMP_CONFIG,
  SEED_MACHINE_TYPE_CONFIGS,
} from './seed-configs.js';
export { SEVERITIES, severityAt, severityRank, type Severity } from './severity.js';
export {
  DeadlineHeap,
  MIN_SILENCE_MS,
  advanceStaleData,
  noteArrival,
  reportDataGap,
  silenceAllowance,
  rebuildStaleIndex,
  watchForStaleData,
  type StaleCandidate,
} from './stale-data.js';
