// Performance windows: event-time tumbling windows of readings per machine, their sums (values, and the time
// each reading's status covers), and the OEE-style metrics of performance_metrics computed from them (base
// window, hourly and daily roll-ups).
export {
  DEFAULT_WINDOW_OPTIONS,
  aggregateReadings,
  emptyWindowPosition,
  resolveWindowOptions,
  type AggregateCounts,
  type ArrivingReading,
  type AggregateInput,
  type AggregateOutput,
  type MachineWindowPosition,
  type WindowOptions,
} from './aggregate-readings.js';
export {
  DAY_MS,
  HOUR_MS,
  ROLL_UP_MS,
  SUM_SCALE,
  baseResolution,
  emptySums,
  fixedSum,
  mergeSums,
  rollUpStart,
  unknownPercentage,
  windowMetrics,
  windowStartOf,
  type RollUpResolution,
  type WindowMetrics,
  type WindowSums,
  type WindowTotals,
} from './window-metrics.js';
