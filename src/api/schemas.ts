// JSON schemas shared by the routes. Fastify validates requests against them (ajv) and serializes replies
// with them, and @fastify/swagger turns them into the OpenAPI document, so they are the one API contract.
// Input schemas refuse unknown fields (a misspelt filter is an error, not a silently ignored one).
import { MACHINE_STATUSES } from '../../processors/readings/reading.js';
import { ALERT_STATUSES } from '../../processors/alerts/index.js';
import { OPERATIONAL_PATTERNS, SEVERITIES } from '../../processors/threshold-detection/index.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './paging.js';

export const errorBody = {
  type: 'object',
  description: 'Every error: one line naming what was wrong.',
  required: ['error'],
  additionalProperties: false,
  properties: { error: { type: 'string' } },
} as const;

/** Response entries for the given error status codes. */
export function errorResponses(...codes: Array<400 | 404 | 409 | 500>): Record<number, typeof errorBody> {
  return Object.fromEntries([...codes, 500].map((code) => [code, errorBody]));
}

export const isoTime = {
  type: 'string',
  format: 'date-time',
  description: 'ISO-8601, UTC',
} as const;
export const nullableIsoTime = { ...isoTime, type: ['string', 'null'] } as const;
export const nullableNumber = { type: ['number', 'null'] } as const;
export const nullableString = { type: ['string', 'null'] } as const;
/** Free-form JSON passed through as stored. */
export const jsonObject = { type: 'object', additionalProperties: true } as const;
export const nullableJsonObject = { type: ['object', 'null'], additionalProperties: true } as const;

export const severity = { type: 'string', enum: SEVERITIES } as const;
export const alertStatus = { type: 'string', enum: ALERT_STATUSES } as const;
export const machineStatus = { type: 'string', enum: MACHINE_STATUSES } as const;
export const operationalPattern = {
  type: ['string', 'null'],
  enum: [...OPERATIONAL_PATTERNS, null],
  description: 'NULL is treated as CYCLIC',
} as const;

/** machine_id, machine_type: VARCHAR(50), no edge whitespace (as readings require). */
export const identifier = { type: 'string', minLength: 1, maxLength: 50, pattern: '^\\S(.*\\S)?$' } as const;
export const alertId = { type: 'string', minLength: 1, maxLength: 50 } as const;
/** Operators and assignees: VARCHAR(100). */
export const person = { type: 'string', minLength: 1, maxLength: 100, pattern: '^\\S(.*\\S)?$' } as const;
export const note = { type: 'string', maxLength: 2000 } as const;

export const queryTime = {
  type: 'string',
  format: 'date-time',
  description: 'ISO-8601 date-time with a zone, e.g. 2026-01-31T08:00:00Z',
} as const;

export const pageQuery = {
  limit: {
    type: 'integer',
    minimum: 1,
    maximum: MAX_PAGE_SIZE,
    default: DEFAULT_PAGE_SIZE,
    description: 'items per page',
  },
  cursor: {
    type: 'string',
    minLength: 1,
    maxLength: 400,
    description: 'next_cursor of the previous page (opaque)',
  },
} as const;

export interface PageQuery {
  limit: number;
  cursor?: string;
}

export const nextCursor = {
  type: ['string', 'null'],
  description: 'pass as `cursor` for the next page; null on the last page',
} as const;

/** The 200 response of a paged list: `{ items, next_cursor }`. */
export function pagedResponse<const Item extends object>(item: Item) {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['items', 'next_cursor'],
    properties: { items: { type: 'array', items: item }, next_cursor: nextCursor },
  } as const;
}

export const machineParams = {
  type: 'object',
  required: ['machine_id'],
  additionalProperties: false,
  properties: { machine_id: identifier },
} as const;

export interface MachineParams {
  machine_id: string;
}
