import { readFileSync } from 'node:fs';
import avro from 'avsc';
import type { Schema } from 'avsc';
import { describe, expect, it } from 'vitest';
import type { SensorReading } from '../processors/readings/reading.js';
import { SingleObjectRegistry } from './avro-single-object.js';
import { sensorReadingRegistry, sensorReadingSchemaFile } from './sensor-reading-avro.js';
import {
  REJECT_REASONS,
  decodeReading,
  encodeReading,
  type DecodeOptions,
  type RejectReason,
} from './sensor-reading-codec.js';

const NOW = Date.parse('2025-06-01T12:00:00.000Z');
const OPTIONS: DecodeOptions = { maxBytes: 4096, nowMs: NOW, maxFutureSkewMs: 60_000 };

/** A spindle of a CNC mill, with every optional sensor. */
const FULL: SensorReading = {
  machineId: 'cnc-0001',
  machineType: 'cnc_mill',
  timestamp: NOW - 1_500,
  temperature: 71.25,
  vibration: 2.8,
  load: 64.5,
  status: 'RUNNING',
  seq: 1_042,
  goodCount: 12_730,
  rejectCount: 41,
  rpm: 11_950.5,
  powerKw: 18.4,
  pressureBar: 6.2,
};

const MINIMAL: SensorReading = {
  machineId: 'press-07',
  machineType: 'hydraulic_press',
  timestamp: NOW,
  temperature: -4.5,
  vibration: 0,
  load: 0,
  status: 'IDLE',
};

/** The JSON an edge gateway sends, as text, so tests can break it the ways gateways do. */
function gatewayJson(overrides: Record<string, unknown> = {}, omit: readonly string[] = []): Buffer {
  const wire: Record<string, unknown> = {
    machine_id: 'cnc-0001',
    machine_type: 'cnc_mill',
    timestamp: NOW - 1_500,
    temperature: 71.25,
    vibration: 2.8,
    load: 64.5,
    status: 'RUNNING',
    seq: 1_042,
    ...overrides,
  };
  for (const field of omit) delete wire[field];
  return Buffer.from(JSON.stringify(wire));
}

function expectAccepted(value: Buffer) {
  const result = decodeReading(value, OPTIONS);
  if (!result.ok) throw new Error(`expected a reading, got ${result.reason}: ${result.error}`);
  return result;
}

function expectRejected(value: Buffer | null, reason: RejectReason, options: DecodeOptions = OPTIONS) {
  const result = decodeReading(value, options);
  if (result.ok) throw new Error(`expected ${reason}, got a reading`);
  expect(result.reason).toBe(reason);
  expect(result.error).not.toMatch(/\n/);
  return result.error;
}

/** A v2-shaped schema, parsed from the v2 file and then changed by `edit`. */
function editedV2Type(edit: (schema: { fields: { name: string; type: unknown }[] }) => void): avro.Type {
  const schema = JSON.parse(readFileSync(sensorReadingSchemaFile(2), 'utf8')) as {
    fields: { name: string; type: unknown }[];
  };
  edit(schema);
  return avro.Type.forSchema(schema as unknown as Schema);
}

/** A body written with `bodyType` behind the real v2 header: what a buggy or corrupting writer produces. */
function withV2Header(bodyType: avro.Type, record: Record<string, unknown>): Buffer {
  return Buffer.concat([sensorReadingRegistry.writer(2).header, bodyType.toBuffer(record)]);
}

function avroRecord(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    machine_id: 'cnc-0001',
    machine_type: 'cnc_mill',
    timestamp: NOW - 1_500,
    temperature: 71.25,
    vibration: 2.8,
    load: 64.5,
    status: 'RUNNING',
    seq: null,
    good_count: null,
    reject_count: null,
    rpm: null,
    power_kw: null,
    pressure_bar: null,
    ...overrides,
  };
}

