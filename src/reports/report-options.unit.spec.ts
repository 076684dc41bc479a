import { describe, expect, it } from 'vitest';
import { parseReportOptions, type RawReportOptions } from './report-options.js';

const NOW = Date.parse('2026-03-11T09:30:00Z');
const parse = (raw: Partial<RawReportOptions>) => parseReportOptions({ out: 'reports', ...raw }, NOW);

describe('twin report options', () => {
  it('given only a type, when parsed, then it is the whole fleet as of now into reports/', () => {
    expect(parse({ type: 'WEEKLY' })).toEqual({
      type: 'WEEKLY',
      machineId: null,
      at: NOW,
      outDir: 'reports',
    });
    expect(parse({ type: 'monthly' }).type).toBe('MONTHLY');
  });

  it('given a machine, a time with zone or a bare date, when parsed, then they are taken as given (dates as UTC midnight)', () => {
    expect(
      parse({ type: 'DAILY', machine: 'pump-0001', at: '2026-03-09T08:00:00+02:00', out: '/tmp/r' }),
    ).toEqual({
      type: 'DAILY',
      machineId: 'pump-0001',
      at: Date.parse('2026-03-09T06:00:00Z'),
      outDir: '/tmp/r',
    });
    expect(parse({ type: 'DAILY', at: '2026-03-09' }).at).toBe(Date.parse('2026-03-09T00:00:00Z'));
  });

  it.each([
    [{ type: 'HOURLY' }, '--type takes DAILY, WEEKLY or MONTHLY, got "HOURLY"'],
    [{}, '--type takes DAILY, WEEKLY or MONTHLY, got nothing'],
    [{ type: 'WEEKLY', at: '2026-03-09T08:00:00' }, '--at takes an ISO-8601 time with zone or a UTC date'],
    [{ type: 'WEEKLY', at: '2026-02-30' }, '--at takes an ISO-8601 time with zone or a UTC date'],
    [{ type: 'WEEKLY', at: '1999-12-31' }, '--at must be 2000-01-01T00:00:00Z or later, got 1999-12-31'],
    [{ type: 'WEEKLY', machine: '' }, '--machine takes a machine id'],
    [{ type: 'WEEKLY', machine: 'x'.repeat(51) }, '--machine takes a machine id'],
    [{ type: 'WEEKLY', out: ' ' }, '--out takes a directory, got an empty one'],
  ])('given %j, when parsed, then it is refused with one line', (raw, message) => {
    expect(() => parse(raw)).toThrow(message);
  });
});
