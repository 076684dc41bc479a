// The projector's readings member (batch consumer → partition projection → window projection) against the real
// broker and a scratch analytics database, on a readings topic stamped by the broker (LogAppendTime), as in
// production. Each run projects one topic into its own database; two runs that should agree are compared row by
// row: a machine's windows must not depend on another machine's clock, nor on when its readings arrived.
import pg from 'pg';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import {
  resolveWindowOptions,
  windowStartOf,
  type WindowOptions,
} from '../../processors/performance-windows/index.js';
import { DEFAULT_ARRIVAL_POLICY, TICK_HEADER } from '../../processors/readings/arrival.js';
import type { MachineStatus, SensorReading } from '../../processors/readings/reading.js';
import { encodeReading } from '../../schemas/sensor-reading-codec.js';
import { createScratchDatabase, toleratingDrop, type ScratchDatabase } from '../../test/support/postgres.js';
import { testConfig, testKafka, uniqueName } from '../../test/support/kafka.js';
import { migrateDatabase } from '../db/migrate.js';
import { createBatchConsumer, type BatchConsumer } from '../kafka/batch-consumer.js';
import { createReliableProducer, type OutgoingMessage } from '../kafka/producer.js';
import { createLogger } from '../logger.js';
import { PartitionProjection } from './partition-projection.js';
import { createProjectorMetrics, type ProjectorMetrics } from './projector-metrics.js';
import { WindowProjection } from './window-projection.js';

const SECOND = 1_000;
const MINUTE = 60_000;
const HOUR = 3_600_000;
const quiet = createLogger({ name: 'test', level: 'error' });
const WINDOW: WindowOptions = resolveWindowOptions({
  windowMs: MINUTE,
  maxReadingGapMs: 30 * SECOND,
  arrival: DEFAULT_ARRIVAL_POLICY,
});

interface Outgoing {
  readonly key: string;
  readonly value: Buffer;
  readonly timestamp?: number;
  readonly headers?: Record<string, string>;
}

/** A timestamp column as epoch ms, whatever the test process's time zone. */
const epochMs = (column: string) => `(extract(epoch from ${column}) * 1000)::float8 AS ${column}`;

const message = (reading: SensorReading, timestamp?: number): Outgoing => ({
  key: reading.machineId,
  value: encodeReading(reading, 'json'),
  ...(timestamp !== undefined && { timestamp }),
});

/** A clock tick as the processor writes it to an idle partition. */
const tick = (): Outgoing => ({ key: '', value: Buffer.alloc(0), headers: { [TICK_HEADER]: '1' } });

interface Run {
  produce(messages: readonly Outgoing[]): Promise<void>;
  /** Resolves once the projection's checkpoint covers the topic's end. */
  projected(): Promise<void>;
  windows(machineId: string): Promise<Record<string, unknown>[]>;
  metricsRows(machineId: string): Promise<Record<string, unknown>[]>;
  /** twin_projector_readings_total{outcome}. */
  readingsCounted(outcome: string): Promise<number>;
  stop(): Promise<void>;
}

const runs: Run[] = [];
afterEach(async () => {
  await Promise.allSettled(runs.splice(0).map((run) => run.stop()));
});

/** A one-partition readings topic created as `ensureTopics` creates it: broker timestamps (LogAppendTime). */
async function createReadingsTopic(): Promise<string> {
  const topic = uniqueName('window-readings');
  const admin = testKafka().admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [
        {
          topic,
          numPartitions: 1,
          replicationFactor: 1,
          configEntries: [{ name: 'message.timestamp.type', value: 'LogAppendTime' }],
        },
      ],
    });
    for (let attempt = 0; attempt < 100; attempt++) {
      const metadata = await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => []);
      const ready = metadata.some(
        (entry) =>
          entry.partitions.length > 0 && entry.partitions.every((partition) => partition.leader >= 0),
      );
      if (ready) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await admin.disconnect();
  }
  return topic;
}

async function endOffset(topic: string): Promise<bigint> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    const [offsets] = await admin.fetchTopicOffsets(topic);
    return BigInt(offsets?.high ?? '0');
  } finally {
    await admin.disconnect();
  }
}

