// What the ML detector costs the fold: 1M readings of 10k machines (four types, mostly RUNNING), folded in
// batches of 1,000 with thresholds only and with thresholds + a model per type. A script that prints figures;
// no test asserts on timings. Run: npx tsx bench/micro/ml-detector.ts
import { createPartitionState, processBatch, type ReadingRecord } from '../../processors/partition/index.js';
import type { MachineStatus, SensorReading } from '../../processors/readings/reading.js';
import { prng } from '../../processors/testing/random-readings.js';
import { T0 } from '../../processors/testing/reading-builder.js';
import { configLookup, SEED_MACHINE_TYPE_CONFIGS } from '../../processors/threshold-detection/index.js';
import {
  DEFAULT_DYNAMICS,
  ML_ALGORITHM,
  NO_MODELS,
  modelLookup,
  type ModelLookup,
} from '../../processors/ml-detection/model.js';

const MACHINES = 10_000;
const READINGS = 1_000_000;
const BATCH = 1_000;
const TYPES = [
  { type: 'cnc_mill', temperature: 45, vibration: 2.5 },
  { type: 'pump', temperature: 55, vibration: 3 },
  { type: 'compressor', temperature: 70, vibration: 4.5 },
  { type: 'conveyor', temperature: 35, vibration: 1.5 },
];
const configs = configLookup(SEED_MACHINE_TYPE_CONFIGS);
const models = modelLookup(
  TYPES.map(({ type, temperature, vibration }) => ({
    algorithm: ML_ALGORITHM,
    machineType: type,
    version: 'v1',
    ...DEFAULT_DYNAMICS,
    cutoff: 4,
    levels: { temperature: { mean: temperature, scale: 0.5 }, vibration: { mean: vibration, scale: 0.1 } },
    flatness: {
      temperature: { typicalStep: 1.1, scale: 0.14 },
      vibration: { typicalStep: 0.3, scale: 0.14 },
      load: { typicalStep: 2.2, scale: 0.14 },
    },
  })),
);

function stream(): ReadingRecord[][] {
  const random = prng(7);
  const noise = () => random() + random() + random() - 1.5;
  const statuses = new Array<MachineStatus>(MACHINES).fill('RUNNING');
  const batches: ReadingRecord[][] = [];
  for (let start = 0; start < READINGS; start += BATCH) {
    const records: ReadingRecord[] = [];
    for (let k = start; k < start + BATCH; k++) {
      const i = k % MACHINES;
      const round = Math.floor(k / MACHINES);
      const { type, temperature, vibration } = TYPES[i % TYPES.length]!;
      if (random() < 0.005) statuses[i] = random() < 0.8 ? 'RUNNING' : 'IDLE';
      const reading: SensorReading = {
        machineId: `machine-${i}`,
        machineType: type,
        timestamp: T0 + round * 1_000 + (i % 1_000),
        temperature: temperature + noise(),
        vibration: vibration + 0.3 * noise(),
        load: 60 + 2 * noise(),
        status: statuses[i]!,
        seq: round,
      };
      records.push({ offset: k, reading });
    }
    batches.push(records);
  }
  return batches;
}

function run(label: string, batches: ReadingRecord[][], lookup: ModelLookup): void {
  let state = createPartitionState();
  let elapsed = 0;
  let warm = 0;
  let warmReadings = 0;
  let events = 0;
  for (const [n, records] of batches.entries()) {
    const began = performance.now();
    const result = processBatch(state, records, configs, {}, lookup);
    const took = performance.now() - began;
    state = result.state;
    events += result.events.length;
    elapsed += took;
    if (n * BATCH >= 5 * MACHINES) {
      warm += took;
      warmReadings += records.length;
    }
  }
  const perSecond = (count: number, ms: number) => Math.round((count / ms) * 1000).toLocaleString('en-US');
  console.log(
    `  ${label.padEnd(18)} ${perSecond(READINGS, elapsed)} readings/s overall, ${perSecond(warmReadings, warm)} steady state (${events.toLocaleString('en-US')} events)`,
  );
}

const batches = stream();
console.log(
  `fold: ${MACHINES.toLocaleString('en-US')} machines, ${READINGS.toLocaleString('en-US')} readings, batches of ${BATCH}`,
);
// Twice each, alternating, so JIT warm-up doesn't favour the second.
run('thresholds', batches, NO_MODELS);
run('thresholds + ML', batches, models);
run('thresholds', batches, NO_MODELS);
run('thresholds + ML', batches, models);
