import { describe, expect, it } from 'vitest';
import { parseIsoTimestamp } from './iso-timestamp.js';
import { MIN_TIMESTAMP_MS, READING_BOUNDS, validateReading, type ReadingClock } from './validate-reading.js';

const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);
const CLOCK: ReadingClock = { nowMs: NOW, maxFutureSkewMs: 5_000 };

/** A wire reading (snake_case), as the decoders hand it over. */
const WIRE: Readonly<Record<string, unknown>> = {
  machine_id: 'lathe-0042',
  machine_type: 'cnc_lathe',
  timestamp: NOW - 250,
  temperature: 58.5,
  vibration: 1.9,
  load: 72,
  status: 'RUNNING',
};

function check(overrides: Record<string, unknown>) {
  return validateReading({ ...WIRE, ...overrides }, CLOCK);
}

describe('validateReading', () => {
  it('given a wire reading, when validated, then it becomes the camelCase domain reading', () => {
    expect(check({ good_count: 10, reject_count: 0, power_kw: 7.5 })).toEqual({
      ok: true,
      reading: {
        machineId: 'lathe-0042',
        machineType: 'cnc_lathe',
        timestamp: NOW - 250,
        temperature: 58.5,
        vibration: 1.9,
        load: 72,
        status: 'RUNNING',
        goodCount: 10,
        rejectCount: 0,
        powerKw: 7.5,
      },
    });
  });

  it.each(Object.entries(READING_BOUNDS))(
    'given %s exactly at its bounds, when validated, then both ends are accepted',
    (field, bounds) => {
      expect(check({ [field]: bounds.min }).ok).toBe(true);
      expect(check({ [field]: bounds.max }).ok).toBe(true);
      expect(check({ [field]: bounds.max + 0.01 })).toMatchObject({ ok: false, reason: 'invalid_field' });
    },
  );

  it('given -0 for a counter, when validated, then it is plain 0', () => {
    const result = check({ good_count: -0 });
    expect(result.ok && Object.is(result.reading.goodCount, 0)).toBe(true);
  });

  it('given 50 characters that are 100 UTF-16 units, when validated, then the id fits VARCHAR(50)', () => {
    expect(check({ machine_id: '🏭'.repeat(50) }).ok).toBe(true);
    expect(check({ machine_id: '🏭'.repeat(51) })).toMatchObject({
      reason: 'invalid_field',
      error: 'machine_id: expected at most 50 characters, got 51',
    });
  });

  it('given an id with surrounding whitespace, when validated, then it is refused (it would be a second twin)', () => {
    expect(check({ machine_id: 'lathe-0042 ' })).toMatchObject({
      reason: 'invalid_field',
      error: 'machine_id: expected no leading or trailing whitespace, got "lathe-0042 "',
    });
  });

  it('given a timestamp at the skew limit and one past it, when validated, then only the later is future_timestamp', () => {
    expect(check({ timestamp: NOW + 5_000 }).ok).toBe(true);
    expect(check({ timestamp: NOW + 5_001 })).toMatchObject({ ok: false, reason: 'future_timestamp' });
  });

  it('given the first millisecond of 2000 and the one before, when validated, then only the earlier is refused', () => {
    expect(check({ timestamp: MIN_TIMESTAMP_MS }).ok).toBe(true);
    expect(check({ timestamp: MIN_TIMESTAMP_MS - 1 })).toMatchObject({ reason: 'invalid_field' });
  });

  it('given a fractional epoch timestamp, when validated, then it is refused (epoch ms are integers)', () => {
    expect(check({ timestamp: NOW + 0.5 })).toMatchObject({ reason: 'invalid_field' });
  });

  it.each([
    ['a boolean', true, 'got true'],
    ['an object', { value: 58.5 }, 'got an object'],
    ['an array', [58.5], 'got an array'],
  ])('given %s for temperature, when validated, then the error names what came', (_, temperature, got) => {
    expect(check({ temperature })).toMatchObject({
      reason: 'invalid_field',
      error: `temperature: expected a finite number, ${got}`,
    });
  });

  it('given a long garbage string, when validated, then the error line is shortened', () => {
    const result = check({ status: 'X'.repeat(10_000) });
    expect(!result.ok && result.error.length).toBeLessThan(200);
  });
});

describe('parseIsoTimestamp', () => {
  it.each([
    ['2025-06-01T12:00:00Z', Date.UTC(2025, 5, 1, 12)],
    ['2025-06-01t12:00:00z', Date.UTC(2025, 5, 1, 12)],
    ['2025-06-01 12:00:00Z', Date.UTC(2025, 5, 1, 12)],
    ['2025-06-01T12:00Z', Date.UTC(2025, 5, 1, 12)],
    ['2025-06-01T14:00:00+02:00', Date.UTC(2025, 5, 1, 12)],
    ['2025-06-01T14:00:00+0200', Date.UTC(2025, 5, 1, 12)],
    ['2025-06-01T07:30:00-04:30', Date.UTC(2025, 5, 1, 12)],
    ['2025-06-01T12:00:00.1Z', Date.UTC(2025, 5, 1, 12, 0, 0, 100)],
    ['2025-06-01T12:00:00.123456789Z', Date.UTC(2025, 5, 1, 12, 0, 0, 123)],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
    ['2016-12-31T23:59:60Z', Date.UTC(2017, 0, 1)],
    ['0099-01-01T00:00:00Z', -59_042_995_200_000],
  ])('given %s, when parsed, then it is %i', (text, expected) => {
    expect(parseIsoTimestamp(text)).toBe(expected);
  });

  it.each([
    '2025-06-01T12:00:00',
    '2025-06-01',
    '2025-02-29T00:00:00Z',
    '2025-13-01T00:00:00Z',
    '2025-06-01T24:00:00Z',
    '2025-06-01T12:60:00Z',
    '2025-06-01T12:00:00+24:00',
    '1748779200',
    ' 2025-06-01T12:00:00Z',
    'Sun, 01 Jun 2025 12:00:00 GMT',
  ])('given %s, when parsed, then it is not an ISO-8601 date-time with zone', (text) => {
    expect(parseIsoTimestamp(text)).toBeUndefined();
  });
});
