// `npm run bench`: drain throughput of the real processor + projector against a naive one-message-at-a-
// time consumer (A B B A, never at the same time), heap per machine, CPU per process, correctness every run, then
// the live phase (open-loop producer at fixed rates: produce-to-commit latency, lag, sustainable rate).
// Flags: --readings N (2,000,000) --machines M (10,000) --baseline-readings B (N/20) --smoke --out DIR
// --live-rates R1,R2,… (5000,10000,25000,50000,100000) --live-warmup S (5) --live-measure S (15) --no-live
// --profile (CPU profiles of the drain runs' processor and projector, summarized in the report).
// Prints figures and writes <out>/<timestamp>.json and .md. It asserts nothing about speed.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeReading, encodeReading } from '../../schemas/sensor-reading-codec.js';
import { createLogger } from '../../src/logger.js';
import { createReliableProducer } from '../../src/kafka/producer.js';
import { createFleet, type FaultPlan } from '../../src/simulator/index.js';
import { createIsolatedPipeline, type ProcessorProcess } from '../../test/support/pipeline.js';
import { createTestTopic, testConfig, uniqueName } from '../../test/support/kafka.js';
import { createScratchDatabase, withClient } from '../../test/support/postgres.js';
import { resetStatements, topStatements, type StatementTime } from './pg-statements.js';
import { readProfile, type ProfileSummary } from './profile-summary.js';
import { cpuMeter, round2, type CpuSeconds } from './cpu.js';
import { pipelineCorrectness, type Correctness } from './correctness.js';
import { runLivePhase, type LiveResult, type LiveStep } from './live-phase.js';
import { NAIVE_SCHEMA, naiveAnomalies, runNaiveConsumer, simpleBounds } from './naive-consumer.js';

interface Options {
  readings: number;
  machines: number;
  baselineReadings: number;
  smoke: boolean;
  out: string;
  /** CPU-profile the processor and projector of the drain runs (written beside the report). */
  profile: boolean;
  live: { rates: number[]; warmupSeconds: number; measureSeconds: number } | null;
}

