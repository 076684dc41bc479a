import avro from 'avsc';
import type { Schema } from 'avsc';
import { describe, expect, it } from 'vitest';
import { parsingCanonicalForm } from './avro-single-object.js';
import { fingerprintBytes, rabinFingerprint64 } from './rabin-fingerprint.js';
import { sensorReadingRegistry } from './sensor-reading-avro.js';

// Canonical forms and their CRC-64-AVRO fingerprints (signed, as Java prints them) from the Avro project's
// share/test/data/schema-tests.txt, which its Java tests cross-check against a direct implementation.
const AVRO_FINGERPRINT_VECTORS: readonly (readonly [string, bigint])[] = [
  ['"null"', 7195948357588979594n],
  ['"boolean"', -6970731678124411036n],
  ['"int"', 8247732601305521295n],
  ['"long"', -3434872931120570953n],
  ['"float"', 5583340709985441680n],
  ['"double"', -8181574048448539266n],
  ['"bytes"', 5746618253357095269n],
  ['"string"', -8142146995180207161n],
  ['[]', -1241056759729112623n],
  ['["int"]', -5232228896498058493n],
  ['["int","boolean"]', 5392556393470105090n],
  ['{"name":"foo","type":"record","fields":[]}', -4824392279771201922n],
  ['{"name":"x.y.foo","type":"record","fields":[]}', 5916914534497305771n],
  ['{"name":"a.b.foo","type":"record","fields":[]}', -4616218487480524110n],
  ['{"name":"foo","type":"record","fields":[{"name":"f1","type":"boolean"}]}', 7843277075252814651n],
  [
    '{"name":"foo","type":"record","fields":[{"name":"f1","type":"boolean"},{"name":"f2","type":"int"}]}',
    -4860222112080293046n,
  ],
  ['{"name":"foo","type":"enum","symbols":["A1"]}', -6342190197741309591n],
  ['{"name":"x.y.z.foo","type":"enum","symbols":["A1","A2"]}', -4448647247586288245n],
  ['{"name":"foo","type":"fixed","size":15}', 1756455273707447556n],
  ['{"name":"x.y.z.foo","type":"fixed","size":32}', -3064184465700546786n],
  ['{"type":"array","items":"null"}', -589620603366471059n],
  ['{"type":"map","values":"string"}', -8732877298790414990n],
  [
    '{"name":"PigValue","type":"record","fields":[{"name":"value","type":["null","int","long","PigValue"]}]}',
    -1759257747318642341n,
  ],
];

// Inputs and the Parsing Canonical Form the same file gives for them (avsc refuses two of its inputs: the
// empty union, and a boolean field whose default is the string "true", here given as true).
const CANONICAL_FORM_VECTORS: readonly (readonly [string, string])[] = [
  ['{"type":"null"}', '"null"'],
  ['{"type":"string"}', '"string"'],
  ['[ "int" , {"type":"boolean"} ]', '["int","boolean"]'],
  [
    '{"fields":[], "type":"record", "name":"foo", "namespace":"x.y"}',
    '{"name":"x.y.foo","type":"record","fields":[]}',
  ],
  [
    '{"fields":[], "type":"record", "name":"a.b.foo", "namespace":"x.y"}',
    '{"name":"a.b.foo","type":"record","fields":[]}',
  ],
  [
    '{"fields":[], "type":"record", "name":"foo", "doc":"foo", "aliases":["foo","bar"]}',
    '{"name":"foo","type":"record","fields":[]}',
  ],
  [
    '{"fields":[{"type":{"type":"boolean"}, "name":"f1"}], "type":"record", "name":"foo"}',
    '{"name":"foo","type":"record","fields":[{"name":"f1","type":"boolean"}]}',
  ],
  [
    '{ "fields":[{"type":"boolean", "aliases":[], "name":"f1", "default":true}, {"order":"descending","name":"f2","doc":"Hello","type":"int"}], "type":"record", "name":"foo" }',
    '{"name":"foo","type":"record","fields":[{"name":"f1","type":"boolean"},{"name":"f2","type":"int"}]}',
  ],
  [
    '{"namespace":"x.y.z", "type":"enum", "name":"foo", "doc":"foo bar", "symbols":["A1", "A2"]}',
    '{"name":"x.y.z.foo","type":"enum","symbols":["A1","A2"]}',
  ],
  [
    '{"namespace":"x.y.z", "type":"fixed", "name":"foo", "doc":"foo bar", "size":32}',
    '{"name":"x.y.z.foo","type":"fixed","size":32}',
  ],
  ['{ "items":{"type":"null"}, "type":"array"}', '{"type":"array","items":"null"}'],
  ['{ "values":"string", "type":"map"}', '{"type":"map","values":"string"}'],
  [
    '{"name":"PigValue","type":"record","fields":[{"name":"value", "type":["null", "int", "long", "PigValue"]}]}',
    '{"name":"PigValue","type":"record","fields":[{"name":"value","type":["null","int","long","PigValue"]}]}',
  ],
  // Not in the file: logicalType is not a parsing attribute, so it goes (as Java's SchemaNormalization does).
  ['{"type":"long","logicalType":"timestamp-millis"}', '"long"'],
];

