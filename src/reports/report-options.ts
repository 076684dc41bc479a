// `twin report` options as commander hands them over (strings), checked and turned into typed settings.
// Pure, so every rule is unit-tested; a bad value becomes one line naming the flag, what it takes and what came.
import { parseIsoTimestamp } from '../../processors/readings/iso-timestamp.js';
import { MAX_ID_CHARACTERS, MIN_TIMESTAMP_MS } from '../../processors/readings/validate-reading.js';
import { REPORT_TYPES, type ReportType } from '../../processors/reports/index.js';
import { errorWithCode } from '../errors.js';

export interface RawReportOptions {
  readonly type?: string;
  readonly machine?: string;
  readonly at?: string;
  readonly out: string;
}

export interface ReportSettings {
  readonly type: ReportType;
  /** null: the whole fleet. */
  readonly machineId: string | null;
  /** The report covers the last complete period ending at or before this time, epoch ms. */
  readonly at: number;
  readonly outDir: string;
}

/** A bad command-line value; the message is the one line the user sees. */
export class ReportOptionError extends errorWithCode('ReportOptionError', 'REPORT_OPTION_INVALID') {}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** `now` is the default for --at (the caller's clock: this module has none). */
export function parseReportOptions(raw: RawReportOptions, now: number): ReportSettings {
  const type = REPORT_TYPES.find((candidate) => candidate === raw.type?.toUpperCase());
  if (type === undefined) {
    throw new ReportOptionError(
      `--type takes DAILY, WEEKLY or MONTHLY, got ${raw.type === undefined ? 'nothing' : JSON.stringify(raw.type)}`,
    );
  }
  return {
    type,
    machineId: machine(raw.machine),
    at: raw.at === undefined ? now : at(raw.at),
    outDir: out(raw.out),
  };
}

function machine(text: string | undefined): string | null {
  if (text === undefined) return null;
  if (text === '' || text.trim() !== text || [...text].length > MAX_ID_CHARACTERS) {
    throw new ReportOptionError(
      `--machine takes a machine id (1 to ${MAX_ID_CHARACTERS} characters, no surrounding spaces), got ${JSON.stringify(text)}`,
    );
  }
  return text;
}

function at(text: string): number {
  // A bare date is that day's UTC midnight: `--at 2026-03-09 --type WEEKLY` is the week that ended then.
  const ms = parseIsoTimestamp(DATE_ONLY.test(text) ? `${text}T00:00:00Z` : text);
  if (ms === undefined) {
    throw new ReportOptionError(
      `--at takes an ISO-8601 time with zone or a UTC date, e.g. 2026-03-09T06:00:00Z or 2026-03-09, got ${JSON.stringify(text)}`,
    );
  }
  if (ms < MIN_TIMESTAMP_MS)
    throw new ReportOptionError(`--at must be 2000-01-01T00:00:00Z or later, got ${text}`);
  return ms;
}

function out(text: string): string {
  if (text.trim() === '') throw new ReportOptionError('--out takes a directory, got an empty one');
  return text;
}
