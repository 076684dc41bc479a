// Avro single-object encoding (Avro specification, "Single-object encoding"): the marker C3 01, the writer
// schema's CRC-64-AVRO fingerprint (8 bytes, little-endian), then the Avro binary body. A registry maps the
// fingerprints it knows to their writer schemas and reads every one of them as the one reader schema.
import type { Type } from 'avsc';
import { fingerprintBytes, rabinFingerprint64 } from './rabin-fingerprint.js';

export const SINGLE_OBJECT_MARKER_0 = 0xc3;
export const SINGLE_OBJECT_MARKER_1 = 0x01;
/** Marker (2) + fingerprint (8). */
export const SINGLE_OBJECT_HEADER_BYTES = 10;

type Resolver = ReturnType<Type['createResolver']>;

/**
 * The schema's Parsing Canonical Form (Avro specification, "Parsing Canonical Form for Schemas").
 * avsc's `schema()` without `exportAttrs` already is it: full names, only the attributes that matter for
 * parsing (doc, aliases, defaults and logicalType dropped), keys in name-type-fields/symbols/items/values/size
 * order, no whitespace. Checked against the Avro project's own vectors in the unit tests.
 */
export function parsingCanonicalForm(type: Type): string {
  return JSON.stringify(type.schema());
}

export function isSingleObject(bytes: Buffer): boolean {
  return bytes.length >= 2 && bytes[0] === SINGLE_OBJECT_MARKER_0 && bytes[1] === SINGLE_OBJECT_MARKER_1;
}

export interface WriterSchema {
  readonly version: number;
  readonly type: Type;
}

export interface KnownWriter extends WriterSchema {
  /** CRC-64-AVRO of the Parsing Canonical Form, unsigned. */
  readonly fingerprint: bigint;
  /** Marker and fingerprint: the first 10 bytes of every value this writer produces. */
  readonly header: Buffer;
  /** The fingerprint's two little-endian 32-bit halves, compared without allocating. */
  readonly low: number;
  readonly high: number;
  /** Writer-to-reader resolution; undefined when the writer is the reader schema itself. */
  readonly resolver: Resolver | undefined;
}

export type SingleObjectDecode =
  | { readonly ok: true; readonly value: unknown; readonly version: number }
  | { readonly ok: false; readonly reason: 'malformed_avro' | 'unknown_fingerprint'; readonly error: string };

export class SingleObjectRegistry {
  readonly writers: readonly KnownWriter[];

  constructor(
    readonly reader: Type,
    writers: readonly WriterSchema[],
  ) {
    this.writers = writers.map((writer) => knownWriter(reader, writer));
  }

  writer(version: number): KnownWriter {
    const known = this.writers.find((writer) => writer.version === version);
    if (known === undefined) throw new Error(`no writer schema version ${version}`);
    return known;
  }

  /** The writer whose fingerprint a single-object value carries (the caller checked the marker and length). */
  lookup(bytes: Buffer): KnownWriter | undefined {
    const low = bytes.readUInt32LE(2);
    const high = bytes.readUInt32LE(6);
    for (const writer of this.writers) {
      if (writer.low === low && writer.high === high) return writer;
    }
    return undefined;
  }

  decode(bytes: Buffer): SingleObjectDecode {
    if (bytes.length < SINGLE_OBJECT_HEADER_BYTES) {
      return malformed(
        `single-object header truncated: ${bytes.length} of ${SINGLE_OBJECT_HEADER_BYTES} bytes`,
      );
    }
    const writer = this.lookup(bytes);
    if (writer === undefined) {
      const known = this.writers.map((w) => `v${w.version} ${hexOf(w.header)}`).join(', ');
      return {
        ok: false,
        reason: 'unknown_fingerprint',
        error: `writer schema fingerprint ${hexOf(bytes, 2, 10)} is not known (known: ${known})`,
      };
    }
    return this.decodeBody(bytes, writer);
  }

  encode(value: unknown, version: number): Buffer {
    const writer = this.writer(version);
    const body = writer.type.toBuffer(value);
    const bytes = Buffer.allocUnsafe(SINGLE_OBJECT_HEADER_BYTES + body.length);
    writer.header.copy(bytes, 0);
    body.copy(bytes, SINGLE_OBJECT_HEADER_BYTES);
    return bytes;
  }

  private decodeBody(bytes: Buffer, writer: KnownWriter): SingleObjectDecode {
    let decoded: { value: unknown; offset: number };
    try {
      decoded = this.reader.decode(bytes, SINGLE_OBJECT_HEADER_BYTES, writer.resolver);
    } catch (error) {
      // avsc throws on bad enum or union indexes, negative lengths, longs beyond 2^53.
      return malformed(
        `${error instanceof Error ? error.message : String(error)} (writer v${writer.version})`,
      );
    }
    if (decoded.offset < 0)
      return malformed(`body truncated (writer v${writer.version}, ${bytes.length} bytes)`);
    if (decoded.offset !== bytes.length) {
      return malformed(`${bytes.length - decoded.offset} bytes after the record (writer v${writer.version})`);
    }
    return { ok: true, value: decoded.value, version: writer.version };
  }
}

function knownWriter(reader: Type, writer: WriterSchema): KnownWriter {
  const fingerprint = rabinFingerprint64(Buffer.from(parsingCanonicalForm(writer.type), 'utf8'));
  const header = Buffer.concat([
    Buffer.from([SINGLE_OBJECT_MARKER_0, SINGLE_OBJECT_MARKER_1]),
    fingerprintBytes(fingerprint),
  ]);
  return {
    ...writer,
    fingerprint,
    header,
    low: header.readUInt32LE(2),
    high: header.readUInt32LE(6),
    resolver: writer.type === reader ? undefined : reader.createResolver(writer.type),
  };
}

function malformed(error: string): SingleObjectDecode {
  return { ok: false, reason: 'malformed_avro', error };
}

function hexOf(bytes: Buffer, start = 2, end = 10): string {
  return bytes.toString('hex', start, end);
}
