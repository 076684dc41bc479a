// Keyset pagination and time conversions shared by the routes. Cursors are opaque to clients (base64url of a
// small JSON naming the list it belongs to and the sort key of the last item served), so the server may change
// what is inside without breaking anyone, and a cursor from one list is refused by another.
import { badRequest } from './http-errors.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

/** Position after the last item of a page ordered by (time DESC, id DESC). */
export interface TimeCursor {
  readonly time: number;
  readonly id: number;
}

export function encodeCursor(list: string, key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify({ list, ...key }), 'utf8').toString('base64url');
}

/** The key inside a cursor of `list`; 400 naming the parameter when it is not one. */
export function decodeCursor(list: string, cursor: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || (parsed as { list?: unknown }).list !== list) {
    throw badRequest(`query parameter 'cursor' is not a cursor of this list: pass next_cursor as returned`);
  }
  return parsed as Record<string, unknown>;
}

export function encodeTimeCursor(list: string, cursor: TimeCursor): string {
  return encodeCursor(list, { t: cursor.time, id: cursor.id });
}

export function decodeTimeCursor(list: string, cursor: string): TimeCursor {
  const { t, id } = decodeCursor(list, cursor);
  if (typeof t !== 'number' || !Number.isFinite(t) || typeof id !== 'number' || !Number.isSafeInteger(id)) {
    throw badRequest(`query parameter 'cursor' is not a cursor of this list: pass next_cursor as returned`);
  }
  return { time: t, id };
}

export function encodeKeyCursor(list: string, key: string): string {
  return encodeCursor(list, { k: key });
}

export function decodeKeyCursor(list: string, cursor: string): string {
  const { k } = decodeCursor(list, cursor);
  if (typeof k !== 'string') {
    throw badRequest(`query parameter 'cursor' is not a cursor of this list: pass next_cursor as returned`);
  }
  return k;
}

/**
 * A page from `limit + 1` rows fetched in order: the first `limit`, and a cursor when there was one more.
 */
export function pageOf<Row, Item>(
  rows: readonly Row[],
  limit: number,
  toItem: (row: Row) => Item,
  cursorOf: (row: Row) => string,
): { items: Item[]; next_cursor: string | null } {
  const served = rows.slice(0, limit);
  const last = served.at(-1);
  return {
    items: served.map(toItem),
    next_cursor: rows.length > limit && last !== undefined ? cursorOf(last) : null,
  };
}

/** Epoch ms (as read with epochMs()) to ISO-8601 UTC. */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function isoOrNull(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined || !Number.isFinite(ms) ? null : iso(ms);
}

/** An ISO-8601 date-time the schema has already checked, as epoch ms. */
export function parseTime(value: string, subject: string): number {
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw badRequest(`${subject} is not a valid date-time: ${value}`);
  return ms;
}

/** NUMERIC and BIGINT come from pg as strings. */
export function numberOrNull(value: string | number | null | undefined): number | null {
  return value === null || value === undefined ? null : Number(value);
}