function parseArgs(argv: string[]): Options {
  const value = (flag: string) => {
    const index = argv.indexOf(flag);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  const smoke = argv.includes('--smoke');
  const readings = Number(value('--readings') ?? (smoke ? 20_000 : 2_000_000));
  const machines = Number(value('--machines') ?? (smoke ? 500 : 10_000));
  const baselineReadings = Number(
    value('--baseline-readings') ?? (smoke ? 2_000 : Math.max(Math.round(readings / 20), 1_000)),
  );
  const rates = (value('--live-rates') ?? (smoke ? '500' : '5000,10000,25000,50000,100000'))
    .split(',')
    .map(Number);
  const warmupSeconds = Number(value('--live-warmup') ?? (smoke ? 2 : 5));
  const measureSeconds = Number(value('--live-measure') ?? (smoke ? 3 : 15));
  if (rates.some((rate) => !(rate > 0)) || !(warmupSeconds >= 0) || !(measureSeconds >= 1))
    throw new Error('--live-rates takes positive numbers, --live-warmup ≥ 0 s, --live-measure ≥ 1 s');
  return {
    readings,
    machines,
    baselineReadings,
    smoke,
    out: value('--out') ?? 'bench/results',
    profile: argv.includes('--profile'),
    live: argv.includes('--no-live') ? null : { rates, warmupSeconds, measureSeconds },
  };
}

// ---------------------------------------------------------------------------------------------- the readings

/** Pre-encoded readings (Avro single-object) in one buffer, with ~1 % anomalous from planned faults. */
interface Encoded {
  readonly count: number;
  readonly data: Buffer;
  readonly ends: Uint32Array;
  readonly keys: string[];
  readonly faults: number;
  message(index: number): { key: string; value: Buffer };
}

function encodeReadings(count: number, machines: number): Encoded {
  // Every machine reports every 10 s of event time, so a fault window outlasts the rules' raise-after delays.
  const intervalMs = 10_000;
  const rounds = Math.ceil(count / machines);
  // Event time ends an hour ago, so nothing is "future" and the run reads as history replayed.
  const startTime = Date.now() - 3_600_000 - rounds * intervalMs;
  // 2 % of machines overheat or vibrate for the middle half of the run: about 1 % of readings are anomalous.
  const probe = createFleet({ machines, seed: 42, startTime, intervalMs, faults: [] });
  const faulty = Math.max(1, Math.round(machines * 0.02));
  const plans: FaultPlan[] = [];
  for (let k = 0; k < faulty; k++) {
    plans.push({
      machineId: probe.machines[Math.floor((k * machines) / faulty)]!.machineId,
      fault: k % 2 === 0 ? 'overheating' : 'vibration_spike',
      startTime: startTime + Math.floor(rounds / 4) * intervalMs,
      endTime: startTime + Math.floor((3 * rounds) / 4) * intervalMs,
      magnitude: k % 2 === 0 ? 40 : 12,
    });
  }
  const fleet = createFleet({ machines, seed: 42, startTime, intervalMs, faults: plans });
  const chunks: Buffer[] = [];
  const ends = new Uint32Array(count);
  const keys: string[] = new Array<string>(count);
  let end = 0;
  for (let i = 0; i < count; i++) {
    const reading = fleet.next();
    const value = encodeReading(reading, 'avro');
    chunks.push(value);
    end += value.length;
    ends[i] = end;
    keys[i] = reading.machineId;
  }
  const data = Buffer.concat(chunks);
  return {
    count,
    data,
    ends,
    keys,
    faults: plans.length,
    message(index) {
      const start = index === 0 ? 0 : ends[index - 1]!;
      return { key: keys[index]!, value: data.subarray(start, ends[index]) };
    },
  };
}

async function produceAll(topic: string, encoded: Encoded, count: number, from = 0): Promise<number> {
  const producer = createReliableProducer(testConfig.kafka, createLogger({ name: 'bench', level: 'error' }));
  await producer.connect();
  const started = performance.now();
  try {
    for (let start = from; start < from + count; start += 20_000) {
      const batch = [];
      for (let i = start; i < Math.min(start + 20_000, from + count); i++)
        batch.push({ topic, ...encoded.message(i) });
      await producer.sendAll(batch);
    }
  } finally {
    await producer.disconnect();
  }
  return (performance.now() - started) / 1000;
}

// ---------------------------------------------------------------------------------------------- phases

async function stopAndWait(child: ProcessorProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 60_000))]);
}

/** The profile node wrote for the process (CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile). */
function profileOf(dir: string, pid: number): ProfileSummary | undefined {
  const file = readdirSync(dir).find((name) => name.includes(`.${pid}.0.`) && name.endsWith('.cpuprofile'));
  return file ? readProfile(join(dir, file), 12) : undefined;
}

interface PhaseResult {
  phase: string;
  readings: number;
  seconds: number;
  readingsPerSecond: number;
  processorSeconds?: number;
  cpuSeconds: CpuSeconds;
  correctness: Correctness;
  profiles?: { processor?: ProfileSummary; projector?: ProfileSummary; postgres?: StatementTime[] };
  notes: string;
}

