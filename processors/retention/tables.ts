// The tables retention looks after, the rule each follows and its defaults. The rule says which rows may go
// beyond "older than the cutoff"; the SQL for each rule lives in src/retention/.

export type RetentionMode = 'ARCHIVE' | 'DELETE';

export type RetentionRule =
  /** Any row older than the cutoff. */
  | 'by-time'
  /** Like by-time, but a row a processor recovery could write again stays until no replay reaches it. */
  | 'replayable'
  /** Resolved alerts only, and never a pair's latest alert (flapping reopens it; ids count the pair's rows). */
  | 'resolved-alerts'
  /** Only rows of UTC days the projector has closed (a later recompute would otherwise miss their sums). */
  | 'final-days'
  /** Superseded snapshots only; never one a checkpoint points at, nor a partition's latest. */
  | 'superseded-snapshots';

export interface RetentionTable {
  readonly table: string;
  readonly database: 'twin' | 'analytics';
  /** The column a row's age is read from (SQL, may be an expression). */
  readonly ageOf: string;
  readonly rule: RetentionRule;
  readonly modes: readonly RetentionMode[];
  readonly defaultPeriod: string;
  readonly defaultMode: RetentionMode;
}

export const RETENTION_TABLES = [
  {
    table: 'anomaly_history',
    database: 'twin',
    ageOf: 'timestamp',
    rule: 'replayable',
    modes: ['ARCHIVE', 'DELETE'],
    defaultPeriod: 'P90D',
    defaultMode: 'ARCHIVE',
  },
  {
    table: 'state_snapshots',
    database: 'twin',
    ageOf: 'snapshot_time',
    rule: 'superseded-snapshots',
    modes: ['DELETE'],
    defaultPeriod: 'P7D',
    defaultMode: 'DELETE',
  },
  {
    table: 'anomaly_records',
    database: 'analytics',
    ageOf: 'timestamp',
    rule: 'replayable',
    modes: ['ARCHIVE', 'DELETE'],
    defaultPeriod: 'P180D',
    defaultMode: 'ARCHIVE',
  },
  {
    table: 'alerts',
    database: 'analytics',
    // A resolved alert is kept for the period after it was resolved, not after it opened.
    ageOf: 'COALESCE(resolution_time, timestamp)',
    rule: 'resolved-alerts',
    // Archive only: alert ids number a pair's alerts by counting live and archived rows.
    modes: ['ARCHIVE'],
    defaultPeriod: 'P90D',
    defaultMode: 'ARCHIVE',
  },
  {
    table: 'performance_metrics',
    database: 'analytics',
    ageOf: 'calculation_time',
    rule: 'final-days',
    modes: ['ARCHIVE', 'DELETE'],
    defaultPeriod: 'P365D',
    defaultMode: 'ARCHIVE',
  },
  {
    table: 'performance_windows',
    database: 'analytics',
    ageOf: 'window_start',
    rule: 'final-days',
    modes: ['DELETE'],
    defaultPeriod: 'P7D',
    defaultMode: 'DELETE',
  },
  {
    table: 'notification_logs',
    database: 'analytics',
    ageOf: 'sent_time',
    rule: 'by-time',
    modes: ['ARCHIVE', 'DELETE'],
    defaultPeriod: 'P90D',
    defaultMode: 'ARCHIVE',
  },
  {
    table: 'maintenance_reports',
    database: 'analytics',
    ageOf: 'generated_time',
    rule: 'by-time',
    modes: ['ARCHIVE', 'DELETE'],
    defaultPeriod: 'P730D',
    defaultMode: 'ARCHIVE',
  },
] as const satisfies readonly RetentionTable[];

export type RetentionTableName = (typeof RETENTION_TABLES)[number]['table'];

export const RETENTION_TABLE_NAMES: readonly RetentionTableName[] = RETENTION_TABLES.map((t) => t.table);

export function retentionTable(name: RetentionTableName): RetentionTable {
  return RETENTION_TABLES.find((t) => t.table === name)!;
}

/** `RETENTION_<TABLE>` and `RETENTION_<TABLE>_MODE`: where a table's period and mode are configured. */
export function retentionEnvNames(name: RetentionTableName): { period: string; mode: string } {
  const period = `RETENTION_${name.toUpperCase()}`;
  return { period, mode: `${period}_MODE` };
}

export type ModeResult = { ok: true; mode: RetentionMode } | { ok: false; message: string };

export function parseRetentionMode(name: RetentionTableName, raw: string): ModeResult {
  const value = raw.trim().toUpperCase();
  const { modes } = retentionTable(name);
  if ((modes as readonly string[]).includes(value)) return { ok: true, mode: value as RetentionMode };
  if (value !== 'ARCHIVE' && value !== 'DELETE')
    return { ok: false, message: `"${raw}" is not a mode: expected ARCHIVE or DELETE` };
  const why =
    name === 'alerts'
      ? 'alert ids count archived alerts, so alerts are only archived'
      : `${name} has no archive table: its rows are only deleted`;
  return { ok: false, message: `${value} is not possible for ${name}: ${why}` };
}
