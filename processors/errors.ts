// One family for every error the runtime acts on: a stable code from a closed set and whether retrying can help.
// Only the runtime decides between retry, dead-letter and crash; the code says what went wrong, canRetry whether
// the same attempt can succeed later. Messages are one line, fit for an operator's terminal. Pure: no I/O, so
// processors/ throws from this family too (src/errors.ts re-exports it for the runtime).

/** Every code a TwinError can carry. */
export const TWIN_ERROR_CODES = [
  // start-up and configuration
  'CONFIG_INVALID',
  'KAFKA_UNREACHABLE',
  'DATABASE_UNREACHABLE',
  'MIGRATION_FAILED',
  'STARTUP_TIMEOUT',
  // command-line options of the one-shot jobs
  'OPTION_INVALID',
  'REPORT_OPTION_INVALID',
  'UNKNOWN_MACHINE',
  // the query API, one code per status it answers with
  'API_BAD_REQUEST',
  'API_NOT_FOUND',
  'API_CONFLICT',
  // documents and state the processors validate
  'THRESHOLD_CONFIG_INVALID',
  'ROUTES_INVALID',
  'ML_MODEL_INVALID',
  'SNAPSHOT_UNREADABLE',
  'STALE_PARTITION_STATE',
  // partition ownership: a newer owner took the partition behind this member's back
  'PARTITION_FENCED',
  // the local stack (scripts/stack)
  'STACK_FAILED',
] as const;

export type TwinErrorCode = (typeof TWIN_ERROR_CODES)[number];

export class TwinError extends Error {
  // Widened to string so each class of the family keeps its own name.
  override readonly name: string = 'TwinError';
  constructor(
    readonly code: TwinErrorCode,
    message: string,
    readonly canRetry = false,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The base of an error class whose instances all carry one code, take a one-line message and are not retried:
 * `export class ConfigError extends errorWithCode('ConfigError', 'CONFIG_INVALID') {}`.
 */
export function errorWithCode(name: string, code: TwinErrorCode) {
  return class extends TwinError {
    override readonly name: string = name;
    constructor(message: string, options?: { cause?: unknown }) {
      super(code, message, false, options);
    }
  };
}
