// The live phase of `npm run bench`: the processor and projector run while an open-loop producer in this process
// sends readings at fixed rates, step by step. Per step: produce-to-commit latency per reading (from checkpoint
// commit timestamps) and per anomaly row, lag of both consumers, achieved rate, CPU per process. Then the
// anomaly rows are checked against an uninterrupted fold of the topic, as in the drain phase.
import pg from 'pg';
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import { encodeReading } from '../../schemas/sensor-reading-codec.js';
import { utcConnection } from '../../src/db/pool.js';
import { epochMs, utcTimestamp } from '../../src/db/sql-time.js';
import { createKafka } from '../../src/kafka/client.js';
import { createFleet, type FaultPlan } from '../../src/simulator/index.js';
import { createIsolatedPipeline, type ProcessorProcess } from '../../test/support/pipeline.js';
import { forEachMessage, testConfig } from '../../test/support/kafka.js';
import { cpuMeter, round2, type CpuSeconds } from './cpu.js';
import { pipelineCorrectness, type Correctness } from './correctness.js';

export interface LiveOptions {
  readonly rates: readonly number[];
  readonly warmupSeconds: number;
  readonly measureSeconds: number;
  readonly machines: number;
  /** Event time of history sent before the first step, so anomalies already open and clear in step one. */
  readonly leadInSeconds: number;
  readonly log?: (line: string) => void;
}

export interface LatencySummary {
  samples: number;
  p50: number | null;
  p99: number | null;
  p999: number | null;
  max: number | null;
}

export interface LagSummary {
  /** Unprocessed messages over all partitions of the consumer's topics, at the measured interval's start. */
  start: number;
  end: number;
  max: number;
  /** One second's worth of the rate, in the consumer's messages: the most the lag may end above its start. */
  allowance: number;
  flat: boolean;
}

export interface LiveStep {
  rateTarget: number;
  /** Epoch ms of the measured interval (warm-up excluded). */
  measuredFrom: number;
  measuredTo: number;
  /** Readings stamped inside the measured interval, and that count per second. */
  sent: number;
  achievedRate: number;
  /** Sent at least 95 % of the target in the measured interval, and none failed. */
  onSchedule: boolean;
  /** Largest shortfall of the schedule (due minus sent) seen during the step. */
  maxBacklog: number;
  sendFailures: number;
  /** Time to collect the step's acknowledgements once sending stopped. */
  ackWaitSeconds: number;
  /** Readings sent while their machine was inside a planned fault window. */
  faultyReadings: number;
  readingLatencyMs: LatencySummary;
  /** Readings of the interval whose commit the poller never saw (0 unless something is wrong). */
  uncommitted: number;
  anomalyLatencyMs: LatencySummary;
  /** anomaly_history rows of the interval by transition (ANOMALY_OPENED, …). */
  anomalyTransitions: Record<string, number>;
  processorLag: LagSummary;
  projectorLag: LagSummary;
  lagSamples: Array<{ atSeconds: number; processor: number; projector: number }>;
  /** Twin events written per reading in the interval (scales the projector's allowance). */
  eventsPerReading: number;
  flat: boolean;
  sustainable: boolean;
  cpuSeconds: CpuSeconds;
}

export interface LiveResult {
  options: Omit<LiveOptions, 'log'>;
  partitions: number;
  faultyMachines: number;
  faultCycle: { onSeconds: number; offSeconds: number; types: string[] };
  leadIn: { readings: number; eventSeconds: number; drainSeconds: number };
  steps: LiveStep[];
  /** Why stepping stopped before the last rate, or null. */
  stoppedEarly: string | null;
  /** Highest rate target whose step was sustainable, or null if none was. */
  sustainableRate: number | null;
  /** Seconds after the last step until processor and projector had caught up. */
  finalCatchUpSeconds: number;
  checkpointPolls: { polls: number; versions: number; meanGapMs: number; maxGapMs: number };
  correctness: Correctness;
  definitions: Record<string, string>;
  notes: string[];
}

const SEED = 42;
/** 4 % of machines, each faulty a quarter of the time: about 1 % of readings anomalous. */
const FAULTY_SHARE = 0.04;
const FAULT_ON_MS = 60_000;
/** Longer than the longest clear-after of the seed configs (120 s), so every fault clears before the next. */
const FAULT_OFF_MS = 180_000;
const FAULT_CYCLE_MS = FAULT_ON_MS + FAULT_OFF_MS;
const LEAD_IN_INTERVAL_MS = 10_000;
const TICK_MS = 5;
const POLL_GAP_MS = 2;
const ON_SCHEDULE_SHARE = 0.95;
const CATCH_UP_TIMEOUT_MS = 30 * 60_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

