import { describe, expect, it } from 'vitest';
import { parseRetentionPeriod } from './period.js';
import { parseRetentionMode, retentionEnvNames } from './tables.js';

const DAY = 86_400_000;

describe('retention periods', () => {
  it.each([
    ['P90D', 'P90D', 90 * DAY],
    ['p2w', 'P2W', 14 * DAY],
    ['PT12H', 'PT12H', 12 * 3_600_000],
    ['P1DT6H30M', 'P1DT6H30M', DAY + 6.5 * 3_600_000],
    ['30', 'P30D', 30 * DAY],
    [' off ', 'off', null],
  ])('given %j, when parsed, then it is %s (%s ms)', (raw, text, ms) => {
    expect(parseRetentionPeriod(raw)).toEqual({ ok: true, period: { text, ms } });
  });

  it.each([
    ['P1M', 'months and years have no fixed length'],
    ['P1Y', 'months and years have no fixed length'],
    ['P0D', 'must be longer than zero'],
    ['0', 'must be longer than zero'],
    ['90 days', 'is not a retention period'],
    ['P', 'is not a retention period'],
    ['P1DT', 'is not a retention period'],
    ['-5', 'is not a retention period'],
  ])('given %j, when parsed, then it is refused with a reason', (raw, reason) => {
    const parsed = parseRetentionPeriod(raw);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain(reason);
  });
});

describe('retention modes', () => {
  it('given any table, when its variables are named, then they are RETENTION_<TABLE> and RETENTION_<TABLE>_MODE', () => {
    expect(retentionEnvNames('anomaly_history')).toEqual({
      period: 'RETENTION_ANOMALY_HISTORY',
      mode: 'RETENTION_ANOMALY_HISTORY_MODE',
    });
  });

  it('given a table with an archive, when either mode is asked for, then both are accepted', () => {
    expect(parseRetentionMode('anomaly_records', 'delete')).toEqual({ ok: true, mode: 'DELETE' });
    expect(parseRetentionMode('anomaly_records', 'ARCHIVE')).toEqual({ ok: true, mode: 'ARCHIVE' });
  });

  it('given alerts, when DELETE is asked for, then it is refused: archived alerts keep their ids counted', () => {
    const parsed = parseRetentionMode('alerts', 'DELETE');
    expect(parsed).toMatchObject({ ok: false, message: expect.stringContaining('only archived') as unknown });
  });

  it('given tables without an archive, when ARCHIVE is asked for, then it is refused', () => {
    expect(parseRetentionMode('state_snapshots', 'ARCHIVE').ok).toBe(false);
    expect(parseRetentionMode('performance_windows', 'ARCHIVE').ok).toBe(false);
    expect(parseRetentionMode('performance_windows', 'purge')).toMatchObject({ ok: false });
  });
});