describe('decodeReading: Avro single-object', () => {
  it('given a v2-written reading, when decoded, then every field comes back and the version is 2', () => {
    const result = expectAccepted(encodeReading(FULL, 'avro', 2));
    expect(result).toEqual({ ok: true, reading: FULL, format: 'avro', schemaVersion: 2 });
  });

  it('given a v1-written reading, when decoded with the v2 reader, then it equals the v2 one without pressure_bar', () => {
    const fromV1 = expectAccepted(encodeReading(FULL, 'avro', 1));
    const fromV2 = expectAccepted(encodeReading(FULL, 'avro', 2));
    const { pressureBar: _dropped, ...withoutPressure } = fromV2.reading;
    expect(fromV1.reading).toEqual(withoutPressure);
    expect(fromV1.reading).not.toHaveProperty('pressureBar');
    expect(fromV1.schemaVersion).toBe(1);
  });

  it('given a reading with no optional sensors, when round-tripped through v1 and v2, then nothing is added', () => {
    for (const version of [1, 2] as const) {
      expect(expectAccepted(encodeReading(MINIMAL, 'avro', version)).reading).toStrictEqual(MINIMAL);
    }
  });

  it('given an encoded value, when inspected, then it starts with C3 01 and the writer fingerprint', () => {
    const value = encodeReading(MINIMAL, 'avro', 1);
    expect(value.subarray(0, 10)).toEqual(sensorReadingRegistry.writer(1).header);
    expect(value.subarray(0, 2).toString('hex')).toBe('c301');
  });
});

describe('decodeReading: JSON', () => {
  it('given epoch milliseconds, when decoded, then the timestamp is that instant', () => {
    const result = expectAccepted(gatewayJson());
    expect(result.format).toBe('json');
    expect(result.schemaVersion).toBeUndefined();
    expect(result.reading.timestamp).toBe(NOW - 1_500);
  });

  it('given an ISO-8601 timestamp with an offset, when decoded, then it equals the epoch-ms reading', () => {
    const iso = expectAccepted(gatewayJson({ timestamp: '2025-06-01T13:59:58.500+02:00' }));
    const epoch = expectAccepted(gatewayJson());
    expect(iso.reading).toEqual(epoch.reading);
  });

  it('given a field the contract does not know, when decoded, then it is ignored (newer gateways may add some)', () => {
    expect(expectAccepted(gatewayJson({ firmware: '4.2.1' })).reading).not.toHaveProperty('firmware');
  });

  it('given optional fields sent as null, when decoded, then they are absent', () => {
    const result = expectAccepted(gatewayJson({ seq: null, rpm: null, pressure_bar: null }));
    expect(result.reading).not.toHaveProperty('seq');
    expect(result.reading).not.toHaveProperty('rpm');
  });

  it('given a UTF-8 byte-order mark before the object, when decoded, then it is accepted', () => {
    expectAccepted(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), gatewayJson()]));
  });

  it.each([FULL, MINIMAL])(
    'given a reading, when round-tripped through JSON, then it comes back equal',
    (reading) => {
      const value = encodeReading(reading, 'json');
      expect(JSON.parse(value.toString()) as unknown).toHaveProperty('machine_id', reading.machineId);
      expect(expectAccepted(value).reading).toStrictEqual(reading);
    },
  );
});