// Our contract's fingerprints, cross-checked once with Apache Avro 1.12.1 (Java):
// SchemaNormalization.parsingFingerprint64(new Schema.Parser().parse(file)). A change here means the schema
// changed, and producers writing the old version would be refused: add a version instead.
const SENSOR_READING_FINGERPRINTS = new Map([
  [1, { signed: 7185144103523473569n, header: 'c301a158825e7ec2b663' }],
  [2, { signed: 5054492416028461097n, header: 'c30129484891122a2546' }],
]);

describe('CRC-64-AVRO (Rabin) fingerprint', () => {
  it.each(AVRO_FINGERPRINT_VECTORS)(
    'given the canonical form %s, when fingerprinted, then it is the Avro project vector %s',
    (canonical, expected) => {
      const fp = rabinFingerprint64(Buffer.from(canonical, 'utf8'));
      expect(BigInt.asIntN(64, fp)).toBe(expected);
    },
  );

  it('given no bytes, when fingerprinted, then it is the EMPTY constant of the spec', () => {
    expect(rabinFingerprint64(new Uint8Array())).toBe(0xc15d213aa4d7a795n);
  });

  it('given a fingerprint, when laid out for a header, then its bytes are little-endian', () => {
    expect(fingerprintBytes(0x0102030405060708n).toString('hex')).toBe('0807060504030201');
  });
});

describe('Parsing Canonical Form from avsc', () => {
  it.each(CANONICAL_FORM_VECTORS)(
    'given the schema %s, when put in canonical form, then it is %s',
    (input, canonical) => {
      const type = avro.Type.forSchema(JSON.parse(input) as Schema);
      expect(parsingCanonicalForm(type)).toBe(canonical);
    },
  );

  it('given the SensorReading schemas, when put in canonical form, then docs, defaults and logical types are gone', () => {
    for (const writer of sensorReadingRegistry.writers) {
      const canonical = parsingCanonicalForm(writer.type);
      expect(canonical).toMatch(/^\{"name":"io\.twinstream\.SensorReading","type":"record","fields":\[/);
      expect(canonical).not.toMatch(/"(doc|default|logicalType|namespace|aliases)"/);
      expect(canonical).toContain('{"name":"io.twinstream.MachineStatus","type":"enum","symbols":');
    }
  });

  it.each([1, 2])(
    'given SensorReading v%i, when fingerprinted, then it matches what Apache Avro (Java) computes',
    (version) => {
      const writer = sensorReadingRegistry.writer(version);
      const expected = SENSOR_READING_FINGERPRINTS.get(version);
      expect(BigInt.asIntN(64, writer.fingerprint)).toBe(expected?.signed);
      expect(writer.header.toString('hex')).toBe(expected?.header);
    },
  );
});
