// `twin train`: fits the ML detector's model of one machine type (or of every type the history holds) from the
// readings of sensor.readings in a time range and stores it in ml_models as the type's next version.
//
// The range is cut by event time: the model is fitted on the first 80 % and evaluated on the last 20 %
// (HOLDOUT_FRACTION), which it has not seen (processors/ml-detection/evaluate.ts). accuracy_score is the
// held-out quiet share: the share of judged held-out readings scored at or below the cutoff. The model goes
// live (ACTIVE; the previous ACTIVE one is ARCHIVED in the same transaction) only if that is at least the
// minimum (--min-accuracy, default ML_MIN_ACCURACY); below it the model is stored INACTIVE and not used, unless
// --force. Running processors pick a new ACTIVE model up within CONFIG_REFRESH_MS, without a restart.
//
//   twin train --machine-type pump                               # the last 24 hours
//   twin train --all --from 2025-06-01T00:00:00Z --to 2025-06-02T00:00:00Z
//   twin train --machine-type pump --min-accuracy 0.99 | --force
//
// History comes from Kafka (see src/ml/reading-history.ts for why not the aggregated tables): the topic's
// retention bounds how far back a model can learn. A type with too little RUNNING history is reported and
// skipped. Exit code 1 when no model went live (nothing could be trained, or every model was below the gate).
import {
  HOLDOUT_FRACTION,
  evaluateHeldOut,
  fitModel,
  splitByTime,
  type HeldOutEvaluation,
  type TimeSplit,
  type TrainingSummary,
} from '../../processors/ml-detection/index.js';
import { parseIsoTimestamp } from '../../processors/readings/iso-timestamp.js';
import { loadConfig, type Config } from '../config.js';
import { createPool } from '../db/pool.js';
import { createLogger } from '../logger.js';
import { withJobMetrics } from '../metrics/push-job-metrics.js';
import { storeNewModel } from '../ml/model-store.js';
import { readHistory } from '../ml/reading-history.js';
import { checkDatabase, checkKafka } from '../lifecycle/preflight.js';

export interface RawTrainOptions {
  machineType?: string;
  all?: boolean;
  from?: string;
  to?: string;
  minAccuracy?: string;
  force?: boolean;
}

export interface TrainOptions {
  /** undefined: every type the history holds. */
  readonly machineType: string | undefined;
  readonly from: number;
  readonly to: number;
  /** The activation gate, 0..1; undefined: ML_MIN_ACCURACY. */
  readonly minAccuracy: number | undefined;
  /** Activate whatever the held-out accuracy. */
  readonly force: boolean;
}

const DAY_MS = 86_400_000;

/** Validated options; `now` is the default end of the range. Throws an Error with one line. */
export function parseTrainOptions(raw: RawTrainOptions, now: number): TrainOptions {
  if ((raw.machineType === undefined) === (raw.all !== true)) {
    throw new Error('give either --machine-type <type> or --all');
  }
  const time = (flag: string, text: string | undefined, fallback: number) => {
    if (text === undefined) return fallback;
    const ms = parseIsoTimestamp(text);
    if (ms === undefined) throw new Error(`${flag}: expected an ISO-8601 time with zone, got "${text}"`);
    return ms;
  };
  const to = time('--to', raw.to, now);
  const from = time('--from', raw.from, to - DAY_MS);
  if (!(from < to)) throw new Error('--from must be before --to');
  const machineType = raw.machineType?.trim();
  if (machineType !== undefined && (machineType.length === 0 || machineType.length > 50)) {
    throw new Error('--machine-type: 1..50 characters');
  }
  let minAccuracy: number | undefined;
  if (raw.minAccuracy !== undefined) {
    minAccuracy = Number(raw.minAccuracy);
    if (raw.minAccuracy.trim() === '' || !(minAccuracy >= 0 && minAccuracy <= 1)) {
      throw new Error(`--min-accuracy: expected a number from 0 to 1, got "${raw.minAccuracy}"`);
    }
  }
  return { machineType, from, to, minAccuracy, force: raw.force === true };
}

export async function runTrain(raw: RawTrainOptions): Promise<void> {
  const config = loadConfig();
  const options = parseTrainOptions(raw, Date.now());
  await withJobMetrics({ job: 'train', url: config.pushgatewayUrl, command: 'twin train' }, () =>
    train(config, options),
  );
}

