// Errors the runtime acts on carry a stable code and whether retrying can help; only the runtime decides
// between retry, dead-letter and crash. Messages are one line, fit for an operator's terminal.
// The family itself is pure and lives in processors/errors.ts, so processors/ can throw from it too.
import { TwinError } from '../processors/errors.js';

export { TWIN_ERROR_CODES, TwinError, errorWithCode, type TwinErrorCode } from '../processors/errors.js';

/** Another owner took the partition since we claimed it: stop processing it, write nothing more. */
export class FencedError extends TwinError {
  override readonly name = 'FencedError';
  constructor(key: { readonly topic: string; readonly partition: number }, epoch: number) {
    super(
      'PARTITION_FENCED',
      `partition ${key.topic}-${key.partition} is owned by a newer epoch than ${epoch}; this member is fenced`,
    );
  }
}

/** The first line of an error's message: what an operator sees when a process refuses to start. */
export function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split('\n')[0] ?? '').trim() || 'unknown error';
}