export const LIVE_DEFINITIONS = {
  readingLatency:
    'per reading: commit time (pg_xact_commit_timestamp) of the first polled processor_checkpoints version ' +
    'whose next_offset passes the reading, minus its Kafka CreateTime (= its event time, set at send time)',
  anomalyLatency:
    'per anomaly_history row stamped inside the measured interval: commit time of its row minus its event time',
  flat:
    'lag (unprocessed messages of all partitions of the topics the consumer reads) at the end of the measured ' +
    "interval ≤ max(lag at its start, one second's worth of the target rate); for the projector, one second " +
    'counts readings and the twin events they caused',
  onSchedule: `at least ${ON_SCHEDULE_SHARE * 100} % of rate × measured seconds sent, no send failed`,
  sustainable: 'flat for processor and projector, producer on schedule',
};

// ---------------------------------------------------------------------------------------------- faults

interface FaultSchedule {
  readonly faulty: number;
  /** Fault windows overlapping [from, to), as plans for a fleet covering that span. */
  plansIn(from: number, to: number): FaultPlan[];
  /** Whether the machine is inside a fault window at event time `time`. */
  isFaulty(machineId: string, time: number): boolean;
}

/** Faults cycling on and off per faulty machine, phases spread evenly so some open and clear all the time. */
function faultSchedule(machineIds: readonly string[], origin: number): FaultSchedule {
  const faulty = Math.max(1, Math.round(machineIds.length * FAULTY_SHARE));
  const phases = new Map<string, { offset: number; k: number }>();
  for (let k = 0; k < faulty; k++) {
    const machineId = machineIds[Math.floor((k * machineIds.length) / faulty)]!;
    phases.set(machineId, { offset: origin + Math.floor((k * FAULT_CYCLE_MS) / faulty), k });
  }
  return {
    faulty,
    plansIn(from, to) {
      const plans: FaultPlan[] = [];
      for (const [machineId, { offset, k }] of phases) {
        const first = Math.floor((from - offset) / FAULT_CYCLE_MS) - 1;
        for (let cycle = first; offset + cycle * FAULT_CYCLE_MS < to; cycle++) {
          const startTime = offset + cycle * FAULT_CYCLE_MS;
          const endTime = startTime + FAULT_ON_MS;
          if (endTime <= from) continue;
          plans.push({
            machineId,
            fault: k % 2 === 0 ? 'overheating' : 'vibration_spike',
            startTime,
            endTime,
            magnitude: k % 2 === 0 ? 40 : 12,
          });
        }
      }
      return plans;
    },
    isFaulty(machineId, time) {
      const phase = phases.get(machineId);
      if (phase === undefined) return false;
      const into = (((time - phase.offset) % FAULT_CYCLE_MS) + FAULT_CYCLE_MS) % FAULT_CYCLE_MS;
      return into < FAULT_ON_MS;
    },
  };
}

// ---------------------------------------------------------------------------------------------- measuring

/** Nearest-rank percentiles, ms rounded to 0.1. */
export function summarize(values: Float64Array | number[]): LatencySummary {
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) =>
    sorted.length === 0 ? null : Math.round(sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]! * 10) / 10;
  return { samples: sorted.length, p50: at(0.5), p99: at(0.99), p999: at(0.999), max: at(1) };
}

interface CheckpointVersion {
  nextOffset: number;
  committedMs: number;
}

/**
 * Polls processor_checkpoints as fast as it answers (a pause of POLL_GAP_MS between polls) and keeps every new
 * version per partition with its commit timestamp. Two commits between polls show as the later one only.
 */
