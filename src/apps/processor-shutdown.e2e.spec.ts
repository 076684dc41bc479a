// A graceful stop under load loses nothing and writes nothing twice: `twin processor` gets SIGTERM while the
// gateways keep producing. It must go unready first, finish its in-flight batches, snapshot every partition at
// its committed offset, leave the group and exit 0 within SHUTDOWN_TIMEOUT_MS (service.ts exits 1 past it).
// A second processor then takes the partitions at once, finishes the topic, and every output equals an
// uninterrupted run's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeReading } from '../../schemas/sensor-reading-codec.js';
import { decodeTwinEvent } from '../../schemas/twin-event-codec.js';
import { createFleet, generateReadings } from '../simulator/index.js';
import { stopWithSigterm } from '../../test/support/graceful-stop.js';
import { createIsolatedPipeline, type IsolatedPipeline } from '../../test/support/pipeline.js';
import { testConfig, uniqueName } from '../../test/support/kafka.js';
import { createKafka } from '../kafka/client.js';

const READINGS = 60_000;
const MACHINES = 150;
const SHUTDOWN_TIMEOUT_MS = 10_000;
/** librdkafka's default session.timeout.ms: a member that did not leave is only evicted after this. */
const SESSION_TIMEOUT_MS = 45_000;

describe('twin processor stopped by SIGTERM under load', () => {
  let pipeline: IsolatedPipeline;
  beforeAll(async () => {
    pipeline = await createIsolatedPipeline(3);
  });
  afterAll(async () => {
    await pipeline.dispose();
  });

  it('given readings still arriving, when SIGTERM lands mid-load, then it goes unready, snapshots at its committed offsets, leaves the group and exits 0, and a successor writes every output exactly once', async () => {
    const fleet = createFleet({
      machines: MACHINES,
      seed: 11,
      startTime: Date.UTC(2026, 0, 12, 6, 0, 0),
      faultFraction: 0.3,
      faultPeriodMs: (READINGS / MACHINES) * 1_000,
    });
    const messages = generateReadings(fleet, { count: READINGS }).map((reading, index) => ({
      key: reading.machineId,
      value: encodeReading(reading, index % 2 === 0 ? 'json' : 'avro'),
    }));

    const env = {
      SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
      PROCESSOR_BATCH_SIZE: '500',
      // Periodic snapshots lag behind the committed offset, so an equal one can only come from the shutdown.
      SNAPSHOT_EVERY_READINGS: '7000',
      SNAPSHOT_EVERY_MS: '600000',
    };
    // A backlog is waiting (as after a deploy), and the gateways keep producing steadily on top of it, so the
    // signal lands while batches are being fetched and processed.
    const BACKLOG = 24_000;
    await pipeline.produce(messages.slice(0, BACKLOG));
    let produced = BACKLOG;
    const first = await pipeline.startProcessor(env);
    await first.ready();
    const producing = (async () => {
      for (let start = BACKLOG; start < messages.length; start += 4_000) {
        await pipeline.produce(messages.slice(start, start + 4_000));
        produced = Math.min(messages.length, start + 4_000);
        await new Promise((resolve) => setTimeout(resolve, 400));
      }
    })();
    while ((await pipeline.progress()) < 6_000) await new Promise((resolve) => setTimeout(resolve, 50));

    const progressAtSignal = await pipeline.progress();
    const producedAtSignal = produced;
    // /readyz is polled from the moment of the signal: it must say 503 while the process is still stopping.
    const { code, stopMs, unreadyBeforeExit } = await stopWithSigterm(first);
    console.info(
      `processor SIGTERM at ${progressAtSignal} committed / ${producedAtSignal} produced of ${READINGS}; ` +
        `exited ${code} after ${stopMs} ms`,
    );
    expect(producedAtSignal).toBeLessThan(READINGS); // really mid-load: the gateways were still producing
    expect(progressAtSignal).toBeLessThan(producedAtSignal); // ... and a backlog was being fetched
    expect(unreadyBeforeExit).toBe(true);
    expect(code).toBe(0); // 1 past SHUTDOWN_TIMEOUT_MS: exit 0 means it stopped within 10 s

    // The shutdown snapshot covers exactly what was committed, for every partition it owned.
    const checkpoints = await pipeline.query<{
      partition: number;
      next_offset: string;
      snapshot_offset: string | null;
    }>(
      'twin',
      'SELECT partition, next_offset, snapshot_offset FROM processor_checkpoints WHERE topic = $1 ORDER BY partition',
      [pipeline.topics.readings],
    );
    expect(checkpoints).toHaveLength(pipeline.partitions);
    for (const row of checkpoints) expect(row.snapshot_offset).toBe(row.next_offset);
    const committedAtStop = checkpoints.reduce((sum, row) => sum + Number(row.next_offset), 0);
    expect(committedAtStop).toBeLessThan(READINGS); // work was left for the successor

    // It left the group: a successor owns every partition without waiting out the old member's session.
    const joinedAt = Date.now();
    const second = await pipeline.startProcessor(env);
    await second.ready();
    while ((await second.ownedPartitions()) < pipeline.partitions) {
      expect(Date.now() - joinedAt).toBeLessThan(SESSION_TIMEOUT_MS);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const takeoverMs = Date.now() - joinedAt;
    console.info(`successor owned all ${pipeline.partitions} partitions ${takeoverMs} ms after its start`);
    expect(takeoverMs).toBeLessThan(SESSION_TIMEOUT_MS);

    await producing;
    await pipeline.waitUntilCaughtUp(180_000);
    second.kill('SIGTERM');
    expect(await new Promise((resolve) => second.once('exit', resolve))).toBe(0);

    const expected = await pipeline.expected();
    expect(expected.historyIds.length).toBeGreaterThan(50); // the faults really produced anomalies
    const history = await pipeline.query<{ event_id: string }>(
      'twin',
      'SELECT event_id FROM anomaly_history',
    );
    const records = await pipeline.query<{ event_id: string }>(
      'analytics',
      'SELECT event_id FROM anomaly_records',
    );
    expect(history.map((row) => row.event_id).sort()).toEqual(expected.historyIds);
    expect(records.map((row) => row.event_id).sort()).toEqual(expected.recordIds);

    // twin.events: a graceful stop abandons no published batch, so no event is published twice (after a crash
    // repeats are allowed; after SIGTERM none are) and the anomaly events are exactly the expected ones.
    const events = await readTwinEvents(pipeline.topics.twinEvents);
    const ids = events.map((event) => event.event_id);
    expect(new Set(ids).size).toBe(ids.length);
    const anomalyIds = events
      .filter((event) => event.type.startsWith('ANOMALY_'))
      .map((event) => event.event_id)
      .sort();
    expect(anomalyIds).toEqual(expected.historyIds);
  });
});

/** Every message of the twin events topic, decoded. */
async function readTwinEvents(topic: string): Promise<Array<{ event_id: string; type: string }>> {
  const admin = createKafka(testConfig.kafka).admin();
  await admin.connect();
  const total = (await admin.fetchTopicOffsets(topic)).reduce((sum, entry) => sum + Number(entry.high), 0);
  await admin.disconnect();
  const consumer = createKafka(testConfig.kafka).consumer({
    'group.id': uniqueName('events-reader'),
    'auto.offset.reset': 'earliest',
    'enable.auto.commit': false,
    'js.consumer.max.batch.size': 5_000,
  });
  const events: Array<{ event_id: string; type: string }> = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [topic] });
  await new Promise<void>((resolve) => {
    if (total === 0) resolve();
    void consumer.run({
      eachBatch: ({ batch }) => {
        for (const message of batch.messages) {
          const decoded = decodeTwinEvent(message.value!);
          events.push({ event_id: decoded.eventId, type: decoded.event.type });
        }
        if (events.length >= total) resolve();
        return Promise.resolve();
      },
    });
  });
  await consumer.disconnect();
  return events;
}