describe('decodeReading: rejections', () => {
  it('given a tombstone or a zero-byte value, when decoded, then it is empty', () => {
    expectRejected(null, 'empty');
    expectRejected(Buffer.alloc(0), 'empty');
  });

  it('given a value over maxBytes, when decoded, then it is oversize before any parsing', () => {
    const error = expectRejected(Buffer.alloc(5_000, '{'), 'oversize');
    expect(error).toBe('the message value is 5000 bytes, more than the 4096 allowed');
    // A valid reading is refused too: size is checked first.
    expectRejected(encodeReading(FULL, 'avro'), 'oversize', { ...OPTIONS, maxBytes: 16 });
  });

  it.each([
    ['cut off mid-object', '{"machine_id":"cnc-0001","temperature":71.2'],
    ['plain text', 'temperature=71.2'],
    ['an array', '[{"machine_id":"cnc-0001"}]'],
    ['a bare number', '71.2'],
    ['JSON null', 'null'],
    ['NaN as a bare token', '{"machine_id":"cnc-0001","temperature":NaN}'],
  ])('given %s, when decoded, then it is malformed_json', (_, text) => {
    expectRejected(Buffer.from(text), 'malformed_json');
  });

  it('given an Avro value cut off in its body, when decoded, then it is malformed_avro', () => {
    const value = encodeReading(FULL, 'avro');
    expect(expectRejected(value.subarray(0, value.length - 3), 'malformed_avro')).toMatch(/truncated/);
  });

  it('given only part of the single-object header, when decoded, then it is malformed_avro', () => {
    expect(expectRejected(Buffer.from([0xc3, 0x01, 0x29, 0x48]), 'malformed_avro')).toBe(
      'single-object header truncated: 4 of 10 bytes',
    );
  });

  it('given bytes after the record, when decoded, then it is malformed_avro', () => {
    const value = Buffer.concat([encodeReading(FULL, 'avro'), Buffer.from([0x00, 0x00])]);
    expect(expectRejected(value, 'malformed_avro')).toMatch(/2 bytes after the record/);
  });

  it('given a status index beyond the enum, when decoded, then it is malformed_avro', () => {
    const widened = editedV2Type((schema) => {
      const status = schema.fields.find((field) => field.name === 'status');
      if (status)
        status.type = {
          type: 'enum',
          name: 'MachineStatus',
          symbols: ['RUNNING', 'IDLE', 'STOPPED', 'FAULT', 'MAINTENANCE', 'ON_FIRE'],
        };
    });
    const value = withV2Header(widened, avroRecord({ status: 'ON_FIRE' }));
    expect(expectRejected(value, 'malformed_avro')).toMatch(/enum index/);
  });

  it('given a writer schema the processor does not know (a newer gateway), when decoded, then it is unknown_fingerprint', () => {
    const v3 = editedV2Type((schema) => {
      schema.fields.push({ name: 'humidity_pct', type: ['null', 'double'] });
    });
    const gateway = new SingleObjectRegistry(v3, [{ version: 3, type: v3 }]);
    const value = gateway.encode(avroRecord({ humidity_pct: 41 }), 3);
    const error = expectRejected(value, 'unknown_fingerprint');
    expect(error).toContain(value.toString('hex', 2, 10));
    expect(error).toContain('v2 29484891122a2546');
  });

  it.each([
    ['temperature is missing', gatewayJson({}, ['temperature']), 'temperature: required field is missing'],
    ['machine_id is null', gatewayJson({ machine_id: null }), 'machine_id: required field is null'],
    ['status is missing', gatewayJson({}, ['status']), 'status: required field is missing'],
    ['timestamp is missing', gatewayJson({}, ['timestamp']), 'timestamp: required field is missing'],
  ])('given JSON where %s, when decoded, then it is missing_field', (_, value, error) => {
    expect(expectRejected(value, 'missing_field')).toBe(error);
  });

  it.each([
    ['"NaN" for temperature', { temperature: 'NaN' }, 'temperature: expected a finite number, got "NaN"'],
    [
      '"Infinity" for vibration',
      { vibration: 'Infinity' },
      'vibration: expected a finite number, got "Infinity"',
    ],
    ['a number as a string', { load: '64.5' }, 'load: expected a finite number, got "64.5"'],
    ['load above 150 %', { load: 212 }, 'load: expected 0..150 % of rated load, got 212'],
    ['negative vibration', { vibration: -0.4 }, 'vibration: expected 0..1000 mm/s RMS, got -0.4'],
    [
      'temperature below absolute zero',
      { temperature: -300 },
      'temperature: expected -273.15..2000 °C, got -300',
    ],
    [
      'an unknown status',
      { status: 'WARMING_UP' },
      'status: expected one of RUNNING, IDLE, STOPPED, FAULT, MAINTENANCE, got "WARMING_UP"',
    ],
    [
      'a lower-case status',
      { status: 'running' },
      'status: expected one of RUNNING, IDLE, STOPPED, FAULT, MAINTENANCE, got "running"',
    ],
    [
      'a 51-character machine_id',
      { machine_id: 'm'.repeat(51) },
      'machine_id: expected at most 50 characters, got 51',
    ],
    ['an empty machine_type', { machine_type: '' }, 'machine_type: expected a non-empty string, got ""'],
    ['a numeric machine_id', { machine_id: 1 }, 'machine_id: expected a non-empty string, got 1'],
    ['a negative seq', { seq: -1 }, 'seq: expected a non-negative integer, got -1'],
    [
      'a fractional good_count',
      { good_count: 12.5 },
      'good_count: expected a non-negative integer, got 12.5',
    ],
    ['"NaN" for rpm', { rpm: 'NaN' }, 'rpm: expected a finite number, got "NaN"'],
    [
      'a zone-less ISO timestamp',
      { timestamp: '2025-06-01T12:00:00' },
      'timestamp: expected epoch milliseconds (an integer) or an ISO-8601 date-time with zone, got "2025-06-01T12:00:00"',
    ],
    [
      'an impossible date',
      { timestamp: '2025-02-30T12:00:00Z' },
      'timestamp: expected epoch milliseconds (an integer) or an ISO-8601 date-time with zone, got "2025-02-30T12:00:00Z"',
    ],
    [
      'epoch seconds',
      { timestamp: 1_748_779_200 },
      'timestamp: 1748779200 is before 2000-01-01T00:00:00Z (clock not set, or epoch seconds?)',
    ],
  ])('given JSON with %s, when decoded, then it is invalid_field', (_, overrides, error) => {
    expect(expectRejected(gatewayJson(overrides), 'invalid_field')).toBe(error);
  });

  it('given 1e999 in JSON (which parses to Infinity), when decoded, then it is invalid_field', () => {
    const value = Buffer.from(gatewayJson().toString().replace('71.25', '1e999'));
    expect(expectRejected(value, 'invalid_field')).toBe(
      'temperature: expected a finite number, got Infinity',
    );
  });

  it.each([
    ['NaN temperature', { temperature: Number.NaN }, 'temperature: expected a finite number, got NaN'],
    [
      'Infinity vibration',
      { vibration: Number.POSITIVE_INFINITY },
      'vibration: expected a finite number, got Infinity',
    ],
    [
      '-Infinity power_kw',
      { powerKw: Number.NEGATIVE_INFINITY },
      'power_kw: expected a finite number, got -Infinity',
    ],
    ['NaN pressure_bar', { pressureBar: Number.NaN }, 'pressure_bar: expected a finite number, got NaN'],
  ])('given an Avro double holding %s, when decoded, then it is invalid_field', (_, overrides, error) => {
    expect(expectRejected(encodeReading({ ...FULL, ...overrides }, 'avro'), 'invalid_field')).toBe(error);
  });

  it('given an Avro reading with an empty machine_id, when decoded, then it is invalid_field', () => {
    expectRejected(encodeReading({ ...FULL, machineId: '' }, 'avro', 1), 'invalid_field');
  });

  it('given a gateway clock an hour ahead, when decoded, then it is future_timestamp in both formats', () => {
    const ahead = { ...FULL, timestamp: NOW + 3_600_000 };
    for (const value of [encodeReading(ahead, 'json'), encodeReading(ahead, 'avro')]) {
      expect(expectRejected(value, 'future_timestamp')).toBe(
        `timestamp: ${NOW + 3_600_000} is 3600000 ms ahead of now, more than the allowed 60000 ms`,
      );
    }
  });

  it('given a timestamp exactly at the allowed skew, when decoded, then it is accepted', () => {
    expectAccepted(encodeReading({ ...FULL, timestamp: NOW + OPTIONS.maxFutureSkewMs }, 'avro'));
  });
});

