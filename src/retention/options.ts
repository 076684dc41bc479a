// The retention block of the environment: RETENTION_BATCH_SIZE and, per table, RETENTION_<TABLE> (a period:
// P90D, PT12H, 90 for days, or off) and RETENTION_<TABLE>_MODE (ARCHIVE or DELETE). src/config.ts spreads
// these schemas into its own, so a bad value stops every command at start with one line naming the variable.
import { z } from 'zod';
import {
  RETENTION_TABLES,
  parseRetentionMode,
  parseRetentionPeriod,
  type RetentionPeriod,
  type RetentionPolicies,
  type RetentionTableName,
  type TablePolicy,
} from '../../processors/retention/index.js';

const period = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, context): RetentionPeriod => {
      const parsed = parseRetentionPeriod(value);
      if (parsed.ok) return parsed.period;
      context.addIssue({ code: 'custom', message: parsed.message });
      return z.NEVER;
    });

const mode = (table: RetentionTableName, fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, context) => {
      const parsed = parseRetentionMode(table, value);
      if (parsed.ok) return parsed.mode;
      context.addIssue({ code: 'custom', message: parsed.message });
      return z.NEVER;
    });

const spec = (table: RetentionTableName) => RETENTION_TABLES.find((t) => t.table === table)!;
const periodOf = (table: RetentionTableName) => period(spec(table).defaultPeriod);
const modeOf = (table: RetentionTableName) => mode(table, spec(table).defaultMode);

export const retentionEnvironment = {
  RETENTION_BATCH_SIZE: z.coerce.number().int().positive().max(100_000).default(5_000),
  RETENTION_ANOMALY_HISTORY: periodOf('anomaly_history'),
  RETENTION_ANOMALY_HISTORY_MODE: modeOf('anomaly_history'),
  RETENTION_STATE_SNAPSHOTS: periodOf('state_snapshots'),
  RETENTION_STATE_SNAPSHOTS_MODE: modeOf('state_snapshots'),
  RETENTION_ANOMALY_RECORDS: periodOf('anomaly_records'),
  RETENTION_ANOMALY_RECORDS_MODE: modeOf('anomaly_records'),
  RETENTION_ALERTS: periodOf('alerts'),
  RETENTION_ALERTS_MODE: modeOf('alerts'),
  RETENTION_PERFORMANCE_METRICS: periodOf('performance_metrics'),
  RETENTION_PERFORMANCE_METRICS_MODE: modeOf('performance_metrics'),
  RETENTION_PERFORMANCE_WINDOWS: periodOf('performance_windows'),
  RETENTION_PERFORMANCE_WINDOWS_MODE: modeOf('performance_windows'),
  RETENTION_NOTIFICATION_LOGS: periodOf('notification_logs'),
  RETENTION_NOTIFICATION_LOGS_MODE: modeOf('notification_logs'),
  RETENTION_MAINTENANCE_REPORTS: periodOf('maintenance_reports'),
  RETENTION_MAINTENANCE_REPORTS_MODE: modeOf('maintenance_reports'),
};

type RetentionEnvironment = {
  [K in keyof typeof retentionEnvironment]: z.output<(typeof retentionEnvironment)[K]>;
};

export interface RetentionConfig {
  /** Rows per batch; each batch is one short transaction. */
  readonly batchSize: number;
  readonly policies: RetentionPolicies;
}

export function retentionConfigOf(e: RetentionEnvironment): RetentionConfig {
  const policy = (period: RetentionPeriod, mode: TablePolicy['mode']): TablePolicy => ({ period, mode });
  return {
    batchSize: e.RETENTION_BATCH_SIZE,
    policies: {
      anomaly_history: policy(e.RETENTION_ANOMALY_HISTORY, e.RETENTION_ANOMALY_HISTORY_MODE),
      state_snapshots: policy(e.RETENTION_STATE_SNAPSHOTS, e.RETENTION_STATE_SNAPSHOTS_MODE),
      anomaly_records: policy(e.RETENTION_ANOMALY_RECORDS, e.RETENTION_ANOMALY_RECORDS_MODE),
      alerts: policy(e.RETENTION_ALERTS, e.RETENTION_ALERTS_MODE),
      performance_metrics: policy(e.RETENTION_PERFORMANCE_METRICS, e.RETENTION_PERFORMANCE_METRICS_MODE),
      performance_windows: policy(e.RETENTION_PERFORMANCE_WINDOWS, e.RETENTION_PERFORMANCE_WINDOWS_MODE),
      notification_logs: policy(e.RETENTION_NOTIFICATION_LOGS, e.RETENTION_NOTIFICATION_LOGS_MODE),
      maintenance_reports: policy(e.RETENTION_MAINTENANCE_REPORTS, e.RETENTION_MAINTENANCE_REPORTS_MODE),
    },
  };
}
