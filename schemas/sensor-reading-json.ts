// The JSON form of a reading: one UTF-8 JSON object with the wire (snake_case) field names.
import type { WireReading } from './sensor-reading-wire.js';

export type JsonParse =
  | { readonly ok: true; readonly value: Readonly<Record<string, unknown>> }
  | { readonly ok: false; readonly error: string };

const MAX_ERROR_CHARS = 200;

/** Parses a JSON value and checks it is an object; a UTF-8 byte-order mark, which some gateways write, is skipped. */
export function parseJsonObject(bytes: Buffer): JsonParse {
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8', start));
  } catch (error) {
    return { ok: false, error: `not JSON: ${oneLine(error)}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    return { ok: false, error: `expected a JSON object, got ${got}` };
  }
  return { ok: true, value: value as Readonly<Record<string, unknown>> };
}

export function encodeJson(wire: WireReading): Buffer {
  return Buffer.from(JSON.stringify(wire), 'utf8');
}

function oneLine(error: unknown): string {
  const message = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ');
  return message.length > MAX_ERROR_CHARS ? `${message.slice(0, MAX_ERROR_CHARS)}…` : message;
}
