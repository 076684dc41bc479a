// Retention periods: ISO-8601 durations of fixed length (weeks, days, hours, minutes, seconds), a plain number
// of days, or `off`. Months and years are refused: their length depends on the date, a cutoff must not.

const DAY_MS = 86_400_000;
const UNIT_MS = { W: 7 * DAY_MS, D: DAY_MS, H: 3_600_000, M: 60_000, S: 1_000 } as const;
const ISO = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/** A table's retention: how long rows stay live, or `null` when retention is off for it. */
export interface RetentionPeriod {
  /** As configured, normalized (`P90D`, `off`): what logs and summaries show. */
  readonly text: string;
  readonly ms: number | null;
}

export type PeriodResult = { ok: true; period: RetentionPeriod } | { ok: false; message: string };

export function parseRetentionPeriod(raw: string): PeriodResult {
  const value = raw.trim().toUpperCase();
  if (value === 'OFF') return { ok: true, period: { text: 'off', ms: null } };
  if (/^\d+$/.test(value)) return positive(`P${Number(value)}D`, Number(value) * DAY_MS);
  const datePart = value.startsWith('P') ? (value.slice(1).split('T')[0] ?? '') : '';
  if (/\d+[YM]/.test(datePart))
    return { ok: false, message: `"${raw}": months and years have no fixed length; use days (P365D)` };
  const match = ISO.exec(value);
  if (!match || value === 'P' || value.endsWith('T')) {
    return {
      ok: false,
      message: `"${raw}" is not a retention period: expected an ISO-8601 duration (P90D, P2W, PT12H), days (90) or off`,
    };
  }
  const [, weeks, days, hours, minutes, seconds] = match;
  const ms =
    Number(weeks ?? 0) * UNIT_MS.W +
    Number(days ?? 0) * UNIT_MS.D +
    Number(hours ?? 0) * UNIT_MS.H +
    Number(minutes ?? 0) * UNIT_MS.M +
    Number(seconds ?? 0) * UNIT_MS.S;
  return positive(value, ms);
}

function positive(text: string, ms: number): PeriodResult {
  if (!Number.isSafeInteger(ms)) return { ok: false, message: `"${text}" is too long` };
  if (ms <= 0)
    return { ok: false, message: `"${text}" must be longer than zero (use off to keep everything)` };
  return { ok: true, period: { text, ms } };
}
