// Precision and recall of thresholds alone vs thresholds + the ML detector, against the simulator's ground
// truth, per fault type and overall (event level: see processors/ml-detection/detection-quality.ts).
// Runs the pure fold in-process over simulated readings (no Kafka, no database): the same processBatch the
// processor runs, with the seed threshold configs and models fitted by the same fitModel `twin train` uses.
// Models are trained on one seed's fleet and evaluated on another's.
//
//   npx tsx scripts/ml/detection-quality.ts [--train-seed 101] [--eval-seed 202] [--hours 3] [--machines 80]
import { parseArgs } from 'node:util';
import {
  fitModel,
  modelLookup,
  scoreDetections,
  type DetectionQuality,
  type MlModel,
  type ModelLookup,
} from '../../processors/ml-detection/index.js';
import { createPartitionState, processBatch } from '../../processors/partition/index.js';
import type { SensorReading } from '../../processors/readings/reading.js';
import {
  SEED_MACHINE_TYPE_CONFIGS,
  configLookup,
  type AnomalyEvent,
} from '../../processors/threshold-detection/index.js';
import {
  MACHINE_TYPES,
  createFleet,
  generateReadings,
  type FleetOptions,
} from '../../src/simulator/index.js';

const { values } = parseArgs({
  options: {
    'train-seed': { type: 'string', default: '101' },
    'eval-seed': { type: 'string', default: '202' },
    hours: { type: 'string', default: '3' },
    machines: { type: 'string', default: '80' },
    'fault-fraction': { type: 'string', default: '0.2' },
    'train-fault-fraction': { type: 'string', default: '0.05' },
  },
});
const HOUR = 3_600_000;
const T0 = Date.UTC(2025, 5, 2, 6, 0, 0);
const TOLERANCE_MS = 2 * 60_000;
const hours = Number(values.hours);
const machines = Number(values.machines);
const configs = configLookup(SEED_MACHINE_TYPE_CONFIGS);

function fleetOptions(seed: number, faultFraction = Number(values['fault-fraction'])): FleetOptions {
  return {
    machines,
    seed,
    startTime: T0,
    intervalMs: 1_000,
    faultFraction,
    faultPeriodMs: HOUR,
  };
}

function* simulate(options: FleetOptions, until: number): Generator<SensorReading[]> {
  const fleet = createFleet(options);
  while (fleet.nextTime < until) yield generateReadings(fleet, { count: 5_000, until });
}

// Training: history of the training seed (faults included, as real history would be), one model per type.
const trainStarted = performance.now();
const history: SensorReading[] = [];
for (const batch of simulate(
  fleetOptions(Number(values['train-seed']), Number(values['train-fault-fraction'])),
  T0 + hours * HOUR,
))
  history.push(...batch);
const models: MlModel[] = [];
for (const type of MACHINE_TYPES) {
  const fitted = fitModel(type, history);
  if (!fitted.ok) throw new Error(fitted.reason);
  models.push({ ...fitted.parameters, version: 'v1' });
}
const trainMs = performance.now() - trainStarted;

// Evaluation: the other seed's fleet, folded twice: thresholds only, and thresholds + ML.
const until = T0 + hours * HOUR;
function fold(models: ModelLookup): AnomalyEvent[] {
  let state = createPartitionState();
  let offset = 0;
  const opened: AnomalyEvent[] = [];
  for (const readings of simulate(fleetOptions(Number(values['eval-seed'])), until)) {
    const result = processBatch(
      state,
      readings.map((reading) => ({ offset: offset++, reading })),
      configs,
      {},
      models,
    );
    state = result.state;
    for (const event of result.events) if (event.type === 'ANOMALY_OPENED') opened.push(event);
  }
  return opened;
}
const thresholdsOnly = fold(() => undefined);
const withMl = fold(modelLookup(models));
// Faults are drawn per hour as the stream reaches it: the ground truth is complete once the fleet has run.
const evaluation = createFleet(fleetOptions(Number(values['eval-seed'])));
while (evaluation.nextTime < until) generateReadings(evaluation, { count: 50_000, until });
const faults = evaluation.groundTruth(until);

const mlOnly = withMl.filter((event) => event.ml !== undefined);
const quality = {
  thresholds: scoreDetections(faults, thresholdsOnly, TOLERANCE_MS),
  ml: scoreDetections(faults, mlOnly, TOLERANCE_MS),
  both: scoreDetections(faults, withMl, TOLERANCE_MS),
};

const pct = (value: number) => (Number.isNaN(value) ? '–' : `${(value * 100).toFixed(0)} %`);
const cell = (q: DetectionQuality, fault: string) => {
  const row = q.rows.find((entry) => entry.fault === fault);
  return row === undefined ? '–' : `${row.detected}/${row.windows} (${pct(row.recall)})`;
};
const faultTypes = quality.both.rows.map((row) => row.fault);
console.log(
  `Fleet of ${machines} machines at 1 s, ${hours} h, fault fraction ${values['fault-fraction']} per hour; ` +
    `models trained on seed ${values['train-seed']} (${history.length.toLocaleString('en-US')} readings, ` +
    `${(trainMs / 1000).toFixed(1)} s), evaluated on seed ${values['eval-seed']}; tolerance ${TOLERANCE_MS / 60_000} min.`,
);
console.log('');
console.log('| recall (windows detected) | thresholds | ML alone | thresholds + ML |');
console.log('| --- | --- | --- | --- |');
for (const fault of faultTypes) {
  console.log(
    `| ${fault} | ${cell(quality.thresholds, fault)} | ${cell(quality.ml, fault)} | ${cell(quality.both, fault)} |`,
  );
}
const precision = (q: DetectionQuality) =>
  `${pct(q.precision)} (${q.falsePositives} FP of ${q.opened} opened)`;
console.log(
  `| **precision** | ${precision(quality.thresholds)} | ${precision(quality.ml)} | ${precision(quality.both)} |`,
);
console.log('');
console.log(
  `Cutoffs: ${models.map((model) => `${model.machineType} ${model.cutoff.toFixed(2)}`).join(', ')}.`,
);
