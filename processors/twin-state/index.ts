// Twin state: the event-sourced twin of one machine and how a reading evolves it.
export {
  DEFAULT_TWIN_OPTIONS,
  classifyReading,
  evolve,
  evolveInPlace,
  resolveTwinOptions,
  statsWeight,
  type Evolution,
  type ReadingOutcome,
  type TwinOptions,
} from './evolve.js';
export {
  MAX_RATE_TRACKS,
  RATE_SMOOTHING_PER_WINDOW,
  RATE_TRACK_NUMBERS,
  RATE_WARMUP_PER_WINDOW,
  rateTrack,
  rateTracksProblem,
  smoothedRateValue,
  trackRate,
  type RateTrack,
} from './rate-tracking.js';
export { NO_SEQ, SEQ_WINDOW_SIZE, emptySeqWindow, markSeq, seqSeen, type SeqWindow } from './seq-window.js';
export {
  STATS_AT,
  STATS_PER_SENSOR,
  TWIN_SENSORS,
  TWIN_STATS_LENGTH,
  addReadingToStats,
  addToStats,
  emptyStats,
  ewmaWeight,
  sensorStats,
  type SensorStats,
  type TwinSensor,
  type TwinStats,
} from './sensor-stats.js';
export { cloneTwin, createTwin, type LatestValues, type Twin, type TwinCounters } from './twin.js';
export {
  MAX_ML_NUMBERS,
  TWIN_BACKUP_NUMBERS,
  TWIN_BACKUP_STRINGS,
  backupTwin,
  restoreTwin,
} from './twin-backup.js';
