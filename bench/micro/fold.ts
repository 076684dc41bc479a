// Fold throughput for a 10k-machine partition, and heap per machine. A script that prints figures; no
// test asserts on timings. Run: node --expose-gc --import tsx bench/micro/fold.ts
import {
  createPartitionState,
  machineCount,
  processBatch,
  type ReadingRecord,
} from '../../processors/partition/index.js';
import type { MachineStatus, SensorReading } from '../../processors/readings/reading.js';
import { prng } from '../../processors/testing/random-readings.js';
import { T0 } from '../../processors/testing/reading-builder.js';
import { configLookup, SEED_MACHINE_TYPE_CONFIGS } from '../../processors/threshold-detection/index.js';

const MACHINES = 10_000;
const READINGS = 1_000_000;
const BATCH = 1_000;
const REPORT_EVERY_MS = 10_000;
const TYPES = ['cnc_mill', 'pump', 'compressor', 'conveyor', 'unlisted_press'];
const BASELINES: Record<string, { temperature: number; vibration: number }> = {
  cnc_mill: { temperature: 45, vibration: 2.5 },
  pump: { temperature: 55, vibration: 3 },
  compressor: { temperature: 70, vibration: 4.5 },
  conveyor: { temperature: 35, vibration: 1.5 },
  unlisted_press: { temperature: 50, vibration: 3 },
};

const configs = configLookup(SEED_MACHINE_TYPE_CONFIGS);
const random = prng(42);
const seqs = new Array<number>(MACHINES).fill(0);
const statuses = new Array<MachineStatus>(MACHINES).fill('RUNNING');
// Slow drift per machine (sensors don't jump ±2 °C every 10 s), around each type's baseline.
const drift = Array.from({ length: MACHINES }, () => ({ temperature: 0, vibration: 0, load: 60 }));
const lastSent = new Array<SensorReading | undefined>(MACHINES);
// A few machines run hot for a while, so detection has real work: ~1% of readings are outside a bound.
const hot = Array.from({ length: MACHINES }, () => random() < 0.01);

function readingAt(k: number): SensorReading {
  const i = k % MACHINES;
  const round = Math.floor(k / MACHINES);
  const type = TYPES[i % TYPES.length]!;
  const base = BASELINES[type]!;
  // Statuses are sticky: ~1% of readings change it.
  if (random() < 0.01) {
    const roll = random();
    statuses[i] = roll < 0.6 ? 'RUNNING' : roll < 0.85 ? 'IDLE' : roll < 0.97 ? 'STOPPED' : 'FAULT';
  }
  const status = statuses[i]!;
  const d = drift[i]!;
  d.temperature = clamp(d.temperature + (random() - 0.5) * 0.4, -3, 3);
  d.vibration = clamp(d.vibration + (random() - 0.5) * 0.1, -0.5, 0.5);
  d.load = clamp(d.load + (random() - 0.5) * 2, 30, 90);
  const heat = hot[i] && round % 20 < 10 ? 30 : 0;
  const reading: { -readonly [K in keyof SensorReading]: SensorReading[K] } = {
    machineId: `machine-${i}`,
    machineType: type,
    timestamp: T0 + round * REPORT_EVERY_MS + i,
    temperature: base.temperature + heat + d.temperature,
    vibration: base.vibration + d.vibration,
    load: d.load,
    status,
    seq: seqs[i]!++,
  };
  if (type === 'pump') reading.pressureBar = 6 + (random() - 0.5);
  if (type === 'compressor') reading.powerKw = 60 + (random() - 0.5) * 10;
  lastSent[i] = reading;
  return reading;
}

function clamp(value: number, low: number, high: number): number {
  return value < low ? low : value > high ? high : value;
}

