// CRC-64-AVRO, the 64-bit Rabin fingerprint of the Avro specification ("Schema Fingerprints"), which names a
// writer schema in single-object encoding. Computed once per schema at start, so BigInt's cost does not matter.

/** The fingerprint of the empty byte string, and the polynomial the table is built from. */
const EMPTY = 0xc15d213aa4d7a795n;

const TABLE: readonly bigint[] = Array.from({ length: 256 }, (_, byte) => {
  let fp = BigInt(byte);
  for (let bit = 0; bit < 8; bit += 1) fp = (fp >> 1n) ^ (fp & 1n ? EMPTY : 0n);
  return fp;
});

/** The CRC-64-AVRO fingerprint as an unsigned 64-bit integer (Java's SchemaNormalization gives it signed). */
export function rabinFingerprint64(bytes: Uint8Array): bigint {
  let fp = EMPTY;
  for (const byte of bytes) fp = (fp >> 8n) ^ (TABLE[Number((fp ^ BigInt(byte)) & 0xffn)] ?? 0n);
  return fp;
}

/** The fingerprint's 8 bytes, little-endian: its form in a single-object header. */
export function fingerprintBytes(fp: bigint): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64LE(fp);
  return bytes;
}
