// Errors the runtime acts on carry a stable code and whether retrying can help; only the runtime decides
// between retry, dead-letter and crash. Messages are one line, fit for an operator's terminal.

export type TwinErrorCode =
  'CONFIG_INVALID' | 'KAFKA_UNREACHABLE' | 'DATABASE_UNREACHABLE' | 'MIGRATION_FAILED' | 'STARTUP_TIMEOUT';

export class TwinError extends Error {
  override readonly name = 'TwinError';
  constructor(
    readonly code: TwinErrorCode,
    message: string,
    readonly canRetry = false,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The first line of an error's message: what an operator sees when a process refuses to start. */
export function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split('\n')[0] ?? '').trim() || 'unknown error';
}
