// An isolated twin pipeline for integration tests: its own topics, consumer group and databases (migrated),
// processor processes started as a user would (`twin processor`), and the expected outputs computed by
// folding what the readings topic really holds with the pure processors (an uninterrupted run, by definition).
import { spawn, type ChildProcess } from 'node:child_process';
import pg from 'pg';
import {
  createPartitionState,
  processBatch,
  serializePartitionState,
} from '../../processors/partition/index.js';
import { SERVICE_NODE_FLAGS } from '../../src/apps/node-flags.js';
import { loadConfig } from '../../src/config.js';
import { migrateDatabases } from '../../src/db/migrate.js';
import { createKafka } from '../../src/kafka/client.js';
import { createReliableProducer, type OutgoingMessage } from '../../src/kafka/producer.js';
import { ensureTopics } from '../../src/kafka/topics.js';
import { createLogger } from '../../src/logger.js';
import { loadMachineConfigs } from '../../src/processor/machine-configs.js';
import { anomalyRows } from '../../src/processor/twin-outputs.js';
import { foldOptionsOf, partitionFoldOptions } from '../../src/processor/fold-options.js';
import { decodeRecords } from '../../src/processor/reading-records.js';
import { createScratchDatabase, toleratingDrop, type ScratchDatabase } from './postgres.js';
import { forEachMessage, uniqueName } from './kafka.js';
import { freePort } from './ports.js';

// The fixtures replay history from months ago: no backlog horizon, for the processes and the oracle alike.
const PIPELINE_ENV = { BACKLOG_HORIZON_MS: '0' };
const config = loadConfig({ ...process.env, ...PIPELINE_ENV });
const CLI = new URL('../../src/apps/cli.ts', import.meta.url).pathname;
const quiet = createLogger({ name: 'test', level: 'error' });

export interface IsolatedPipeline {
  readonly topics: { readings: string; twinEvents: string; deadLetter: string };
  readonly partitions: number;
  readonly twin: ScratchDatabase;
  readonly analytics: ScratchDatabase;
  readonly env: Record<string, string>;
  produce(
    messages: ReadonlyArray<{ key: string; value: Buffer; partition?: number; timestamp?: number }>,
  ): Promise<void>;
  startProcessor(extraEnv?: Record<string, string>): Promise<ProcessorProcess>;
  /** `twin projector [args]` on the pipeline's topics and analytics database. */
  startProjector(extraEnv?: Record<string, string>, args?: string[]): Promise<ProcessorProcess>;
  /** Resolves once the projector's checkpoints cover both of its topics' current ends. */
  waitUntilProjected(timeoutMs: number): Promise<void>;
  /** Offsets committed so far, over all partitions. */
  progress(): Promise<number>;
  /** Resolves once the processor's checkpoints cover every offset of the readings topic. */
  waitUntilCaughtUp(timeoutMs: number): Promise<void>;
  query<T extends pg.QueryResultRow>(
    database: 'twin' | 'analytics',
    sql: string,
    params?: unknown[],
  ): Promise<T[]>;
  /** What an uninterrupted run over the topic's current contents produces. */
  expected(): Promise<ExpectedOutputs>;
  dispose(): Promise<void>;
}

export interface ProcessorProcess extends ChildProcess {
  /** Resolves when the process reports ready (started, partitions or not). */
  ready(): Promise<void>;
  /** How many readings partitions it owns now, from its own /metrics. */
  ownedPartitions(): Promise<number>;
  /** Its ops port (/healthz, /readyz, /metrics). */
  readonly port: number;
}

export interface ExpectedOutputs {
  readonly historyIds: string[];
  readonly recordIds: string[];
  readonly deadLetters: number;
  /** serializePartitionState of each partition's fold, by partition. */
  readonly states: Map<number, unknown>;
}

