// Which period a report covers and the report's deterministic id. A report always covers the last complete
// UTC day, ISO week (Monday to Sunday) or calendar month that ends at or before the given time, so a job run
// any time during the next period reports the same one, and its id names it.
import { fnv1a64 } from '../alerts/alert.js';

export const REPORT_TYPES = ['DAILY', 'WEEKLY', 'MONTHLY'] as const;
export type ReportType = (typeof REPORT_TYPES)[number];

export interface ReportPeriod {
  readonly type: ReportType;
  /** Epoch ms, inclusive (UTC midnight). */
  readonly start: number;
  /** Epoch ms, exclusive (UTC midnight). */
  readonly end: number;
  /** `2026-03-09`, `2026-W10`, `2026-03`. */
  readonly label: string;
}

/** `maintenance_reports.report_id` is VARCHAR(50). */
export const REPORT_ID_MAX_LENGTH = 50;

const DAY_MS = 86_400_000;

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** `YYYY-MM-DD` of a UTC time. */
export function utcDay(ms: number): string {
  const date = new Date(ms);
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

/** The last complete period of this type that ends at or before `at` (epoch ms). */
export function reportPeriod(type: ReportType, at: number): ReportPeriod {
  const midnight = Math.floor(at / DAY_MS) * DAY_MS;
  switch (type) {
    case 'DAILY':
      return { type, start: midnight - DAY_MS, end: midnight, label: utcDay(midnight - DAY_MS) };
    case 'WEEKLY': {
      // getUTCDay: Sunday 0 … Saturday 6; ISO weeks start on Monday.
      const sinceMonday = (new Date(midnight).getUTCDay() + 6) % 7;
      const end = midnight - sinceMonday * DAY_MS;
      const start = end - 7 * DAY_MS;
      return { type, start, end, label: isoWeekLabel(start) };
    }
    case 'MONTHLY': {
      const date = new Date(midnight);
      const end = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
      const start = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() - 1, 1);
      const first = new Date(start);
      return { type, start, end, label: `${first.getUTCFullYear()}-${pad(first.getUTCMonth() + 1)}` };
    }
  }
}

/** `YYYY-Www` of the ISO week starting on this Monday: the week belongs to the year of its Thursday. */
function isoWeekLabel(monday: number): string {
  const thursday = new Date(monday + 3 * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY_MS)) + 1;
  return `${year}-W${pad(week)}`;
}

/**
 * `<TYPE>-<label>` for the fleet, `<TYPE>-<label>-<machineId>` for one machine. When that is longer than 50
 * characters: its first 33, `~`, and 16 hex digits of the FNV-1a hash of the whole (as alert ids do).
 */
export function reportIdFor(period: ReportPeriod, machineId: string | null): string {
  const readable =
    machineId === null ? `${period.type}-${period.label}` : `${period.type}-${period.label}-${machineId}`;
  if (readable.length <= REPORT_ID_MAX_LENGTH) return readable;
  const hash = fnv1a64(readable);
  return `${readable.slice(0, REPORT_ID_MAX_LENGTH - hash.length - 1)}~${hash}`;
}

const SAFE_FILE_NAME = /^[A-Za-z0-9._~-]+$/;

/**
 * `<reportId>.html`. Machine ids may hold any character (`/`, spaces, `<`…): those become `_`, and a hash of
 * the real id keeps two such reports from sharing a file.
 */
export function reportFileName(reportId: string): string {
  if (SAFE_FILE_NAME.test(reportId) && !reportId.startsWith('.')) return `${reportId}.html`;
  const safe = reportId.replace(/[^A-Za-z0-9._~-]/g, '_').replace(/^\./, '_');
  return `${safe}~${fnv1a64(reportId).slice(0, 8)}.html`;
}
