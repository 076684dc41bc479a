// `twin simulate`: the edge gateways of a simulated fleet, producing sensor readings to Kafka (key = machine_id),
// with injected faults whose ground truth can be written to a file to score the detector against.
//
// Usage (from the repo: `npm run twin -- simulate …`; the broker from `npm run stack:up` or KAFKA_BROKERS, and
// the topic must exist, as the broker does not auto-create topics):
//
//   twin simulate                                  # 200 machines, 1,000 readings/s for 60 s, Avro v2
//   twin simulate --duration 0                     # until Ctrl-C or SIGTERM (then flush, summary, exit 0)
//   twin simulate --machines 1000 --rate 5000 --format json --seed 7 --fault-fraction 0.1
//   twin simulate --ground-truth faults.json       # the injected faults: [{ machineId, machineType, fault,
//                                                  #   startTime, endTime, sensor? }], event time in epoch ms
//   twin simulate --count 1000000                  # backfill: as fast as the broker takes them, ending now
//   twin simulate --fast --duration 600            # the readings of a 10-minute live run, as a backfill
//   twin simulate --start 2025-06-01T08:00:00Z --count 50000 --topic sensor.readings.replay
//
// Live mode stamps readings in event time advancing with the wall clock: every machine reports once per
// machines / rate seconds, the fleet spread evenly over that interval, and readings are sent in small batches
// as they fall due, paced against the start time (a slow broker delays sends, it never shifts event times).
// Fast mode (--count, or --fast for rate × duration readings) sends the same stream as fast as the broker
// acknowledges it, with event times that end now unless --start says otherwise.
//
// Faults: --fault-fraction of the machines get one fault each, spread over the run (an endless run draws a new
// round every 15 minutes): overheating, vibration_spike, bearing_wear, stuck_sensor, dropout. Short runs squeeze
// them to fit but keep their size, so even a 60 s demo shows them. The ground truth lists the faults that began
// before the run ended. Machines: cnc_mill, pump, compressor, conveyor in turn (cnc_mill-0001, pump-0001, …).
//
// The same --seed, --machines, --rate and --fault-fraction give the same readings, only shifted in time; the
// pure generator behind it (src/simulator, createFleet/generateReadings) serves tests and benchmarks. seq starts
// at the run's start time in epoch ms, so a later run of the same fleet keeps counting upwards. A progress line
// goes to stderr every second (rewritten in place on a terminal); the summary goes to stdout.
import { writeFile } from 'node:fs/promises';
import type { SensorReading } from '../../processors/readings/reading.js';
import { encodeReading, type ReadingFormat } from '../../schemas/sensor-reading-codec.js';
import type { SensorReadingVersion } from '../../schemas/sensor-reading-avro.js';
import { loadConfig, type Config } from '../config.js';
import { oneLine } from '../errors.js';
import { createReliableProducer, type OutgoingMessage, type ReliableProducer } from '../kafka/producer.js';
import { describeTopicPartitions } from '../kafka/topics.js';
import { createLogger } from '../logger.js';
import { checkKafka } from '../lifecycle/preflight.js';
import { withDeadline } from '../lifecycle/service.js';
import { createFleet, generateReadings, type Fleet } from '../simulator/fleet.js';
import { planRun, type RunPlan } from '../simulator/run-plan.js';
import {
  parseSimulateOptions,
  type RawSimulateOptions,
  type SimulateSettings,
} from '../simulator/simulate-options.js';

/** Live mode wakes this often to send what has fallen due. */
const TICK_MS = 20;
/** Readings per send; bounds memory when the broker falls behind and a backlog builds up. */
const MAX_BATCH = 5_000;
/** Batches awaiting acknowledgement at once: enough to keep the pipe full without unbounded buffering. */
const MAX_IN_FLIGHT = 4;

export async function runSimulate(raw: RawSimulateOptions): Promise<void> {
  const settings = parseSimulateOptions(raw);
  const config = loadConfig();
  const topic = settings.topic ?? config.topics.readings;
  await checkTarget(config, topic);
  // The client's info lines (connected, disconnected) would only clutter a terminal tool's output.
  const level = config.logLevel === 'info' ? 'warn' : config.logLevel;
  const producer = createReliableProducer(config.kafka, createLogger({ name: 'twin-simulate', level }));
  await producer.connect();

  const plan = planRun(settings, Date.now());
  const fleet = createFleet(plan.fleet);
  const sender = new ReadingSender(producer, topic, settings.format, settings.schemaVersion);
  const stop = listenForStop();
  const startedAt = performance.now();
  const progress = startProgress(fleet, sender, startedAt);
  try {
    await (plan.count !== undefined
      ? produceFast(fleet, sender, plan.count, stop)
      : produceLive(fleet, sender, plan, startedAt, stop));
    await sender.drain();
  } finally {
    progress.stop();
    stop.dispose();
    await withDeadline(
      producer.disconnect(),
      config.shutdownTimeoutMs,
      () => new Error('disconnect timed out'),
    );
  }
  const groundTruth = fleet.groundTruth(fleet.nextTime);
  if (settings.groundTruthFile !== undefined) {
    await writeFile(settings.groundTruthFile, `${JSON.stringify(groundTruth, null, 2)}\n`);
  }
  process.stdout.write(summary(settings, topic, sender, fleet, groundTruth.length, stop.signal, startedAt));
}

/** Fails fast, with one line, when the broker does not answer or the topic is missing (no auto-create). */
async function checkTarget(config: Config, topic: string): Promise<void> {
  await checkKafka(config.kafka, config.startupTimeoutMs);
  const partitions = await describeTopicPartitions(config.kafka, [topic]);
  if (!partitions.has(topic)) {
    throw new Error(
      `topic ${topic} does not exist on Kafka at ${config.kafka.brokers.join(',')} ` +
        '(npm run stack:up creates the standard topics)',
    );
  }
}

