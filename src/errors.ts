// Errors the runtime acts on carry a stable code and whether retrying can help; only the runtime decides
// between retry, dead-letter and crash. Messages are one line, fit for an operator's terminal.
// The family itself is pure and lives in processors/errors.ts, so processors/ can throw from it too.
export { TWIN_ERROR_CODES, TwinError, type TwinErrorCode } from '../processors/errors.js';

/** The first line of an error's message: what an operator sees when a process refuses to start. */
export function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split('\n')[0] ?? '').trim() || 'unknown error';
}