async function startRun(): Promise<Run> {
  const topic = await createReadingsTopic();
  const analytics: ScratchDatabase = await createScratchDatabase('windows_it');
  await migrateDatabase('analytics', analytics.url);
  const pool = toleratingDrop(new pg.Pool({ connectionString: analytics.url, max: 3 }));
  const registry = new Registry();
  const metrics: ProjectorMetrics = createProjectorMetrics(registry, pool);
  const consumerGroup = uniqueName('windows');
  let failure: Error | undefined;
  const projection = new PartitionProjection({
    pool,
    consumerGroup,
    topic,
    step: new WindowProjection({
      window: WINDOW,
      maxMessageBytes: testConfig.processor.maxMessageBytes,
      windowsFinalAfterMs: DEFAULT_ARRIVAL_POLICY.backlogHorizonMs,
      metrics,
    }),
    metrics,
    now: Date.now,
    onFenced: (error) => (failure = error),
  });
  // Small batches: a run is cut into many, and the windows must not care.
  const consumer: BatchConsumer = createBatchConsumer({
    kafka: testConfig.kafka,
    logger: quiet,
    groupId: consumerGroup,
    topic,
    maxBatchSize: 97,
    concurrency: 1,
    handlers: projection,
    onFatal: (error) => (failure = new Error('the readings consumer failed', { cause: error })),
  });
  await consumer.start();
  const producer = createReliableProducer(testConfig.kafka, quiet);
  await producer.connect();

  const rows = async (sql: string, params: unknown[]) =>
    (await pool.query<Record<string, unknown>>(sql, params)).rows;
  return {
    async produce(messages) {
      const outgoing: OutgoingMessage[] = messages.map((item) => ({ topic, ...item }));
      for (let start = 0; start < outgoing.length; start += 1_000) {
        await producer.sendAll(outgoing.slice(start, start + 1_000));
      }
    },
    async projected() {
      const end = await endOffset(topic);
      const deadline = Date.now() + 60_000;
      for (;;) {
        if (failure !== undefined) throw failure;
        const [row] = await rows(
          'SELECT next_offset FROM projector_checkpoints WHERE consumer_group = $1 AND topic = $2',
          [consumerGroup, topic],
        );
        if (end === 0n || (row !== undefined && BigInt(row.next_offset as string) >= end)) return;
        if (Date.now() > deadline) throw new Error(`windows not projected up to ${end} after 60 s`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    windows: (machineId) =>
      rows(
        `SELECT machine_id, ${epochMs('window_start')}, window_ms, readings, sum_load, sum_temperature, sum_vibration,
                planned_readings, running_readings, sum_load_running, good_count, reject_count, anomaly_count,
                covered_ms, running_ms, maintenance_ms
           FROM performance_windows WHERE machine_id = $1 ORDER BY window_start`,
        [machineId],
      ),
    metricsRows: (machineId) =>
      rows(
        `SELECT machine_id, resolution, ${epochMs('window_start')}, ${epochMs('calculation_time')}, average_load, average_temperature,
                average_vibration, uptime_percentage, efficiency_rating, anomaly_count, ml_model_version
           FROM performance_metrics WHERE machine_id = $1 ORDER BY resolution, calculation_time`,
        [machineId],
      ),
    async readingsCounted(outcome) {
      const metric = await registry.getSingleMetric('twin_projector_readings_total')?.get();
      return metric?.values.find((value) => value.labels.outcome === outcome)?.value ?? 0;
    },
    async stop() {
      await consumer.stop().catch(() => undefined);
      await producer.disconnect().catch(() => undefined);
      await pool.end().catch(() => undefined);
      await analytics.drop();
      const admin = testKafka().admin();
      await admin.connect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    },
  };
}

async function newRun(): Promise<Run> {
  const run = await startRun();
  runs.push(run);
  return run;
}

/** A machine's readings every `stepS` seconds over [fromS, toS) after `start`, with a status per second. */
function readingsOf(
  machineId: string,
  machineType: string,
  start: number,
  [fromS, toS]: readonly [number, number],
  statusAt: (s: number) => MachineStatus,
  stepS = 5,
): SensorReading[] {
  const out: SensorReading[] = [];
  for (let s = fromS; s < toS; s += stepS) {
    out.push({
      machineId,
      machineType,
      timestamp: start + s * SECOND,
      temperature: 50 + (s % 13),
      vibration: 2 + (s % 5) / 10,
      load: 55 + (s % 17),
      status: statusAt(s),
      seq: s / stepS,
      goodCount: 1_000 + s,
      rejectCount: 10 + Math.floor(s / 300),
    });
  }
  return out;
}

/** Readings of several machines merged in event-time order, as they would arrive on time. */
const interleaved = (...streams: SensorReading[][]) =>
  streams.flat().sort((a, b) => a.timestamp - b.timestamp || (a.machineId < b.machineId ? -1 : 1));

describe('window projection on the arrival clock (real broker and database)', () => {
  it("given a gateway stamping its readings 50 minutes ahead on the same partition, then the other machine's performance_metrics equal those of a run without it", async () => {
    const now = Date.now();
    const start = windowStartOf(now - 12 * MINUTE, MINUTE);
    // RUNNING, a spell of IDLE, planned MAINTENANCE, and two minutes without any reading (unknown time).
    const pumpStatus = (s: number): MachineStatus =>
      s % 240 < 160 ? 'RUNNING' : s % 240 < 200 ? 'IDLE' : 'MAINTENANCE';
    const pump = [
      ...readingsOf('pump-1', 'pump', start, [0, 300], pumpStatus),
      ...readingsOf('pump-1', 'pump', start, [420, 660], pumpStatus),
    ];
    const press = readingsOf('press-2', 'press', start, [0, 660], () => 'RUNNING');

    const withSkew = await newRun();
    const alone = await newRun();
    // The press's gateway clock runs 50 minutes fast: payload and CreateTime alike (the broker restamps the
    // latter). Clock ticks come between the readings, as the processor writes them to a quiet partition.
    const shared: Outgoing[] = [];
    for (const item of interleaved(pump, press)) {
      const sent = item.machineId === 'press-2' ? { ...item, timestamp: item.timestamp + 50 * MINUTE } : item;
      shared.push(message(sent, sent.timestamp));
      if (shared.length % 200 === 0) shared.push(tick());
    }
    await Promise.all([withSkew.produce(shared), alone.produce(pump.map((item) => message(item)))]);
    await Promise.all([withSkew.projected(), alone.projected()]);

    const expected = await alone.metricsRows('pump-1');
    // Every minute with a reading, and the one its last reading before the silence runs into; the minute
    // without any is unknown, so it has no row.
    expect(expected.filter((row) => row.resolution === 'PT1M')).toHaveLength(11);
    expect(await withSkew.metricsRows('pump-1')).toEqual(expected);
    expect(await withSkew.windows('pump-1')).toEqual(await alone.windows('pump-1'));
    expect(await withSkew.readingsCounted('late')).toBe(0);
    // Clock ticks are skipped, not invalid readings.
    expect(await withSkew.readingsCounted('invalid')).toBe(0);
    // The fast gateway's readings were placed at their arrival (now), not 50 minutes on.
    const pressWindows = await withSkew.windows('press-2');
    // (Windows with readings: the last reading's status covers up to 30 s more, maybe into the next minute.)
    const latest = Math.max(
      ...pressWindows.filter((row) => (row.readings as number) > 0).map((row) => row.window_start as number),
    );
    expect(latest).toBeLessThanOrEqual(windowStartOf(Date.now(), MINUTE));
    expect(pressWindows.reduce((sum, row) => sum + (row.readings as number), 0)).toBe(press.length);
  });

  it('given a machine offline for two hours whose buffered readings then arrive in a burst, then its performance_windows and metrics equal those of the same readings sent on time', async () => {
    const now = Date.now();
    const start = windowStartOf(now - 3 * HOUR - 5 * MINUTE, MINUTE);
    const statusAt = (s: number): MachineStatus =>
      s % 900 < 600 ? 'RUNNING' : s % 900 < 700 ? 'IDLE' : s % 900 < 800 ? 'FAULT' : 'MAINTENANCE';
    const press = readingsOf('press-7', 'press', start, [0, 3 * 3600], statusAt);
    const pump = readingsOf('pump-3', 'pump', start, [0, 3 * 3600], (s) =>
      s % 400 < 300 ? 'RUNNING' : 'IDLE',
    );
    // The press's uplink is down from 0:30:07 to 2:30:07: it buffers, then sends the backlog in order.
    const outageFrom = start + 30 * MINUTE + 7 * SECOND;
    const outageTo = start + 150 * MINUTE + 7 * SECOND;
    const during = (r: SensorReading) => r.timestamp >= outageFrom && r.timestamp < outageTo;
    const beforeOutage = (r: SensorReading) => r.timestamp < outageFrom;

    const burst = await newRun();
    const onTime = await newRun();
    await onTime.produce(interleaved(press, pump).map((item) => message(item)));

    // Before the outage: both machines; then the pump alone for two hours; each phase projected (the press's
    // partial windows are written), before the backlog arrives at once, and both carry on.
    await burst.produce(
      interleaved(press.filter(beforeOutage), pump.filter(beforeOutage)).map((r) => message(r)),
    );
    await burst.projected();
    await burst.produce(pump.filter(during).map((item) => message(item)));
    await burst.projected();
    const partial = await burst.windows('press-7');
    expect(partial.length).toBeGreaterThan(0);
    await burst.produce(press.filter(during).map((item) => message(item)));
    await burst.projected();
    const after = (r: SensorReading) => r.timestamp >= outageTo;
    await burst.produce(interleaved(press.filter(after), pump.filter(after)).map((item) => message(item)));
    await Promise.all([burst.projected(), onTime.projected()]);

    for (const machineId of ['press-7', 'pump-3']) {
      expect(await burst.windows(machineId)).toEqual(await onTime.windows(machineId));
      expect(await burst.metricsRows(machineId)).toEqual(await onTime.metricsRows(machineId));
    }
    expect(await burst.readingsCounted('late')).toBe(0);
    const pressWindows = await burst.windows('press-7');
    expect(pressWindows.reduce((sum, row) => sum + (row.readings as number), 0)).toBe(press.length);
    // Three hours of readings every 5 s: all of it known, the last reading holding for the maximum gap.
    const covered = pressWindows.reduce((sum, row) => sum + (row.covered_ms as number), 0);
    expect(covered).toBe((press.length - 1) * 5 * SECOND + 30 * SECOND);
  });
});
