// Bad input never stops the pipeline: 10,000 malformed messages interleaved with valid readings each go to the
// dead-letter topic with their reason, and the valid readings produce exactly what a clean run produces.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeReading } from '../../schemas/sensor-reading-codec.js';
import type { SensorReading } from '../../processors/readings/reading.js';
import { createFleet, generateReadings } from '../simulator/index.js';
import { createIsolatedPipeline, type IsolatedPipeline } from '../../test/support/pipeline.js';
import { createKafka } from '../kafka/client.js';
import { DEAD_LETTER_HEADERS } from '../kafka/dead-letter.js';
import { loadConfig } from '../config.js';
import { uniqueName } from '../../test/support/kafka.js';

const config = loadConfig();
const VALID = 40_000;
const MALFORMED = 10_000;

/** One malformed value per kind, cycling: each breaks the contract in a different way. */
const malformations: Array<{
  reason: string;
  make: (reading: SensorReading) => { key: string; value: Buffer };
}> = [
  {
    reason: 'malformed_json',
    make: (r) => ({ key: r.machineId, value: Buffer.from('{"machine_id": "x", ') }),
  },
  {
    reason: 'invalid_field',
    make: (r) => ({
      key: r.machineId,
      value: Buffer.from(JSON.stringify({ ...wire(r), temperature: 'NaN' })),
    }),
  },
  {
    reason: 'missing_field',
    make: (r) => {
      const { load: _load, ...rest } = wire(r);
      return { key: r.machineId, value: Buffer.from(JSON.stringify(rest)) };
    },
  },
  {
    reason: 'unknown_fingerprint',
    make: (r) => {
      const value = encodeReading(r, 'avro');
      value[5] = (value[5] ?? 0) ^ 0xff; // another writer schema's fingerprint
      return { key: r.machineId, value };
    },
  },
  { reason: 'oversize', make: (r) => ({ key: r.machineId, value: Buffer.alloc(70 * 1024, 0x20) }) },
  {
    reason: 'future_timestamp',
    make: (r) => ({
      key: r.machineId,
      value: encodeReading({ ...r, timestamp: Date.now() + 3_600_000 }, 'json'),
    }),
  },
  { reason: 'key_mismatch', make: (r) => ({ key: `${r.machineId}-other`, value: encodeReading(r, 'json') }) },
  { reason: 'empty', make: (r) => ({ key: r.machineId, value: Buffer.alloc(0) }) },
];

function wire(reading: SensorReading): Record<string, unknown> {
  return JSON.parse(encodeReading(reading, 'json').toString()) as Record<string, unknown>;
}

/**
 * The event-time anomalies. Loss of signal and clock skew are judged on the arrival clock, which differs between
 * two runs by construction; a reading stamped in the future flags its machine CLOCK_SKEW (counted apart).
 */
async function anomalyTuples(pipeline: IsolatedPipeline): Promise<string[]> {
  const rows = await pipeline.query<{ t: string }>(
    'twin',
    `SELECT concat_ws('|', machine_id, anomaly_type, severity, timestamp, details->>'transition') AS t
       FROM anomaly_history WHERE anomaly_type NOT IN ('STALE_DATA', 'CLOCK_SKEW')`,
  );
  return rows.map((row) => row.t).sort();
}

async function skewedMachines(pipeline: IsolatedPipeline): Promise<number> {
  const rows = await pipeline.query<{ n: string }>(
    'twin',
    `SELECT count(DISTINCT machine_id) AS n FROM anomaly_history WHERE anomaly_type = 'CLOCK_SKEW'`,
  );
  return Number(rows[0]!.n);
}

describe('twin processor given malformed input', () => {
  let clean: IsolatedPipeline;
  let dirty: IsolatedPipeline;
  beforeAll(async () => {
    [clean, dirty] = await Promise.all([createIsolatedPipeline(3), createIsolatedPipeline(3)]);
  });
  afterAll(async () => {
    await Promise.all([clean.dispose(), dirty.dispose()]);
  });

  it('dead-letters exactly the 10,000 bad messages with reasons, and the valid output equals a clean run', async () => {
    const fleet = createFleet({
      machines: 100,
      seed: 11,
      startTime: Date.now() - 3_600_000,
      faultFraction: 0.3,
      faultPeriodMs: 400_000,
    });
    const readings = generateReadings(fleet, { count: VALID });
    const valid = readings.map((reading) => ({
      key: reading.machineId,
      value: encodeReading(reading, 'avro'),
    }));
    const mixed: Array<{ key: string; value: Buffer }> = [];
    const every = VALID / MALFORMED;
    readings.forEach((reading, index) => {
      mixed.push(valid[index]!);
      if (index % every === 0)
        mixed.push(malformations[(index / every) % malformations.length]!.make(reading));
    });
    expect(mixed.length).toBe(VALID + MALFORMED);

    await Promise.all([clean.produce(valid), dirty.produce(mixed)]);
    const cleanProcessor = await clean.startProcessor();
    const dirtyProcessor = await dirty.startProcessor();
    await Promise.all([clean.waitUntilCaughtUp(180_000), dirty.waitUntilCaughtUp(180_000)]);
    expect(dirtyProcessor.exitCode).toBeNull(); // never restarted, never crashed
    cleanProcessor.kill('SIGTERM');
    dirtyProcessor.kill('SIGTERM');

    const deadLetters = await readDeadLetters(dirty.topics.deadLetter, MALFORMED);
    expect(deadLetters.length).toBe(MALFORMED);
    const byReason = new Map<string, number>();
    for (const letter of deadLetters) byReason.set(letter.reason, (byReason.get(letter.reason) ?? 0) + 1);
    for (const { reason } of malformations)
      expect(byReason.get(reason), reason).toBe(MALFORMED / malformations.length);
    for (const letter of deadLetters) {
      expect(letter.error.length).toBeGreaterThan(0);
      expect(letter.sourceTopic).toBe(dirty.topics.readings);
      expect(Number.isInteger(letter.sourceOffset)).toBe(true);
    }

    const cleanTuples = await anomalyTuples(clean);
    expect(cleanTuples.length).toBeGreaterThan(10);
    expect(await anomalyTuples(dirty)).toEqual(cleanTuples);
    // The future-stamped readings were dead-lettered inside their machines' backlogs, and flagged.
    expect(await skewedMachines(clean)).toBe(0);
    expect(await skewedMachines(dirty)).toBeGreaterThan(0);
  });
});

async function readDeadLetters(topic: string, expected: number) {
  const consumer = createKafka(config.kafka).consumer({
    'group.id': uniqueName('dlq-reader'),
    'auto.offset.reset': 'earliest',
    'js.consumer.max.batch.size': 5_000,
  });
  const letters: Array<{ reason: string; error: string; sourceTopic: string; sourceOffset: number }> = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [topic] });
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachBatch: ({ batch }) => {
        for (const message of batch.messages) {
          const header = (name: string) => message.headers?.[name]?.toString() ?? '';
          letters.push({
            reason: header(DEAD_LETTER_HEADERS.reason),
            error: header(DEAD_LETTER_HEADERS.error),
            sourceTopic: header(DEAD_LETTER_HEADERS.topic),
            sourceOffset: Number(header(DEAD_LETTER_HEADERS.offset)),
          });
        }
        if (letters.length >= expected) resolve();
        return Promise.resolve();
      },
    });
  });
  // Anything beyond the expected count would arrive within a moment; give it the chance to be seen.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  await consumer.disconnect();
  return letters;
}
