// Decode throughput on one core, per wire format: `npx tsx bench/micro/reading-decode.ts [seconds per format]`.
// Prints figures; it asserts nothing about speed (timings belong to the machine, not to the test suite).
import { MACHINE_STATUSES, type SensorReading } from '../../processors/readings/reading.js';
import { decodeReading, encodeReading, type DecodeOptions } from '../../schemas/sensor-reading-codec.js';

const DISTINCT_VALUES = 10_000;
const NOW = Date.parse('2025-06-01T12:00:00Z');
const OPTIONS: DecodeOptions = { maxBytes: 64 * 1024, nowMs: NOW, maxFutureSkewMs: 60_000 };

/** Readings from 500 machines with every optional sensor, so values and sizes look like a plant's. */
function sampleReadings(count: number): SensorReading[] {
  return Array.from({ length: count }, (_, i) => ({
    machineId: `cnc-${String(i % 500).padStart(4, '0')}`,
    machineType: i % 3 === 0 ? 'cnc_mill' : 'cnc_lathe',
    timestamp: NOW - (count - i) * 10,
    temperature: 40 + (i % 400) / 10,
    vibration: (i % 97) / 10,
    load: i % 120,
    status: MACHINE_STATUSES[i % MACHINE_STATUSES.length] ?? 'RUNNING',
    seq: Math.floor(i / 500),
    goodCount: 10_000 + i,
    rejectCount: i % 50,
    rpm: 9_000 + (i % 3_000),
    powerKw: 12 + (i % 9),
    pressureBar: 6 + (i % 10) / 10,
  }));
}

function isoValues(readings: readonly SensorReading[]): Buffer[] {
  return readings.map((reading) => {
    const wire = JSON.parse(encodeReading(reading, 'json').toString()) as Record<string, unknown>;
    wire.timestamp = new Date(reading.timestamp).toISOString();
    return Buffer.from(JSON.stringify(wire));
  });
}

/** Decodes the values round and round for `seconds`; readings per second. */
function measure(values: readonly Buffer[], seconds: number): number {
  let decoded = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  while (performance.now() < deadline) {
    for (const value of values) {
      if (!decodeReading(value, OPTIONS).ok) throw new Error('a benchmark value was rejected');
    }
    decoded += values.length;
  }
  return decoded / ((performance.now() - started) / 1000);
}

function main(): void {
  const seconds = Number(process.argv[2] ?? 2);
  const readings = sampleReadings(DISTINCT_VALUES);
  const formats: [string, Buffer[]][] = [
    ['avro v2 (reader = writer)', readings.map((r) => encodeReading(r, 'avro', 2))],
    ['avro v1 (resolved to v2)', readings.map((r) => encodeReading(r, 'avro', 1))],
    ['json, epoch-ms timestamp', readings.map((r) => encodeReading(r, 'json'))],
    ['json, ISO-8601 timestamp', isoValues(readings)],
  ];
  console.log(`node ${process.version}, ${DISTINCT_VALUES} distinct readings, ${seconds} s per format`);
  for (const [name, values] of formats) {
    measure(values, Math.min(seconds, 0.5)); // warm-up: let the JIT settle
    const perSecond = measure(values, seconds);
    const bytes = values.reduce((sum, value) => sum + value.length, 0) / values.length;
    console.log(
      `${name.padEnd(28)} ${Math.round(perSecond).toLocaleString('en-US').padStart(11)} readings/s` +
        `  ${(1e9 / perSecond).toFixed(0).padStart(5)} ns/reading  ${bytes.toFixed(0)} bytes avg`,
    );
  }
}

main();