describe('schemas/README.md', () => {
  it('given the kcat example, when its value is decoded, then it is a reading keyed by its machine_id', () => {
    const readme = readFileSync(new URL('./README.md', import.meta.url), 'utf8');
    const line = /echo '([^:]+):(\{.*\})'/.exec(readme);
    if (line === null) throw new Error('no kcat example in the README');
    const [, key, json] = line;
    const result = expectAccepted(Buffer.from(json ?? ''));
    expect(result.reading.machineId).toBe(key);
  });
});

describe('REJECT_REASONS', () => {
  // One realistic bad input per reason: the closed set and the decoder stay in step.
  const SAMPLES: Record<RejectReason, Buffer | null> = {
    empty: null,
    oversize: Buffer.alloc(OPTIONS.maxBytes + 1, ' '),
    malformed_json: Buffer.from('{"machine_id":'),
    malformed_avro: Buffer.from([0xc3, 0x01, 0x00]),
    unknown_fingerprint: Buffer.from('c3010000000000000000', 'hex'),
    missing_field: gatewayJson({}, ['load']),
    invalid_field: gatewayJson({ temperature: 'NaN' }),
    future_timestamp: gatewayJson({ timestamp: NOW + 86_400_000 }),
  };

  it.each(REJECT_REASONS)('given the sample for %s, when decoded, then that is the reason', (reason) => {
    expect(reason).toMatch(/^[a-z]+(_[a-z]+)*$/);
    expectRejected(SAMPLES[reason], reason);
  });
});
