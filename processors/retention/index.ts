// Retention: which rows of which table go, when, and how (archive or delete). Pure: the clock and what the
// pipeline still needs are inputs; src/retention/ runs the batches.
export { parseRetentionPeriod, type PeriodResult, type RetentionPeriod } from './period.js';
export {
  RETENTION_TABLES,
  RETENTION_TABLE_NAMES,
  parseRetentionMode,
  retentionEnvNames,
  retentionTable,
  type ModeResult,
  type RetentionMode,
  type RetentionRule,
  type RetentionTable,
  type RetentionTableName,
} from './tables.js';
export {
  planRetention,
  selectTable,
  startOfUtcDay,
  tableDone,
  type ReplayGuard,
  type RetentionPolicies,
  type RetentionWatermarks,
  type TablePlan,
  type TablePolicy,
  type TableSelection,
} from './plan.js';