async function pipelinePhase(
  name: string,
  encoded: Encoded,
  count: number,
  profileDir?: string,
): Promise<PhaseResult> {
  const pipeline = await createIsolatedPipeline(3);
  let processor: ProcessorProcess | undefined;
  let projector: ProcessorProcess | undefined;
  try {
    const producedIn = await produceAll(pipeline.topics.readings, encoded, count);
    const statements = profileDir ? await resetStatements() : false;
    const meter = cpuMeter(() => ({ processor: processor?.pid, projector: projector?.pid }));
    const flags = process.env.PIPELINE_NODE_ARGS;
    if (profileDir) {
      mkdirSync(profileDir, { recursive: true });
      process.env.PIPELINE_NODE_ARGS = `--cpu-prof --cpu-prof-dir=${profileDir}`;
    }
    const started = performance.now();
    processor = await pipeline.startProcessor();
    projector = await pipeline.startProjector();
    if (flags === undefined) delete process.env.PIPELINE_NODE_ARGS;
    else process.env.PIPELINE_NODE_ARGS = flags;
    await pipeline.waitUntilCaughtUp(3_600_000);
    const processorSeconds = (performance.now() - started) / 1000;
    await pipeline.waitUntilProjected(3_600_000);
    const seconds = (performance.now() - started) / 1000;
    const cpuSeconds = meter.stop();
    // A graceful stop, waited for: a profiled process writes its profile as it exits.
    await Promise.all([processor, projector].map((child) => stopAndWait(child)));
    const profiles = profileDir
      ? {
          processor: profileOf(profileDir, processor.pid!),
          projector: profileOf(profileDir, projector.pid!),
          ...(statements ? { postgres: await topStatements() } : {}),
        }
      : undefined;
    const { correctness, history, records } = await pipelineCorrectness(pipeline);
    return {
      phase: name,
      readings: count,
      seconds: round2(seconds),
      readingsPerSecond: Math.round(count / seconds),
      processorSeconds: round2(processorSeconds),
      cpuSeconds,
      correctness,
      ...(profiles ? { profiles } : {}),
      notes:
        `anomaly_history ${history.written}/${history.expected}, anomaly_records ` +
        `${records.written}/${records.expected}; processor caught up at ${round2(processorSeconds)} s; ` +
        `includes process start; produced (untimed) in ${round2(producedIn)} s`,
    };
  } finally {
    await pipeline.dispose();
  }
}

async function baselinePhase(name: string, encoded: Encoded, count: number): Promise<PhaseResult> {
  const topic = await createTestTopic('bench-naive', 3);
  const database = await createScratchDatabase('bench_naive');
  try {
    await withClient(database.url, (client) => client.query(NAIVE_SCHEMA));
    // The middle of the stream, where the faults are, so the naive check has anomalies to write too.
    const from = Math.max(0, Math.floor(encoded.count / 2) - Math.floor(count / 2));
    const producedIn = await produceAll(topic.topic, encoded, count, from);
    const bounds = simpleBounds();
    // Expected naive anomalies, from the readings themselves.
    let expectedRows = 0;
    for (let i = from; i < from + count; i++) {
      const decoded = decodeReading(encoded.message(i).value, {
        maxBytes: testConfig.processor.maxMessageBytes,
        nowMs: Date.now(),
        maxFutureSkewMs: Number.MAX_SAFE_INTEGER,
      });
      if (decoded.ok) expectedRows += naiveAnomalies(decoded.reading, bounds).length;
    }
    const meter = cpuMeter(() => ({}));
    const run = await runNaiveConsumer({
      kafka: testConfig.kafka,
      topic: topic.topic,
      groupId: uniqueName('bench-naive'),
      databaseUrl: database.url,
      total: count,
      maxBytes: testConfig.processor.maxMessageBytes,
    });
    const cpuSeconds = meter.stop();
    const rows = await withClient(database.url, (client) =>
      client.query<{ total: string; distinct_keys: string }>(
        `SELECT count(*) AS total, count(DISTINCT (source, sensor)) AS distinct_keys FROM naive_anomalies`,
      ),
    );
    const total = Number(rows.rows[0]?.total ?? 0);
    const distinct = Number(rows.rows[0]?.distinct_keys ?? 0);
    const lost = Math.max(0, expectedRows - distinct);
    const duplicated = total - distinct + Math.max(0, distinct - expectedRows);
    return {
      phase: name,
      readings: count,
      seconds: round2(run.seconds),
      readingsPerSecond: Math.round(count / run.seconds),
      cpuSeconds,
      correctness: { expected: expectedRows, written: total, lost, duplicated, ok: lost + duplicated === 0 },
      notes: `naive_anomalies (simple bounds); timed from its first message (group join excluded); produced (untimed) in ${round2(producedIn)} s`,
    };
  } finally {
    await database.drop().catch(() => undefined);
    await topic.remove().catch(() => undefined);
  }
}

