// What the API answers when it cannot answer: always `{ error: string }`, with a message that names the field.
// Schema (ajv) errors are turned into such a line here, so clients never see validator internals.
import type { FastifyServerOptions, FastifySchemaValidationError } from 'fastify';
import { TwinError, type TwinErrorCode } from '../errors.js';

type SchemaErrorDataVar = Parameters<NonNullable<FastifyServerOptions['schemaErrorFormatter']>>[1];

export type ApiStatusCode = 400 | 404 | 409;

const API_ERROR_CODES = {
  400: 'API_BAD_REQUEST',
  404: 'API_NOT_FOUND',
  409: 'API_CONFLICT',
} as const satisfies Record<ApiStatusCode, TwinErrorCode>;

/** An expected failure of a request: its status code and the one line the client gets. Retrying can't help. */
export class ApiError extends TwinError {
  override readonly name = 'ApiError';
  constructor(
    readonly statusCode: ApiStatusCode,
    message: string,
  ) {
    super(API_ERROR_CODES[statusCode], message, false);
  }
}

export const badRequest = (message: string) => new ApiError(400, message);
export const notFound = (message: string) => new ApiError(404, message);
export const conflict = (message: string) => new ApiError(409, message);

const PART_LABEL: Record<string, string> = {
  body: 'body field',
  querystring: 'query parameter',
  params: 'path parameter',
  headers: 'header',
};

/** JSON pointer `/a/b/0` as `a.b[0]`. */
export function fieldPath(instancePath: string, extra?: string): string {
  const segments = instancePath
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (extra !== undefined) segments.push(extra);
  return segments.reduce(
    (path, segment) =>
      /^\d+$/.test(segment) ? `${path}[${segment}]` : path ? `${path}.${segment}` : segment,
    '',
  );
}

/** One line for the first schema error, e.g. `query parameter 'limit' must be <= 500`. */
export function describeSchemaError(
  error: FastifySchemaValidationError,
  dataVar: SchemaErrorDataVar,
): string {
  const params = error.params;
  const extra =
    error.keyword === 'required'
      ? String(params.missingProperty)
      : error.keyword === 'additionalProperties'
        ? String(params.additionalProperty)
        : undefined;
  const path = fieldPath(error.instancePath, extra);
  if (path === '') {
    if (dataVar === 'body' && error.keyword === 'type') return 'the request body must be a JSON object';
    return `${dataVar} ${error.message ?? 'is invalid'}`;
  }
  const subject = `${PART_LABEL[dataVar] ?? dataVar} '${path}'`;
  switch (error.keyword) {
    case 'required':
      return `${subject} is required`;
    case 'additionalProperties':
      return `${subject} is not allowed`;
    case 'enum':
      return `${subject} must be one of ${(params.allowedValues as unknown[]).map(String).join(', ')}`;
    case 'format':
      return params.format === 'date-time'
        ? `${subject} must be an ISO-8601 date-time with a zone, e.g. 2026-01-31T08:00:00Z`
        : `${subject} must match format ${String(params.format)}`;
    case 'pattern':
      return `${subject} must not be empty or start or end with whitespace`;
    default:
      return `${subject} ${error.message ?? 'is invalid'}`;
  }
}

/** Fastify's schemaErrorFormatter: the first error only (ajv runs with allErrors off). */
export function formatSchemaErrors(
  errors: FastifySchemaValidationError[],
  dataVar: SchemaErrorDataVar,
): Error {
  const first = errors[0];
  return new Error(first ? describeSchemaError(first, dataVar) : `${dataVar} is invalid`);
}
