import { describe, expect, it } from 'vitest';
import { REPORT_ID_MAX_LENGTH, reportFileName, reportIdFor, reportPeriod } from './report-period.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const describePeriod = (type: 'DAILY' | 'WEEKLY' | 'MONTHLY', time: string) => {
  const period = reportPeriod(type, at(time));
  return { label: period.label, start: iso(period.start), end: iso(period.end) };
};

describe('report periods', () => {
  it('given a time during a day, when a DAILY period is asked for, then it is the previous complete UTC day', () => {
    expect(describePeriod('DAILY', '2026-03-09T06:30:00Z')).toEqual({
      label: '2026-03-08',
      start: '2026-03-08T00:00:00.000Z',
      end: '2026-03-09T00:00:00.000Z',
    });
    // A period ending exactly at --at is complete.
    expect(describePeriod('DAILY', '2026-03-09T00:00:00Z').label).toBe('2026-03-08');
    expect(describePeriod('DAILY', '2026-03-08T23:59:59.999Z').label).toBe('2026-03-07');
  });

  it('given any day of a week, when a WEEKLY period is asked for, then it is the previous ISO week, Monday to Monday', () => {
    for (const time of ['2026-03-09T00:00:00Z', '2026-03-11T12:00:00Z', '2026-03-15T23:59:59Z']) {
      expect(describePeriod('WEEKLY', time)).toEqual({
        label: '2026-W10',
        start: '2026-03-02T00:00:00.000Z',
        end: '2026-03-09T00:00:00.000Z',
      });
    }
  });

  it('given weeks around the new year, when labelled, then the week belongs to the year of its Thursday', () => {
    // 2026-01-01 is a Thursday: the week from Monday 2025-12-29 is 2026-W01.
    expect(describePeriod('WEEKLY', '2026-01-05T00:00:00Z')).toMatchObject({
      label: '2026-W01',
      start: '2025-12-29T00:00:00.000Z',
    });
    // 2020 had 53 ISO weeks; its last ended on Sunday 2021-01-03.
    expect(describePeriod('WEEKLY', '2021-01-04T08:00:00Z').label).toBe('2020-W53');
    // 2027-01-01 is a Friday: the week from Monday 2026-12-28 is still 2026's last.
    expect(describePeriod('WEEKLY', '2027-01-04T08:00:00Z').label).toBe('2026-W53');
  });

  it('given a time in a month, when a MONTHLY period is asked for, then it is the previous calendar month', () => {
    expect(describePeriod('MONTHLY', '2026-03-09T06:00:00Z')).toEqual({
      label: '2026-02',
      start: '2026-02-01T00:00:00.000Z',
      end: '2026-03-01T00:00:00.000Z',
    });
    expect(describePeriod('MONTHLY', '2026-01-01T00:00:00Z')).toMatchObject({
      label: '2025-12',
      start: '2025-12-01T00:00:00.000Z',
    });
    expect(describePeriod('MONTHLY', '2024-03-31T23:00:00Z').label).toBe('2024-02');
  });
});

describe('report ids and file names', () => {
  const week = reportPeriod('WEEKLY', at('2026-03-09T06:00:00Z'));

  it('given the fleet or a machine, when the id is made, then it names the type, the period and the machine', () => {
    expect(reportIdFor(week, null)).toBe('WEEKLY-2026-W10');
    expect(reportIdFor(week, 'pump-0001')).toBe('WEEKLY-2026-W10-pump-0001');
    expect(reportIdFor(reportPeriod('MONTHLY', at('2026-03-09T06:00:00Z')), null)).toBe('MONTHLY-2026-02');
  });

  it('given a long machine id, when the id is made, then it is 50 characters, readable and still unique', () => {
    const a = reportIdFor(week, `${'x'.repeat(40)}-a`);
    const b = reportIdFor(week, `${'x'.repeat(40)}-b`);
    expect(a).toHaveLength(REPORT_ID_MAX_LENGTH);
    expect(a.startsWith('WEEKLY-2026-W10-xxx')).toBe(true);
    expect(a).not.toBe(b);
    expect(reportIdFor(week, `${'x'.repeat(40)}-a`)).toBe(a);
  });

  it('given ids with characters unfit for a file name, when the file is named, then they are replaced and a hash keeps it unique', () => {
    expect(reportFileName('WEEKLY-2026-W10')).toBe('WEEKLY-2026-W10.html');
    const slash = reportFileName('WEEKLY-2026-W10-line/1');
    const colon = reportFileName('WEEKLY-2026-W10-line:1');
    expect(slash).toMatch(/^WEEKLY-2026-W10-line_1~[0-9a-f]{8}\.html$/);
    expect(colon).not.toBe(slash);
    expect(reportFileName('../../etc')).not.toContain('/');
  });
});