/** false when nothing could be trained (exit code 1). */
async function train(config: Config, options: TrainOptions): Promise<boolean> {
  const logger = createLogger({ name: 'twin-train', level: config.logLevel });
  await checkKafka(config.kafka, config.startupTimeoutMs);
  await checkDatabase('analytics', config.databases.analyticsUrl, config.startupTimeoutMs);
  const history = await readHistory({
    kafka: config.kafka,
    topic: config.topics.readings,
    from: options.from,
    to: options.to,
    machineTypes: options.machineType === undefined ? undefined : new Set([options.machineType]),
    maxMessageBytes: config.processor.maxMessageBytes,
    maxFutureSkewMs: config.processor.maxFutureSkewMs,
    logger,
  });
  const types =
    options.machineType === undefined
      ? [...new Set(history.readings.map((reading) => reading.machineType))].sort()
      : [options.machineType];
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(
    `history: ${history.readings.length} readings of ${types.join(', ') || 'no type'} from ${config.topics.readings} ` +
      `(${history.messages} messages read, ${history.invalid} invalid), ` +
      `${new Date(options.from).toISOString()} to ${new Date(options.to).toISOString()}`,
  );

  const split = splitByTime(history.readings, options.from, options.to, HOLDOUT_FRACTION);
  const minAccuracy = options.minAccuracy ?? config.train.minAccuracy;
  const percent = (share: number) => `${(share * 100).toFixed(2)} %`;
  out(
    `split: fitting on ${split.training.length} readings before ${new Date(split.cut).toISOString()}, ` +
      `evaluating on the ${split.heldOut.length} after it (the last ${HOLDOUT_FRACTION * 100} % of the range); ` +
      `activation gate: held-out accuracy ≥ ${percent(minAccuracy)}${options.force ? ' (--force: activating anyway)' : ''}`,
  );

  const pool = createPool(config.databases.analyticsUrl, { max: 2, applicationName: 'twin-train' });
  let activated = 0;
  try {
    for (const type of types) {
      const fitted = fitModel(type, split.training);
      if (!fitted.ok) {
        out(`${type}: not trained: ${fitted.reason}`);
        continue;
      }
      const evaluation = evaluateHeldOut({ ...fitted.parameters, version: 'candidate' }, split);
      if (evaluation.judged === 0) {
        out(`${type}: not trained: no held-out readings to evaluate on (widen the range or train later)`);
        continue;
      }
      const accuracy = evaluation.quietShare;
      const passed = accuracy >= minAccuracy;
      const stored = await storeNewModel(
        pool,
        {
          parameters: fitted.parameters,
          trainingDataInfo: trainingDataInfo(
            config.topics.readings,
            options,
            split,
            fitted.summary,
            evaluation,
            {
              minAccuracy,
              passed,
              forced: options.force && !passed,
            },
          ),
          accuracyScore: accuracy,
          trainedAt: Date.now(),
        },
        passed || options.force,
      );
      const figures =
        `false alarms on ${percent(evaluation.falseAlarmRate)} of ${evaluation.judged} held-out readings, ` +
        `${evaluation.opened} ML anomalies opened in ${evaluation.runningHours.toFixed(1)} held-out machine-hours, ` +
        `cutoff ${fitted.parameters.cutoff.toFixed(2)}, ${fitted.summary.machines} machines, ` +
        `${fitted.summary.judged} training readings scored`;
      const archived = stored.replaced === null ? '' : ` (${stored.replaced} now ARCHIVED)`;
      if (stored.status === 'INACTIVE') {
        out(
          `${type}: ${stored.modelVersion} INACTIVE, not used: held-out accuracy ${percent(accuracy)} is below ` +
            `the minimum ${percent(minAccuracy)} (--force activates anyway); ${figures}`,
        );
      } else {
        activated += 1;
        const why = passed
          ? `held-out accuracy ${percent(accuracy)} ≥ ${percent(minAccuracy)}`
          : `forced: held-out accuracy ${percent(accuracy)} is below the minimum ${percent(minAccuracy)}`;
        out(`${type}: ${stored.modelVersion} ACTIVE${archived}, ${why}; ${figures}`);
      }
    }
  } finally {
    await pool.end();
  }
  if (activated === 0) process.exitCode = 1;
  return activated > 0;
}

function trainingDataInfo(
  topic: string,
  options: TrainOptions,
  split: TimeSplit,
  summary: TrainingSummary,
  evaluation: HeldOutEvaluation,
  gate: { minAccuracy: number; passed: boolean; forced: boolean },
) {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  const finite = (value: number) => (Number.isFinite(value) ? value : null);
  return {
    source: { kind: 'kafka', topic },
    range: { from: iso(options.from), to: iso(options.to) },
    split: { cut: iso(split.cut), holdoutFraction: HOLDOUT_FRACTION },
    // The training part.
    eventTimes: { first: iso(summary.firstEventTime), last: iso(summary.lastEventTime) },
    machines: summary.machines,
    readings: summary.readings,
    judgedReadings: summary.judged,
    trainingNormalShare: summary.normalShare,
    heldOut: {
      machines: evaluation.machines,
      readings: evaluation.readings,
      judgedReadings: evaluation.judged,
      quietReadings: evaluation.quiet,
      quietShare: finite(evaluation.quietShare),
      falseAlarmRate: finite(evaluation.falseAlarmRate),
      anomaliesOpened: evaluation.opened,
      alarmedShare: finite(evaluation.alarmedShare),
      runningHours: evaluation.runningHours,
    },
    gate,
    accuracyScore:
      'heldOut.quietShare: share of judged held-out readings (the last part of the range, not fitted on) scored at ' +
      'or below the cutoff; history is unlabelled, so every held-out reading counts as healthy',
  };
}