async function startCheckpointPoller(url: string, group: string, topic: string) {
  const client = new pg.Client(utcConnection(url));
  await client.connect();
  const versions = new Map<number, CheckpointVersion[]>();
  let running = true;
  let polls = 0;
  let last = 0;
  let gapSum = 0;
  let maxGap = 0;
  const poll = async () => {
    const result = await client.query<{ partition: number; next_offset: number; committed: number | null }>({
      name: 'bench-live-checkpoints',
      text: `SELECT partition, next_offset::float8 AS next_offset,
                    (extract(epoch from pg_xact_commit_timestamp(xmin)) * 1000)::float8 AS committed
               FROM processor_checkpoints WHERE consumer_group = $1 AND topic = $2`,
      values: [group, topic],
    });
    const now = performance.now();
    if (last > 0) {
      gapSum += now - last;
      maxGap = Math.max(maxGap, now - last);
    }
    last = now;
    polls += 1;
    for (const row of result.rows) {
      if (row.committed === null) continue;
      const list = versions.get(row.partition) ?? [];
      if (list.length === 0 || list.at(-1)!.nextOffset < row.next_offset) {
        list.push({ nextOffset: row.next_offset, committedMs: row.committed });
        versions.set(row.partition, list);
      }
    }
  };
  const loop = (async () => {
    while (running) {
      await poll();
      await sleep(POLL_GAP_MS);
    }
    await poll();
  })();
  return {
    versions,
    async stop() {
      running = false;
      try {
        await loop;
      } finally {
        await client.end();
      }
      let count = 0;
      for (const list of versions.values()) count += list.length;
      return {
        polls,
        versions: count,
        meanGapMs: round2(gapSum / Math.max(1, polls - 1)),
        maxGapMs: round2(maxGap),
      };
    },
  };
}

/** Kafka CreateTime of every message of the topic, per partition, indexed by offset. */
async function readCreateTimes(topic: string, ends: Map<number, number>): Promise<Map<number, Float64Array>> {
  const times = new Map<number, Float64Array>();
  let total = 0;
  for (const [partition, end] of ends) {
    times.set(partition, new Float64Array(end).fill(Number.NaN));
    total += end;
  }
  await forEachMessage(topic, total, (partition, message) => {
    const list = times.get(partition);
    const offset = Number(message.offset);
    if (list && offset < list.length) list[offset] = Number(message.timestamp);
  });
  return times;
}

/** Per-reading latencies of readings stamped in [from, to), and how many had no polled commit after them. */
function readingLatencies(
  createTimes: Map<number, Float64Array>,
  versions: Map<number, CheckpointVersion[]>,
  from: number,
  to: number,
): { latencies: number[]; uncommitted: number } {
  const latencies: number[] = [];
  let uncommitted = 0;
  for (const [partition, times] of createTimes) {
    const list = versions.get(partition) ?? [];
    let j = 0;
    for (let offset = 0; offset < times.length; offset++) {
      const t = times[offset]!;
      if (!(t >= from && t < to)) continue;
      while (j < list.length && list[j]!.nextOffset <= offset) j++;
      if (j === list.length) uncommitted += 1;
      else latencies.push(list[j]!.committedMs - t);
    }
  }
  return { latencies, uncommitted };
}

function lagSummary(start: number, end: number, max: number, allowance: number): LagSummary {
  return { start, end, max, allowance: Math.round(allowance), flat: end <= Math.max(start, allowance) };
}

// ---------------------------------------------------------------------------------------------- the phase

