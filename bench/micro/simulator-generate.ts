// Generation throughput on one core: `npx tsx bench/micro/simulator-generate.ts [millions of readings]`.
// Prints figures; it asserts nothing about speed (timings belong to the machine, not to the test suite).
import { encodeReading } from '../../schemas/sensor-reading-codec.js';
import { createFleet, generateReadings, type FleetOptions } from '../../src/simulator/fleet.js';

const START = Date.parse('2025-06-01T00:00:00Z');

function fleetOptions(machines: number): FleetOptions {
  return { machines, seed: 42, startTime: START, intervalMs: 1_000, faultFraction: 0.05 };
}

/** Pre-generating into an array, as a benchmark would: readings per second and heap per reading. */
function measureArray(machines: number, count: number): void {
  const fleet = createFleet(fleetOptions(machines));
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  const readings = generateReadings(fleet, { count });
  const seconds = (performance.now() - started) / 1000;
  const bytes = (process.memoryUsage().heapUsed - heapBefore) / readings.length;
  report(`array, ${machines} machines`, readings.length / seconds, `~${bytes.toFixed(0)} bytes/reading held`);
}

/** Streaming one reading at a time (nothing kept): the generator's own cost. */
function measureStream(machines: number, count: number): void {
  const fleet = createFleet(fleetOptions(machines));
  let checksum = 0;
  const started = performance.now();
  for (let i = 0; i < count; i++) checksum += fleet.next().temperature;
  const seconds = (performance.now() - started) / 1000;
  report(`stream, ${machines} machines`, count / seconds, `checksum ${checksum.toFixed(0)}`);
}

/** Generation plus encoding: the ceiling of `twin simulate --count` before the broker has a say. */
function measureEncoded(format: 'avro' | 'json', count: number): void {
  const fleet = createFleet(fleetOptions(1_000));
  let bytes = 0;
  const started = performance.now();
  for (let i = 0; i < count; i++) bytes += encodeReading(fleet.next(), format).length;
  const seconds = (performance.now() - started) / 1000;
  report(`stream + ${format} encode`, count / seconds, `${(bytes / count).toFixed(0)} bytes avg`);
}

function report(name: string, perSecond: number, note: string): void {
  console.log(
    `${name.padEnd(28)} ${Math.round(perSecond).toLocaleString('en-US').padStart(11)} readings/s` +
      `  ${(1e9 / perSecond).toFixed(0).padStart(5)} ns/reading  ${note}`,
  );
}

function main(): void {
  const millions = Number(process.argv[2] ?? 2);
  const count = Math.round(millions * 1_000_000);
  console.log(`node ${process.version}, ${count.toLocaleString('en-US')} readings per measurement`);
  measureStream(200, Math.min(count, 200_000)); // warm-up: let the JIT settle
  measureArray(200, count);
  measureArray(10_000, count);
  measureStream(200, count);
  measureStream(10_000, count);
  measureEncoded('avro', Math.min(count, 1_000_000));
  measureEncoded('json', Math.min(count, 1_000_000));
}

main();
