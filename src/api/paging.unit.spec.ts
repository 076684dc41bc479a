// Cursors and error lines: what a client sees when it pages or gets a request wrong.
import { describe, expect, it } from 'vitest';
import { ApiError, describeSchemaError, fieldPath } from './http-errors.js';
import {
  decodeKeyCursor,
  decodeTimeCursor,
  encodeKeyCursor,
  encodeTimeCursor,
  isoOrNull,
  pageOf,
} from './paging.js';

describe('cursors', () => {
  it('round-trip the sort key of the last item, URL-safe', () => {
    const cursor = encodeTimeCursor('alerts', { time: 1_772_452_800_000.5, id: 42 });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeTimeCursor('alerts', cursor)).toEqual({ time: 1_772_452_800_000.5, id: 42 });
    expect(decodeKeyCursor('machines', encodeKeyCursor('machines', 'pump-0001'))).toBe('pump-0001');
  });

  it("are refused with a 400 by another list or when they aren't cursors", () => {
    const foreign = encodeTimeCursor('anomalies', { time: 1, id: 1 });
    for (const [list, cursor] of [
      ['alerts', foreign],
      ['alerts', 'garbage'],
      ['alerts', Buffer.from('{"list":"alerts","t":"x","id":1}').toString('base64url')],
      ['machines', encodeTimeCursor('machines', { time: 1, id: 1 })],
    ] as const) {
      const decode = () =>
        list === 'machines' ? decodeKeyCursor(list, cursor) : decodeTimeCursor(list, cursor);
      expect(decode).toThrow(ApiError);
      expect(decode).toThrow(/^query parameter 'cursor' is not a cursor of this list/);
    }
  });

  it('pageOf serves limit items and a cursor only when more rows exist', () => {
    const rows = [1, 2, 3];
    expect(pageOf(rows, 2, (n) => n * 10, String)).toEqual({ items: [10, 20], next_cursor: '2' });
    expect(pageOf(rows, 3, (n) => n * 10, String)).toEqual({ items: [10, 20, 30], next_cursor: null });
  });

  it('isoOrNull keeps nulls and non-finite values null', () => {
    expect(isoOrNull(0)).toBe('1970-01-01T00:00:00.000Z');
    expect(isoOrNull(null)).toBeNull();
    expect(isoOrNull(Number.NaN)).toBeNull();
  });
});

describe('schema error lines', () => {
  const error = (
    keyword: string,
    instancePath: string,
    params: Record<string, unknown>,
    message?: string,
  ) => ({
    keyword,
    instancePath,
    schemaPath: '#',
    params,
    ...(message !== undefined && { message }),
  });

  it('name the field in the words of the request part', () => {
    expect(fieldPath('/thresholds/sensors/0/high')).toBe('thresholds.sensors[0].high');
    expect(describeSchemaError(error('required', '', { missingProperty: 'by' }), 'body')).toBe(
      "body field 'by' is required",
    );
    expect(
      describeSchemaError(error('additionalProperties', '', { additionalProperty: 'staus' }), 'querystring'),
    ).toBe("query parameter 'staus' is not allowed");
    expect(
      describeSchemaError(error('enum', '/severity', { allowedValues: ['LOW', 'HIGH'] }), 'querystring'),
    ).toBe("query parameter 'severity' must be one of LOW, HIGH");
    expect(describeSchemaError(error('format', '/until', { format: 'date-time' }), 'body')).toBe(
      "body field 'until' must be an ISO-8601 date-time with a zone, e.g. 2026-01-31T08:00:00Z",
    );
    expect(
      describeSchemaError(error('maximum', '/limit', { limit: 500 }, 'must be <= 500'), 'querystring'),
    ).toBe("query parameter 'limit' must be <= 500");
    expect(describeSchemaError(error('type', '', { type: 'object' }, 'must be object'), 'body')).toBe(
      'the request body must be a JSON object',
    );
  });
});