export async function runLivePhase(options: LiveOptions): Promise<LiveResult> {
  const log = options.log ?? (() => undefined);
  const pipeline = await createIsolatedPipeline(3);
  const { readings: topic, twinEvents } = pipeline.topics;
  const processorGroup = pipeline.env.PROCESSOR_GROUP_ID!;
  const projectorGroup = pipeline.env.PROJECTOR_GROUP_ID!;
  let processor: ProcessorProcess | undefined;
  let projector: ProcessorProcess | undefined;
  const admin = createKafka(testConfig.kafka).admin();
  const producer = createKafka(testConfig.kafka).producer({
    'enable.idempotence': true,
    acks: -1,
    'linger.ms': 5,
    'compression.type': 'lz4',
    // Room for the open loop to run ahead of acknowledgements without the client refusing messages.
    'queue.buffering.max.messages': 2_000_000,
  });
  let poller: Awaited<ReturnType<typeof startCheckpointPoller>> | undefined;
  try {
    const tracking = await pipeline.query<{ setting: string }>(
      'twin',
      "SELECT setting FROM pg_settings WHERE name = 'track_commit_timestamp'",
    );
    if (tracking[0]?.setting !== 'on')
      throw new Error('the live phase needs PostgreSQL with track_commit_timestamp=on');
    await Promise.all([admin.connect(), producer.connect()]);
    processor = await pipeline.startProcessor();
    projector = await pipeline.startProjector();
    await Promise.all([processor.ready(), projector.ready()]);

    const endOffsets = async (name: string) =>
      new Map((await admin.fetchTopicOffsets(name)).map((entry) => [entry.partition, Number(entry.high)]));
    const sum = (values: Iterable<number>) => {
      let total = 0;
      for (const value of values) total += value;
      return total;
    };
    const sampleLag = async () => {
      const [readingEnds, eventEnds, processed, projected] = await Promise.all([
        endOffsets(topic),
        endOffsets(twinEvents),
        pipeline.query<{ partition: number; next_offset: string }>(
          'twin',
          'SELECT partition, next_offset FROM processor_checkpoints WHERE consumer_group = $1 AND topic = $2',
          [processorGroup, topic],
        ),
        pipeline.query<{ topic: string; partition: number; next_offset: string }>(
          'analytics',
          'SELECT topic, partition, next_offset FROM projector_checkpoints WHERE consumer_group = $1',
          [projectorGroup],
        ),
      ]);
      const behind = (ends: Map<number, number>, name: string, rows: typeof projected) =>
        sum(
          [...ends].map(([partition, end]) => {
            const row = rows.find((r) => r.topic === name && r.partition === partition);
            return Math.max(0, end - Number(row?.next_offset ?? 0));
          }),
        );
      const processorRows = processed.map((row) => ({ ...row, topic }));
      return {
        processor: behind(readingEnds, topic, processorRows),
        projector: behind(readingEnds, topic, projected) + behind(eventEnds, twinEvents, projected),
        readings: sum(readingEnds.values()),
        events: sum(eventEnds.values()),
      };
    };

    // Lead-in: history ending now, at one reading per machine per 10 s, so twins are warm and faults that began
    // minutes ago are open or clearing when the first step starts.
    const probe = createFleet({ machines: options.machines, seed: SEED, startTime: 0, faults: [] });
    const machineIds = probe.machines.map((machine) => machine.machineId);
    const leadInMs = Math.max(LEAD_IN_INTERVAL_MS, options.leadInSeconds * 1000);
    const leadInStart = Date.now() - leadInMs;
    const faults = faultSchedule(machineIds, leadInStart);
    const rounds = Math.floor(leadInMs / LEAD_IN_INTERVAL_MS);
    const leadInFleet = createFleet({
      machines: options.machines,
      seed: SEED,
      startTime: leadInStart,
      intervalMs: LEAD_IN_INTERVAL_MS,
      faults: faults.plansIn(leadInStart, leadInStart + leadInMs),
    });
    const leadInCount = rounds * options.machines;
    log(`live: lead-in of ${leadInCount} readings (${leadInMs / 1000} s of event time)`);
    const leadInStarted = performance.now();
    for (let start = 0; start < leadInCount; start += 20_000) {
      const messages: KafkaJS.Message[] = [];
      for (let i = start; i < Math.min(start + 20_000, leadInCount); i++) {
        const reading = leadInFleet.next();
        messages.push({ key: reading.machineId, value: encodeReading(reading, 'avro') });
      }
      await producer.send({ topic, messages });
    }
    await pipeline.waitUntilCaughtUp(CATCH_UP_TIMEOUT_MS);
    await pipeline.waitUntilProjected(CATCH_UP_TIMEOUT_MS);
    const leadInDrain = (performance.now() - leadInStarted) / 1000;

    poller = await startCheckpointPoller(pipeline.twin.url, processorGroup, topic);
    const steps: Array<
      Omit<LiveStep, 'readingLatencyMs' | 'uncommitted' | 'anomalyLatencyMs' | 'anomalyTransitions'>
    > = [];
    let stoppedEarly: string | null = null;
    let seqBase = rounds + 1;
    const warmupMs = options.warmupSeconds * 1000;
    const measureMs = options.measureSeconds * 1000;

    for (const [index, rate] of options.rates.entries()) {
      log(
        `live: ${rate} readings/s (${options.warmupSeconds} s warm-up, ${options.measureSeconds} s measured)`,
      );
      const start = Date.now();
      const measuredFrom = start + warmupMs;
      const measuredTo = measuredFrom + measureMs;
      // Fleet time runs with the clock at this rate; faults follow the same wall-clock schedule in every step.
      const fleet = createFleet({
        machines: options.machines,
        seed: SEED,
        startTime: start,
        intervalMs: (options.machines * 1000) / rate,
        faults: faults.plansIn(start, measuredTo + FAULT_CYCLE_MS),
        firstSeq: seqBase,
      });
      const lagTask = (async () => {
        const samples: Array<{ atSeconds: number } & Awaited<ReturnType<typeof sampleLag>>> = [];
        for (let second = 0; second <= options.measureSeconds; second++) {
          await sleep(measuredFrom + second * 1000 - Date.now());
          const at = Date.now();
          samples.push({ atSeconds: round2((at - measuredFrom) / 1000), ...(await sampleLag()) });
        }
        return samples;
      })();
      // Awaited after the step; a failure meanwhile must not count as unhandled.
      lagTask.catch(() => undefined);
      const pending: Array<Promise<void>> = [];
      const perTick = Math.max(1, Math.ceil(rate / 10));
      let sent = 0;
      let sentMeasured = 0;
      let faulty = 0;
      let failures = 0;
      let maxBacklog = 0;
      let meter: ReturnType<typeof cpuMeter> | undefined;
      // Open loop: what the clock says is due goes out now, whatever is still unacknowledged.
      for (;;) {
        const now = Date.now();
        if (now >= measuredTo) break;
        if (meter === undefined && now >= measuredFrom)
          meter = cpuMeter(() => ({ processor: processor?.pid, projector: projector?.pid }));
        const due = Math.floor((rate * (now - start)) / 1000);
        maxBacklog = Math.max(maxBacklog, due - sent);
        const count = Math.min(due - sent, perTick);
        if (count > 0) {
          const messages: KafkaJS.Message[] = new Array<KafkaJS.Message>(count);
          for (let i = 0; i < count; i++) {
            const reading = fleet.next();
            const timestamp = Date.now();
            if (timestamp >= measuredFrom && timestamp < measuredTo) {
              sentMeasured += 1;
              if (faults.isFaulty(reading.machineId, reading.timestamp)) faulty += 1;
            }
            messages[i] = {
              key: reading.machineId,
              value: encodeReading({ ...reading, timestamp }, 'avro'),
              timestamp: String(timestamp),
            };
          }
          sent += count;
          pending.push(
            producer.send({ topic, messages }).then(
              () => undefined,
              () => {
                failures += count;
              },
            ),
          );
        }
        await sleep(TICK_MS);
      }
      const cpuSeconds = (meter ?? cpuMeter(() => ({}))).stop();
      const samples = await lagTask;
      const acksFrom = performance.now();
      await Promise.all(pending);
      const ackWaitSeconds = round2((performance.now() - acksFrom) / 1000);
      seqBase += Math.ceil(sent / options.machines) + 1;

      const first = samples[0]!;
      const last = samples.at(-1)!;
      const readingsIn = Math.max(1, last.readings - first.readings);
      const eventsPerReading = (last.events - first.events) / readingsIn;
      const processorLag = lagSummary(
        first.processor,
        last.processor,
        Math.max(...samples.map((s) => s.processor)),
        rate,
      );
      const projectorLag = lagSummary(
        first.projector,
        last.projector,
        Math.max(...samples.map((s) => s.projector)),
        rate * (1 + eventsPerReading),
      );
      const achievedRate = Math.round(sentMeasured / options.measureSeconds);
      const onSchedule = sentMeasured >= ON_SCHEDULE_SHARE * rate * options.measureSeconds && failures === 0;
      const flat = processorLag.flat && projectorLag.flat;
      const step = {
        rateTarget: rate,
        measuredFrom,
        measuredTo,
        sent: sentMeasured,
        achievedRate,
        onSchedule,
        maxBacklog,
        sendFailures: failures,
        ackWaitSeconds,
        faultyReadings: faulty,
        processorLag,
        projectorLag,
        lagSamples: samples.map((s) => ({
          atSeconds: s.atSeconds,
          processor: s.processor,
          projector: s.projector,
        })),
        eventsPerReading: round2(eventsPerReading),
        flat,
        sustainable: flat && onSchedule,
        cpuSeconds,
      };
      steps.push(step);
      log(
        `live: ${rate}/s achieved ${achievedRate}/s, processor lag ${processorLag.start}→${processorLag.end}, ` +
          `projector lag ${projectorLag.start}→${projectorLag.end}, ${step.sustainable ? 'sustainable' : 'not sustainable'}`,
      );
      if (!step.sustainable && index < options.rates.length - 1) {
        const reasons = [
          ...(processorLag.flat ? [] : ['processor lag grew']),
          ...(projectorLag.flat ? [] : ['projector lag grew']),
          ...(onSchedule ? [] : [failures > 0 ? `${failures} sends failed` : 'the producer fell behind']),
        ];
        stoppedEarly = `stopped after ${rate}/s: ${reasons.join(', ')}`;
        break;
      }
    }

    const catchUpFrom = performance.now();
    await pipeline.waitUntilCaughtUp(CATCH_UP_TIMEOUT_MS);
    await pipeline.waitUntilProjected(CATCH_UP_TIMEOUT_MS);
    const finalCatchUpSeconds = round2((performance.now() - catchUpFrom) / 1000);
    const versions = poller.versions;
    const pollStats = await poller.stop();
    poller = undefined;
    processor.kill('SIGTERM');
    projector.kill('SIGTERM');

    log('live: reading the topic back for CreateTimes');
    const createTimes = await readCreateTimes(topic, await endOffsets(topic));
    const firstFrom = steps[0]?.measuredFrom ?? Date.now();
    const anomalyRows = await pipeline.query<{ t: number; c: number | null; transition: string | null }>(
      'twin',
      `SELECT ${epochMs('timestamp')} AS t,
              (extract(epoch from pg_xact_commit_timestamp(xmin)) * 1000)::float8 AS c,
              details->>'transition' AS transition
         FROM anomaly_history WHERE timestamp >= ${utcTimestamp('$1::bigint')}`,
      [firstFrom],
    );
    const measured: LiveStep[] = steps.map((step) => {
      const { latencies, uncommitted } = readingLatencies(
        createTimes,
        versions,
        step.measuredFrom,
        step.measuredTo,
      );
      const rows = anomalyRows.filter((row) => row.t >= step.measuredFrom && row.t < step.measuredTo);
      const transitions: Record<string, number> = {
        ANOMALY_OPENED: 0,
        ANOMALY_ESCALATED: 0,
        ANOMALY_CLEARED: 0,
      };
      for (const row of rows) {
        const key = row.transition ?? 'unknown';
        transitions[key] = (transitions[key] ?? 0) + 1;
      }
      return {
        ...step,
        readingLatencyMs: summarize(latencies),
        uncommitted,
        anomalyLatencyMs: summarize(rows.filter((row) => row.c !== null).map((row) => row.c! - row.t)),
        anomalyTransitions: transitions,
      };
    });

    log('live: checking anomaly rows against the fold of the topic');
    const checked = await pipelineCorrectness(pipeline);
    const sustainable = measured.filter((step) => step.sustainable).map((step) => step.rateTarget);
    return {
      options: {
        rates: options.rates,
        warmupSeconds: options.warmupSeconds,
        measureSeconds: options.measureSeconds,
        machines: options.machines,
        leadInSeconds: leadInMs / 1000,
      },
      partitions: pipeline.partitions,
      faultyMachines: faults.faulty,
      faultCycle: {
        onSeconds: FAULT_ON_MS / 1000,
        offSeconds: FAULT_OFF_MS / 1000,
        types: ['overheating', 'vibration_spike'],
      },
      leadIn: { readings: leadInCount, eventSeconds: leadInMs / 1000, drainSeconds: round2(leadInDrain) },
      steps: measured,
      stoppedEarly,
      sustainableRate: sustainable.length === 0 ? null : Math.max(...sustainable),
      finalCatchUpSeconds,
      checkpointPolls: pollStats,
      correctness: checked.correctness,
      definitions: LIVE_DEFINITIONS,
      notes: [
        `anomaly_history ${checked.history.written}/${checked.history.expected}, anomaly_records ` +
          `${checked.records.written}/${checked.records.expected} after the last step`,
        `checkpoints polled every ${pollStats.meanGapMs} ms on average (max gap ${pollStats.maxGapMs} ms): ` +
          'when two commits fall between polls, readings of the earlier one get the later commit time, so ' +
          'per-reading latency is overstated by up to one poll gap',
        `lead-in: ${leadInCount.toLocaleString('en-US')} readings over ${leadInMs / 1000} s of past event time, ` +
          `drained in ${round2(leadInDrain)} s before the first step (not measured)`,
        `faults: ${faults.faulty} machines cycle ${FAULT_ON_MS / 1000} s on / ${FAULT_OFF_MS / 1000} s off, ` +
          `phases spread evenly: a fault starts and another ends every ${round2(FAULT_CYCLE_MS / faults.faulty / 1000)} s ` +
          "(opened after the rules' raise-after, cleared after their clear-after of up to 120 s)",
      ],
    };
  } finally {
    await poller?.stop().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    await pipeline.dispose();
  }
}