function memoryPhase(): Array<{ machines: number; heapBytes: number; bytesPerMachine: number | null }> {
  const script = new URL('./heap-per-machine.ts', import.meta.url).pathname;
  const output = execFileSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', script, '0', '10000', '100000'],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  return JSON.parse(output.trim().split('\n').at(-1)!) as Array<{
    machines: number;
    heapBytes: number;
    bytesPerMachine: number | null;
  }>;
}

// ---------------------------------------------------------------------------------------------- report

const cpu = (seconds: CpuSeconds) =>
  Object.entries(seconds)
    .filter(([, value]) => value > 0)
    .map(([name, value]) => `${name} ${value.toFixed(1)}`)
    .join(', ');

const int = (value: number) => value.toLocaleString('en-US');
const ms = (value: number | null) => (value === null ? '-' : value.toFixed(1));

function liveMarkdown(live: LiveResult | null): string[] {
  if (live === null) return ['Skipped (--no-live).'];
  const flat = (step: LiveStep) =>
    step.flat
      ? 'yes'
      : `no (${[!step.processorLag.flat && 'processor', !step.projectorLag.flat && 'projector'].filter(Boolean).join(', ')})`;
  const share = (part: number, whole: number) => (whole === 0 ? '0' : ((100 * part) / whole).toFixed(2));
  return [
    `Open-loop producer in the bench process, ${int(live.options.machines)} machines, ${live.partitions} partitions; ` +
      `per step ${live.options.warmupSeconds} s warm-up (not measured) then ${live.options.measureSeconds} s measured. ` +
      'Latency is from the producer timestamp (event time = Kafka CreateTime) to the commit in PostgreSQL.',
    '',
    '| rate target | achieved | p50 ms | p99 ms | p99.9 ms | max ms (n) | anomaly-row p50/p99 ms (n) | ' +
      'processor lag start→end | projector lag start→end | flat | CPU s per process |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |',
    ...live.steps.map((step) => {
      const reading = step.readingLatencyMs;
      const anomaly = step.anomalyLatencyMs;
      return (
        `| ${int(step.rateTarget)} | ${int(step.achievedRate)}${step.onSchedule ? '' : ' (behind)'} | ` +
        `${ms(reading.p50)} | ${ms(reading.p99)} | ${ms(reading.p999)} | ${ms(reading.max)} (${int(reading.samples)}) | ` +
        `${ms(anomaly.p50)} / ${ms(anomaly.p99)} (${int(anomaly.samples)}) | ` +
        `${int(step.processorLag.start)}→${int(step.processorLag.end)} | ` +
        `${int(step.projectorLag.start)}→${int(step.projectorLag.end)} | ${flat(step)} | ${cpu(step.cpuSeconds)} |`
      );
    }),
    '',
    `Sustainable rate (highest step with flat lag for both and the producer on schedule): ` +
      `**${live.sustainableRate === null ? 'none of the steps' : `${int(live.sustainableRate)} readings/s`}**` +
      `${live.stoppedEarly ? `; ${live.stoppedEarly}, higher rates not run` : ''}.`,
    '',
    `Correctness after the last step: ${live.correctness.ok ? 'OK' : 'FAIL'}: ${live.correctness.written}/` +
      `${live.correctness.expected} rows, lost ${live.correctness.lost}, duplicated ${live.correctness.duplicated}.`,
    '',
    ...live.steps.map(
      (step) =>
        `- ${int(step.rateTarget)}/s: ${int(step.sent)} readings measured, ${int(step.faultyReadings)} in fault ` +
        `windows (${share(step.faultyReadings, step.sent)} %); anomaly rows ${Object.entries(
          step.anomalyTransitions,
        )
          .map(([transition, count]) => `${transition.replace('ANOMALY_', '').toLowerCase()} ${count}`)
          .join(
            ', ',
          )}; max schedule backlog ${int(step.maxBacklog)}, ${step.sendFailures} send failures, acks in ` +
        `${step.ackWaitSeconds} s; lag allowance processor ${int(step.processorLag.allowance)}, projector ` +
        `${int(step.projectorLag.allowance)} (${step.eventsPerReading.toFixed(2)} twin events per reading); ` +
        `${step.uncommitted} readings without a polled commit.`,
    ),
    `- Caught up ${live.finalCatchUpSeconds} s after the last step.`,
    '',
    'Definitions:',
    '',
    ...Object.entries(live.definitions).map(([name, text]) => `- ${name}: ${text}.`),
  ];
}