export async function createIsolatedPipeline(partitions = 3): Promise<IsolatedPipeline> {
  const topics = {
    readings: uniqueName('readings'),
    twinEvents: uniqueName('twin-events'),
    deadLetter: uniqueName('readings-dlq'),
  };
  await ensureTopics(config.kafka, Object.values(topics), partitions, undefined, [topics.readings]);
  const twin = await createScratchDatabase('twin_it');
  const analytics = await createScratchDatabase('analytics_it');
  await migrateDatabases({ twinUrl: twin.url, analyticsUrl: analytics.url });
  const groupId = uniqueName('processor');
  const projectorGroupId = uniqueName('projector');
  const env: Record<string, string> = {
    TOPIC_READINGS: topics.readings,
    TOPIC_TWIN_EVENTS: topics.twinEvents,
    TOPIC_DEAD_LETTER: topics.deadLetter,
    TWIN_DATABASE_URL: twin.url,
    ANALYTICS_DATABASE_URL: analytics.url,
    PROCESSOR_GROUP_ID: groupId,
    PROJECTOR_GROUP_ID: projectorGroupId,
    HTTP_PORT: '0',
    LOG_LEVEL: 'warn',
    ...PIPELINE_ENV,
  };
  const pools = {
    twin: toleratingDrop(new pg.Pool({ connectionString: twin.url, max: 2 })),
    analytics: toleratingDrop(new pg.Pool({ connectionString: analytics.url, max: 2 })),
  };
  const children = new Set<ChildProcess>();

  const query = async <T extends pg.QueryResultRow>(
    database: 'twin' | 'analytics',
    sql: string,
    params: unknown[] = [],
  ) => (await pools[database].query<T>(sql, params)).rows;

  const endOffsets = async (topic = topics.readings): Promise<Map<number, bigint>> => {
    const admin = createKafka(config.kafka).admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(topic);
      return new Map(offsets.map((entry) => [entry.partition, BigInt(entry.high)]));
    } finally {
      await admin.disconnect();
    }
  };

  const launch = async (command: string[], extraEnv: Record<string, string>) => {
    const port = await freePort();
    // PIPELINE_NODE_ARGS: extra node flags for the children, e.g. `npm run bench -- --profile DIR`'s --cpu-prof.
    const nodeArgs = process.env.PIPELINE_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
    const child = spawn(
      process.execPath,
      [...SERVICE_NODE_FLAGS, ...nodeArgs, '--import', 'tsx', CLI, ...command],
      {
        env: { ...process.env, ...env, HTTP_PORT: String(port), HTTP_HOST: '127.0.0.1', ...extraEnv },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    children.add(child);
    child.once('exit', () => children.delete(child));
    const ready = async () => {
      for (let attempt = 0; attempt < 300; attempt++) {
        if (child.exitCode !== null)
          throw new Error(`${command[0]} exited with ${child.exitCode} before ready`);
        const status = await fetch(`http://127.0.0.1:${port}/readyz`).then(
          (response) => response.status,
          () => 0,
        );
        if (status === 200) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`${command[0]} not ready after 30 s`);
    };
    const ownedPartitions = async () => {
      const text = await fetch(`http://127.0.0.1:${port}/metrics`).then((response) => response.text());
      const match = /^twin_partitions_owned\{[^}]*\} (\d+)$/m.exec(text);
      return Number(match?.[1] ?? 0);
    };
    return Object.assign(child, { ready, ownedPartitions, port });
  };

  return {
    topics,
    partitions,
    twin,
    analytics,
    env,
    async produce(messages) {
      const producer = createReliableProducer(config.kafka, quiet);
      await producer.connect();
      try {
        const outgoing: OutgoingMessage[] = messages.map((message) => ({
          topic: topics.readings,
          ...message,
        }));
        for (let start = 0; start < outgoing.length; start += 5_000) {
          await producer.sendAll(outgoing.slice(start, start + 5_000));
        }
      } finally {
        await producer.disconnect();
      }
    },
    startProcessor(extraEnv = {}) {
      return launch(['processor'], extraEnv);
    },
    startProjector(extraEnv = {}, args = []) {
      return launch(['projector', ...args], extraEnv);
    },
    async waitUntilProjected(timeoutMs) {
      const targets = [topics.readings, topics.twinEvents];
      const ends = new Map<string, Map<number, bigint>>();
      for (const topic of targets) ends.set(topic, await endOffsets(topic));
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const rows = await query<{ topic: string; partition: number; next_offset: string }>(
          'analytics',
          'SELECT topic, partition, next_offset FROM projector_checkpoints WHERE consumer_group = $1',
          [projectorGroupId],
        );
        const done = targets.every((topic) =>
          [...ends.get(topic)!].every(([partition, end]) => {
            const row = rows.find((r) => r.topic === topic && r.partition === partition);
            return end === 0n || (row !== undefined && BigInt(row.next_offset) >= end);
          }),
        );
        if (done) return;
        if (Date.now() > deadline)
          throw new Error(`projector not caught up after ${timeoutMs} ms: ${JSON.stringify(rows)}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    },
    async progress() {
      const rows = await query<{ total: string | null }>(
        'twin',
        'SELECT sum(next_offset) AS total FROM processor_checkpoints WHERE consumer_group = $1',
        [groupId],
      );
      return Number(rows[0]?.total ?? 0);
    },
    async waitUntilCaughtUp(timeoutMs) {
      const ends = await endOffsets();
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const rows = await query<{ partition: number; next_offset: string }>(
          'twin',
          'SELECT partition, next_offset FROM processor_checkpoints WHERE consumer_group = $1',
          [groupId],
        );
        const done = [...ends].every(([partition, end]) => {
          const row = rows.find((candidate) => candidate.partition === partition);
          return end === 0n || (row !== undefined && BigInt(row.next_offset) >= end);
        });
        if (done) return;
        if (Date.now() > deadline)
          throw new Error(`processor not caught up after ${timeoutMs} ms: ${JSON.stringify(rows)}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    },
    query,
    async expected() {
      const ends = await endOffsets();
      const total = [...ends.values()].reduce((sum, end) => sum + Number(end), 0);
      const byPartition = await readAll(topics.readings, total);
      const configs = await loadMachineConfigs(pools.twin);
      const historyIds: string[] = [];
      const recordIds: string[] = [];
      const states = new Map<number, unknown>();
      let deadLetters = 0;
      for (let partition = 0; partition < partitions; partition++) {
        const decoded = decodeRecords(byPartition.get(partition) ?? [], config.processor.maxMessageBytes);
        deadLetters += decoded.rejected.length;
        const folded = processBatch(
          createPartitionState(),
          decoded.records,
          (type) => configs.get(type),
          partitionFoldOptions(
            foldOptionsOf(config),
            config.processor.partitionSilentAfterMs,
            topics.readings,
            partition,
          ),
        );
        deadLetters += folded.rejected.filter((rejected) => rejected.reason !== 'duplicate').length;
        const rows = anomalyRows(topics.readings, partition, folded.events);
        historyIds.push(...rows.history.map((row) => row.eventId));
        recordIds.push(...rows.records.map((row) => row.eventId));
        states.set(partition, serializePartitionState(folded.state));
      }
      return { historyIds: historyIds.sort(), recordIds: recordIds.sort(), deadLetters, states };
    },
    async dispose() {
      for (const child of children) child.kill('SIGKILL');
      await Promise.allSettled([pools.twin.end(), pools.analytics.end()]);
      await Promise.allSettled([twin.drop(), analytics.drop()]);
      const admin = createKafka(config.kafka).admin();
      await admin.connect();
      await admin.deleteTopics({ topics: Object.values(topics) }).catch(() => undefined);
      await admin.disconnect();
    },
  };
}

interface RawMessage {
  offset: number;
  key: string | undefined;
  value: Buffer | null;
  timestamp: number;
  headers?: Record<string, unknown>;
}

/** Every message of the topic, by partition, in offset order. */
async function readAll(topic: string, total: number): Promise<Map<number, RawMessage[]>> {
  const byPartition = new Map<number, RawMessage[]>();
  await forEachMessage(topic, total, (partition, message) => {
    let list = byPartition.get(partition);
    if (!list) byPartition.set(partition, (list = []));
    list.push({
      offset: Number(message.offset),
      key: message.key?.toString(),
      value: message.value,
      timestamp: Number(message.timestamp),
      ...(message.headers && { headers: message.headers }),
    });
  });
  for (const list of byPartition.values()) list.sort((a, b) => a.offset - b.offset);
  return byPartition;
}