function batchAt(start: number): ReadingRecord[] {
  const records: ReadingRecord[] = [];
  for (let k = start; k < start + BATCH; k++) {
    const r = random();
    // ~1% redelivered (duplicates), ~0.5% delayed by a few seconds (out of order).
    const previous = lastSent[k % MACHINES];
    if (r < 0.01 && previous) {
      records.push({ offset: k, reading: previous }); // the gateway sent it again
      continue;
    }
    const reading = readingAt(k);
    records.push({
      offset: k,
      reading: r < 0.015 ? { ...reading, timestamp: reading.timestamp - 5_000 } : reading,
    });
  }
  return records;
}

const gc = (globalThis as { gc?: () => void }).gc;

const heapUsed = () => process.memoryUsage().heapUsed;

let state = createPartitionState();
let events = 0;
let rejected = 0;
let folded = 0;
let elapsed = 0;
let warmElapsed = 0;
let warmFolded = 0;
for (let start = 0; start < READINGS; start += BATCH) {
  const records = batchAt(start);
  const began = performance.now();
  const result = processBatch(state, records, configs);
  const took = performance.now() - began;
  state = result.state;
  events += result.events.length;
  rejected += result.rejected.length;
  folded += records.length;
  elapsed += took;
  // Steady state: every machine known (the first 10k readings create the twins), JIT warm.
  if (start >= 5 * MACHINES) {
    warmElapsed += took;
    warmFolded += records.length;
  }
}

/**
 * Marginal heap of one machine: a second partition of fresh machines (3 readings each, the way the runtime
 * hands them over: readings dropped after the fold), measured once the JIT is warm so code and configs
 * don't count. Includes the twin, its id, the map entry and the stale-data index.
 */
function heapPerMachine(collect: () => void, allSensors: boolean): number {
  collect();
  const before = heapUsed();
  let fleet = createPartitionState();
  for (let round = 0; round < 3; round++) {
    const records: ReadingRecord[] = [];
    for (let i = 0; i < MACHINES; i++) {
      const reading = readingAt(round * MACHINES + i);
      const extra = allSensors
        ? { rpm: 1480 + i, powerKw: 40.5, pressureBar: 6.25, goodCount: i, rejectCount: 2 }
        : {};
      records.push({
        offset: round * MACHINES + i,
        reading: { ...reading, ...extra, machineId: `fleet-${i}` },
      });
    }
    fleet = processBatch(fleet, records, configs).state;
  }
  // One more batch, so the undo log holds one machine's copy rather than the whole last round.
  const last = readingAt(3 * MACHINES);
  fleet = processBatch(
    fleet,
    [{ offset: 3 * MACHINES, reading: { ...last, machineId: 'fleet-0' } }],
    configs,
  ).state;
  lastSent.fill(undefined);
  collect();
  const bytes = (heapUsed() - before) / MACHINES;
  if (machineCount(fleet) !== MACHINES) throw new Error('fleet size');
  return bytes;
}

const perSecond = (count: number, ms: number) => Math.round((count / ms) * 1000).toLocaleString('en-US');
console.log(
  `fold: ${MACHINES.toLocaleString('en-US')} machines, ${folded.toLocaleString('en-US')} readings in batches of ${BATCH}`,
);
console.log(`  overall       ${perSecond(folded, elapsed)} readings/s (${elapsed.toFixed(0)} ms)`);
console.log(`  steady state  ${perSecond(warmFolded, warmElapsed)} readings/s`);
console.log(
  `  events        ${events.toLocaleString('en-US')} (${(events / folded).toFixed(2)} per reading), rejected ${rejected.toLocaleString('en-US')}`,
);
if (gc) {
  const typical = heapPerMachine(gc, false).toFixed(0);
  const full = heapPerMachine(gc, true).toFixed(0);
  console.log(
    `  heap          ${typical} bytes per machine as generated (3-4 sensors), ${full} with every optional field`,
  );
  console.log('                (twin, machine id, map entry, stale-data index; marginal, after warm-up)');
} else {
  console.log('  heap          run with node --expose-gc --import tsx for bytes per machine');
}