function markdown(report: Report): string {
  const lines = [
    `# Twinstream bench ${report.startedAt}`,
    '',
    `${report.options.readings.toLocaleString('en-US')} readings, ${report.options.machines.toLocaleString('en-US')} machines` +
      `${report.options.smoke ? ' (smoke)' : ''}; node ${process.version}; ${report.cores} cores; broker and database on this machine.`,
    '',
    '## Drain and baseline (A B B A)',
    '',
    '| phase | readings | seconds | readings/s | CPU s per process | ratio to baseline | correctness |',
    '| --- | ---: | ---: | ---: | --- | ---: | --- |',
    ...report.phases.map(
      (phase) =>
        `| ${phase.phase} | ${phase.readings.toLocaleString('en-US')} | ${phase.seconds.toFixed(2)} | ` +
        `${phase.readingsPerSecond.toLocaleString('en-US')} | ${cpu(phase.cpuSeconds)} | ` +
        `${(phase.readingsPerSecond / report.baselineReadingsPerSecond).toFixed(1)}× | ` +
        `${phase.correctness.ok ? 'OK' : 'FAIL'}: ${phase.correctness.written}/${phase.correctness.expected} rows, ` +
        `lost ${phase.correctness.lost}, duplicated ${phase.correctness.duplicated} |`,
    ),
    '',
    `Ratio (mean pipeline readings/s over mean baseline readings/s): **${report.ratio.toFixed(1)}×**.`,
    '',
    '## Memory (heap after GC of warm twin state, pure fold in a child process)',
    '',
    '| machines | heap bytes | bytes per machine | per 10,000 machines |',
    '| ---: | ---: | ---: | ---: |',
    ...report.memory.map(
      (row) =>
        `| ${row.machines.toLocaleString('en-US')} | ${row.heapBytes.toLocaleString('en-US')} | ` +
        `${row.bytesPerMachine === null ? '-' : row.bytesPerMachine.toFixed(0)} | ` +
        `${row.bytesPerMachine === null ? '-' : `${((row.bytesPerMachine * 10_000) / 1e6).toFixed(2)} MB`} |`,
    ),
    '',
    ...profileMarkdown(report.phases),
    '## Live phase',
    '',
    ...liveMarkdown(report.live),
    '',
    '## Notes',
    '',
    ...report.phases.map((phase) => `- ${phase.phase}: ${phase.notes}`),
    ...(report.live?.notes.map((note) => `- Live phase: ${note}`) ?? []),
    '',
  ];
  return lines.join('\n');
}

/** Where the drain's CPU went, per process: self time by source file, from the profiles of the last B run. */
function profileMarkdown(phases: readonly PhaseResult[]): string[] {
  const profiled = phases.filter((phase) => phase.profiles).at(-1);
  if (!profiled?.profiles) return [];
  const lines = [
    `## Where the time goes (CPU profiles of the processor and projector, ${profiled.phase} run)`,
    '',
  ];
  const { postgres, ...processes } = profiled.profiles;
  for (const [name, profile] of Object.entries(processes)) {
    if (!profile) continue;
    lines.push(
      `**${name}**: busy ${profile.busyPercent} % of ${profile.seconds} s; self time by file (% of busy):`,
      '',
      '| file | % |',
      '| --- | ---: |',
      ...profile.files.map((entry) => `| ${entry.name} | ${entry.percent.toFixed(1)} |`),
      '',
    );
  }
  if (postgres) {
    lines.push(
      '**postgres** (pg_stat_statements over the run: execution time, both databases):',
      '',
      '| statement | calls | rows | total ms |',
      '| --- | ---: | ---: | ---: |',
      ...postgres.map(
        (entry) =>
          `| \`${entry.statement.replace(/\|/g, '\\|')}…\` | ${entry.calls} | ${entry.rows} | ${entry.totalMs} |`,
      ),
      '',
    );
  }
  return lines;
}

