// `twin simulate` against the real broker: readings arrive keyed by machine id, decodable by the processor's own
// decoder, in seq order per machine; a SIGTERM stops a live run cleanly; bad input is one line and exit 1.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SensorReading } from '../../processors/readings/reading.js';
import { decodeReading } from '../../schemas/sensor-reading-codec.js';
import type { FaultRecord } from '../simulator/faults.js';
import { createTestTopic, testKafka, uniqueName } from '../../test/support/kafka.js';

const CLI = new URL('./cli.ts', import.meta.url).pathname;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function startSimulate(args: readonly string[]): { child: ChildProcess; done: Promise<Run> } {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'simulate', ...args], {
    env: { ...process.env, LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  const done = new Promise<Run>((resolve) => {
    child.on('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    });
  });
  return { child, done };
}

interface Received {
  readonly key: string;
  readonly partition: number;
  readonly reading: SensorReading;
}

/** Reads `expected` messages from the topic's start, decoding each with the processor's decoder. */
async function readBack(topic: string, expected: number): Promise<Received[]> {
  const received: Received[] = [];
  const consumer = testKafka().consumer({
    'group.id': uniqueName('simulate-read'),
    'auto.offset.reset': 'earliest',
    'enable.auto.commit': false,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic] });
  const options = { maxBytes: 64 * 1024, nowMs: Date.now() + 60_000, maxFutureSkewMs: 0 };
  await new Promise<void>((resolve, reject) => {
    void consumer.run({
      eachBatch: ({ batch }) => {
        for (const message of batch.messages) {
          const decoded = decodeReading(message.value, options);
          if (!decoded.ok) return Promise.reject(new Error(decoded.error));
          received.push({
            key: message.key?.toString() ?? '',
            partition: batch.partition,
            reading: decoded.reading,
          });
        }
        if (received.length >= expected) resolve();
        return Promise.resolve();
      },
    });
    setTimeout(() => reject(new Error(`only ${received.length} of ${expected} readings arrived`)), 60_000);
  });
  await consumer.disconnect();
  return received;
}

function expectSeqOrderPerMachine(received: readonly Received[]): void {
  const last = new Map<string, number>();
  for (const { reading } of received) {
    const previous = last.get(reading.machineId) ?? -1;
    expect(reading.seq ?? -1, reading.machineId).toBeGreaterThan(previous);
    last.set(reading.machineId, reading.seq ?? -1);
  }
}

describe('twin simulate', () => {
  let topic: Awaited<ReturnType<typeof createTestTopic>>;
  let folder: string;
  beforeAll(async () => {
    topic = await createTestTopic('simulate', 3);
    folder = await mkdtemp(join(tmpdir(), 'twin-simulate-'));
  });
  afterAll(async () => {
    await topic.remove();
    await rm(folder, { recursive: true, force: true });
  });

  it('given --count 2000, when run, then 2,000 valid readings arrive keyed by machine id, with their ground truth', async () => {
    const groundTruth = join(folder, 'faults.json');
    const started = Date.now();
    const run = await startSimulate([
      '--count',
      '2000',
      '--machines',
      '50',
      '--fault-fraction',
      '0.2',
      '--topic',
      topic.topic,
      '--ground-truth',
      groundTruth,
    ]).done;
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^twin simulate: sent 2,000 readings \(avro v2\) from 50 machines to simulate-/,
    );

    const received = await readBack(topic.topic, 2_000);
    expect(received).toHaveLength(2_000);
    for (const { key, reading } of received) {
      expect(key).toBe(reading.machineId);
      expect(reading.timestamp).toBeLessThanOrEqual(Date.now());
    }
    // A backfill ends at the moment it was started.
    const latest = Math.max(...received.map((r) => r.reading.timestamp));
    expect(latest).toBeGreaterThanOrEqual(started - 1_000);
    expect(new Set(received.map((r) => r.reading.machineId)).size).toBe(50);
    // One machine, one partition: the per-machine order survives.
    const partitionsPerMachine = new Map<string, Set<number>>();
    for (const { reading, partition } of received) {
      partitionsPerMachine.set(
        reading.machineId,
        (partitionsPerMachine.get(reading.machineId) ?? new Set()).add(partition),
      );
    }
    expect([...partitionsPerMachine.values()].every((partitions) => partitions.size === 1)).toBe(true);
    expectSeqOrderPerMachine(received);

    const faults = JSON.parse(await readFile(groundTruth, 'utf8')) as FaultRecord[];
    expect(faults).toHaveLength(10);
    for (const fault of faults) {
      expect(received.some((r) => r.reading.machineId === fault.machineId)).toBe(true);
      expect(fault.endTime).toBeGreaterThan(fault.startTime);
    }
  });

  it('given a live run, when SIGTERM arrives, then it flushes, prints a summary and exits 0', async () => {
    const live = await createTestTopic('simulate-live', 1);
    try {
      const { child, done } = startSimulate([
        '--duration',
        '0',
        '--machines',
        '20',
        '--rate',
        '200',
        '--topic',
        live.topic,
        '--format',
        'json',
      ]);
      await new Promise<void>((resolve) => {
        child.stderr?.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('elapsed 2')) resolve();
        });
      });
      child.kill('SIGTERM');
      const run = await done;
      expect(run.code).toBe(0);
      const sent = /sent ([\d,]+) readings \(json\).*\(stopped by SIGTERM\)/.exec(run.stdout)?.[1];
      expect(sent).toBeDefined();
      const count = Number(sent?.replaceAll(',', ''));
      // Paced to the rate: about 200 a second.
      expect(count).toBeGreaterThan(300);
      expect(count).toBeLessThan(800);
      expect(run.stderr).toMatch(/^elapsed 1\.\d s {2}sent [\d,]+ {2}rate [\d,]+\/s {2}faults active \d+$/m);
      const received = await readBack(live.topic, count);
      expect(received).toHaveLength(count);
      expectSeqOrderPerMachine(received);
    } finally {
      await live.remove();
    }
  });

  it.each([
    [['--rate', 'fast'], /^twin simulate: --rate takes a number of readings per second/],
    [
      ['--topic', 'no-such-topic-here', '--count', '1'],
      /^twin simulate: topic no-such-topic-here does not exist/,
    ],
  ])('given %j, when run, then one clear line and exit 1', async (args, message) => {
    const run = await startSimulate(args).done;
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(message);
  });
});
