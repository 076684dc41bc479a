// `twin train`: fits the ML detector's model of one machine type (or of every type the history holds) from the
// readings of sensor.readings in a time range, stores it in ml_models as the type's next version and makes it
// the ACTIVE one (the previous ACTIVE one becomes INACTIVE in the same transaction). Running processors pick
// it up within CONFIG_REFRESH_MS, without a restart.
//
//   twin train --machine-type pump                               # the last 24 hours
//   twin train --all --from 2025-06-01T00:00:00Z --to 2025-06-02T00:00:00Z
//
// History comes from Kafka (see src/ml/reading-history.ts for why not the aggregated tables): the topic's
// retention bounds how far back a model can learn. A type with too little RUNNING history is reported and
// skipped (exit code 1 if nothing could be trained).
import { fitModel, type TrainingSummary } from '../../processors/ml-detection/index.js';
import { parseIsoTimestamp } from '../../processors/readings/iso-timestamp.js';
import { loadConfig, type Config } from '../config.js';
import { createPool } from '../db/pool.js';
import { createLogger } from '../logger.js';
import { withJobMetrics } from '../metrics/push-job-metrics.js';
import { activateNewModel } from '../ml/model-store.js';
import { readHistory } from '../ml/reading-history.js';
import { checkDatabase, checkKafka } from '../lifecycle/preflight.js';

export interface RawTrainOptions {
  machineType?: string;
  all?: boolean;
  from?: string;
  to?: string;
}

export interface TrainOptions {
  /** undefined: every type the history holds. */
  readonly machineType: string | undefined;
  readonly from: number;
  readonly to: number;
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
  return { machineType, from, to };
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

  const pool = createPool(config.databases.analyticsUrl, { max: 2, applicationName: 'twin-train' });
  let trained = 0;
  try {
    for (const type of types) {
      const fitted = fitModel(type, history.readings);
      if (!fitted.ok) {
        out(`${type}: not trained: ${fitted.reason}`);
        continue;
      }
      const stored = await activateNewModel(pool, {
        parameters: fitted.parameters,
        trainingDataInfo: trainingDataInfo(config.topics.readings, options, fitted.summary),
        accuracyScore: fitted.summary.normalShare,
        trainedAt: Date.now(),
      });
      trained += 1;
      out(
        `${type}: ${stored.modelVersion} ACTIVE${stored.replaced === null ? '' : ` (${stored.replaced} now INACTIVE)`}, ` +
          `cutoff ${fitted.parameters.cutoff.toFixed(2)}, ${fitted.summary.machines} machines, ` +
          `${fitted.summary.judged} readings scored, ${(fitted.summary.normalShare * 100).toFixed(2)} % under the cutoff`,
      );
    }
  } finally {
    await pool.end();
  }
  if (trained === 0) process.exitCode = 1;
  return trained > 0;
}

function trainingDataInfo(topic: string, options: TrainOptions, summary: TrainingSummary) {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    source: { kind: 'kafka', topic },
    range: { from: iso(options.from), to: iso(options.to) },
    eventTimes: { first: iso(summary.firstEventTime), last: iso(summary.lastEventTime) },
    machines: summary.machines,
    readings: summary.readings,
    judgedReadings: summary.judged,
    accuracyScore:
      'share of judged training readings scored at or below the cutoff (specificity on unlabelled history)',
  };
}