/** Event time follows the wall clock from the start; each tick sends every reading that has fallen due. */
async function produceLive(
  fleet: Fleet,
  sender: ReadingSender,
  plan: RunPlan,
  startedAt: number,
  stop: StopListener,
): Promise<void> {
  const endTime = plan.endTime ?? Number.POSITIVE_INFINITY;
  const startTime = fleet.startTime;
  while (!stop.requested && fleet.nextTime < endTime) {
    const eventNow = startTime + (performance.now() - startedAt);
    const until = Math.min(Math.floor(eventNow) + 1, endTime);
    const readings = generateReadings(fleet, { until, count: MAX_BATCH });
    if (readings.length > 0) await sender.send(readings);
    if (readings.length < MAX_BATCH) await sleep(Math.min(TICK_MS, Math.max(1, fleet.nextTime - eventNow)));
  }
}

async function produceFast(
  fleet: Fleet,
  sender: ReadingSender,
  count: number,
  stop: StopListener,
): Promise<void> {
  let remaining = count;
  while (!stop.requested && remaining > 0) {
    const readings = generateReadings(fleet, { count: Math.min(MAX_BATCH, remaining) });
    remaining -= readings.length;
    await sender.send(readings);
  }
}

/**
 * Keyed by machine_id, encoded in the chosen format, several batches in flight. The client enqueues each batch
 * as it is handed over, so per-machine order holds across batches; the first failure ends the run.
 */
class ReadingSender {
  acknowledged = 0;
  private readonly inFlight: Promise<void>[] = [];
  private failure: unknown;

  constructor(
    private readonly producer: ReliableProducer,
    private readonly topic: string,
    private readonly format: ReadingFormat,
    private readonly schemaVersion: SensorReadingVersion,
  ) {}

  async send(readings: readonly SensorReading[]): Promise<void> {
    this.throwIfFailed();
    while (this.inFlight.length >= MAX_IN_FLIGHT) await this.inFlight[0];
    this.throwIfFailed();
    const messages: OutgoingMessage[] = readings.map((reading) => ({
      topic: this.topic,
      key: reading.machineId,
      value: encodeReading(reading, this.format, this.schemaVersion),
    }));
    const batch = this.producer.sendAll(messages).then(
      () => {
        this.acknowledged += messages.length;
      },
      (error: unknown) => {
        this.failure ??= error;
      },
    );
    const tracked = batch.finally(() => this.inFlight.splice(this.inFlight.indexOf(tracked), 1));
    this.inFlight.push(tracked);
  }

  /** Waits for every batch handed over so far. */
  async drain(): Promise<void> {
    await Promise.all(this.inFlight);
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) {
      throw new Error(`cannot send to topic ${this.topic}: ${oneLine(this.failure)}`, {
        cause: this.failure,
      });
    }
  }
}

interface StopListener {
  readonly requested: boolean;
  readonly signal?: NodeJS.Signals;
  dispose(): void;
}

/** The first Ctrl-C or SIGTERM asks for a clean stop (flush, summary, exit 0); a second one exits at once. */
function listenForStop(): StopListener {
  const state: { requested: boolean; signal?: NodeJS.Signals } = { requested: false };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (state.requested) {
      process.stderr.write(`\ntwin simulate: ${signal} again, exiting without waiting for the broker\n`);
      process.exit(1);
    }
    state.requested = true;
    state.signal = signal;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    get requested() {
      return state.requested;
    },
    get signal() {
      return state.signal;
    },
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** One line a second on stderr: rewritten in place on a terminal, appended when piped to a file or a CI log. */
function startProgress(fleet: Fleet, sender: ReadingSender, startedAt: number): { stop(): void } {
  const tty = process.stderr.isTTY;
  let last = { at: startedAt, sent: 0 };
  let wrote = false;
  const timer = setInterval(() => {
    const at = performance.now();
    const rate = ((sender.acknowledged - last.sent) * 1000) / (at - last.at);
    last = { at, sent: sender.acknowledged };
    const line =
      `elapsed ${formatSeconds(at - startedAt)}  sent ${formatCount(sender.acknowledged)}` +
      `  rate ${formatCount(rate)}/s  faults active ${fleet.activeFaults(fleet.nextTime)}`;
    process.stderr.write(tty ? `\r${line}\u001b[K` : `${line}\n`);
    wrote = true;
  }, 1_000);
  return {
    stop() {
      clearInterval(timer);
      if (tty && wrote) process.stderr.write('\n');
    },
  };
}

function summary(
  settings: SimulateSettings,
  topic: string,
  sender: ReadingSender,
  fleet: Fleet,
  faults: number,
  signal: NodeJS.Signals | undefined,
  startedAt: number,
): string {
  const ms = performance.now() - startedAt;
  const encoding = settings.format === 'avro' ? `avro v${settings.schemaVersion}` : 'json';
  const truth = settings.groundTruthFile === undefined ? '' : `, ground truth in ${settings.groundTruthFile}`;
  const stopped = signal === undefined ? '' : ` (stopped by ${signal})`;
  return (
    `twin simulate: sent ${formatCount(sender.acknowledged)} readings (${encoding}) from ${settings.machines} ` +
    `machines to ${topic} in ${formatSeconds(ms)}, ${formatCount((sender.acknowledged * 1000) / ms)}/s${stopped}\n` +
    `  event time ${new Date(fleet.startTime).toISOString()} to ${new Date(fleet.nextTime).toISOString()}, ` +
    `seed ${settings.seed}, ${faults} faults injected${truth}\n`
  );
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