interface Report {
  startedAt: string;
  options: Options;
  cores: number;
  faults: number;
  phases: PhaseResult[];
  baselineReadingsPerSecond: number;
  pipelineReadingsPerSecond: number;
  ratio: number;
  memory: Array<{ machines: number; heapBytes: number; bytesPerMachine: number | null }>;
  live: LiveResult | null;
  correct: boolean;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const startedAt = new Date().toISOString();
  const log = (line: string) => console.log(`[bench] ${line}`);
  log(`encoding ${options.readings} readings for ${options.machines} machines`);
  const encoded = encodeReadings(Math.max(options.readings, options.baselineReadings), options.machines);
  const phases: PhaseResult[] = [];
  const baselineCount = Math.min(options.baselineReadings, encoded.count);
  const stamp = startedAt.replace(/[:.]/g, '-');
  let drainRun = 0;
  for (const [name, kind] of [
    ['A baseline (naive)', 'baseline'],
    ['B pipeline', 'pipeline'],
    ['B pipeline', 'pipeline'],
    ['A baseline (naive)', 'baseline'],
  ] as const) {
    log(`${name}…`);
    const result =
      kind === 'baseline'
        ? await baselinePhase(name, encoded, baselineCount)
        : await pipelinePhase(
            name,
            encoded,
            options.readings,
            options.profile ? join(options.out, `${stamp}-profiles`, `drain-${++drainRun}`) : undefined,
          );
    log(
      `${name}: ${result.readingsPerSecond} readings/s, lost ${result.correctness.lost}, duplicated ${result.correctness.duplicated}`,
    );
    phases.push(result);
  }
  log('memory…');
  const memory = memoryPhase();
  let live: LiveResult | null = null;
  if (options.live) {
    log('live phase…');
    live = await runLivePhase({
      ...options.live,
      machines: options.machines,
      // Long enough that faults begun before the first step are open or clearing in it; shorter in the smoke.
      leadInSeconds: options.smoke ? 60 : 180,
      log,
    });
  }
  const mean = (list: PhaseResult[]) =>
    list.reduce((sum, phase) => sum + phase.readingsPerSecond, 0) / Math.max(list.length, 1);
  const baselineReadingsPerSecond = mean(phases.filter((phase) => phase.phase.startsWith('A')));
  const pipelineReadingsPerSecond = mean(phases.filter((phase) => phase.phase.startsWith('B')));
  const report: Report = {
    startedAt,
    options,
    cores: (await import('node:os')).cpus().length,
    faults: encoded.faults,
    phases,
    baselineReadingsPerSecond: Math.round(baselineReadingsPerSecond),
    pipelineReadingsPerSecond: Math.round(pipelineReadingsPerSecond),
    ratio: pipelineReadingsPerSecond / baselineReadingsPerSecond,
    memory,
    live,
    correct: phases.every((phase) => phase.correctness.ok) && (live === null || live.correctness.ok),
  };
  mkdirSync(options.out, { recursive: true });
  writeFileSync(join(options.out, `${stamp}.json`), `${JSON.stringify(report, null, 2)}\n`);
  const text = markdown(report);
  writeFileSync(join(options.out, `${stamp}.md`), text);
  console.log(text);
  console.log(`[bench] wrote ${join(options.out, `${stamp}.json`)} and .md`);
  process.exitCode = report.correct ? 0 : 1;
}

// Dropping a scratch database WITH (FORCE) ends its idle pooled connections ("terminating connection due to
// administrator command", 57P01); a pool reports that as an 'error' event nobody listens to. Ignore only that.
process.on('uncaughtException', (error: Error & { code?: string }) => {
  if (error.code === '57P01') return;
  console.error(error);
  process.exit(1);
});

await main();
