// Scaling out and replaying, the Kafka way: two processors share a consumer group and one leaves mid-run;
// and a replay of already-processed readings (positions rewound) adds no rows.
import { afterEach, describe, expect, it } from 'vitest';
import { encodeReading } from '../../schemas/sensor-reading-codec.js';
import { createFleet, generateReadings } from '../simulator/index.js';
import { createIsolatedPipeline, type IsolatedPipeline } from '../../test/support/pipeline.js';
import { createKafka } from '../kafka/client.js';
import { loadConfig } from '../config.js';

const config = loadConfig();

function fleetMessages(count: number, seed: number, faultPeriodMs = 1_800_000) {
  const fleet = createFleet({
    machines: 120,
    seed,
    startTime: Date.now() - 7_200_000,
    faultFraction: 0.3,
    faultPeriodMs,
  });
  return generateReadings(fleet, { count }).map((reading) => ({
    key: reading.machineId,
    value: encodeReading(reading, 'avro'),
  }));
}

async function eventIds(pipeline: IsolatedPipeline) {
  const history = await pipeline.query<{ event_id: string }>('twin', 'SELECT event_id FROM anomaly_history');
  const records = await pipeline.query<{ event_id: string }>(
    'analytics',
    'SELECT event_id FROM anomaly_records',
  );
  return {
    history: history.map((row) => row.event_id).sort(),
    records: records.map((row) => row.event_id).sort(),
  };
}

async function topicEnd(topic: string): Promise<number> {
  const admin = createKafka(config.kafka).admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, entry) => sum + Number(entry.high), 0);
  } finally {
    await admin.disconnect();
  }
}

const exited = (child: {
  exitCode: number | null;
  once(event: 'exit', listener: (code: number | null) => void): unknown;
}) =>
  child.exitCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise<number | null>((resolve) => child.once('exit', resolve));

describe('twin processors in one consumer group', () => {
  let pipeline: IsolatedPipeline | undefined;
  afterEach(async () => {
    await pipeline?.dispose();
  });

  it('given two members and one stopped mid-run, moves its partitions and loses or doubles nothing', async () => {
    pipeline = await createIsolatedPipeline(6);
    const messages = fleetMessages(120_000, 21);
    const first = await pipeline.startProcessor({ PROCESSOR_BATCH_SIZE: '500' });
    const second = await pipeline.startProcessor({ PROCESSOR_BATCH_SIZE: '500' });
    await Promise.all([first.ready(), second.ready()]);
    // Both members hold partitions before the readings start to flow.
    await expect
      .poll(async () => [await first.ownedPartitions(), await second.ownedPartitions()], { timeout: 60_000 })
      .toSatisfy(([a = 0, b = 0]: number[]) => a > 0 && b > 0 && a + b === 6);
    const chunk = 10_000;
    for (let start = 0; start < messages.length; start += chunk) {
      await pipeline.produce(messages.slice(start, start + chunk));
      if (start === chunk * 6) second.kill('SIGTERM'); // leaves the group mid-run
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    expect(await exited(second)).toBe(0);
    await expect.poll(() => first.ownedPartitions(), { timeout: 60_000 }).toBe(6); // the leaver's partitions moved
    await pipeline.waitUntilCaughtUp(180_000);
    expect(first.exitCode).toBeNull();
    first.kill('SIGTERM');
    expect(await exited(first)).toBe(0);

    // Both members owned partitions, and the leaver's partitions were claimed again by the other.
    const claims = await pipeline.query<{ owner_epoch: number }>(
      'twin',
      'SELECT owner_epoch FROM processor_checkpoints',
    );
    expect(claims).toHaveLength(6);
    expect(claims.some((claim) => claim.owner_epoch > 1)).toBe(true);

    const expected = await pipeline.expected();
    expect(expected.historyIds.length).toBeGreaterThan(20);
    expect(await eventIds(pipeline)).toEqual({ history: expected.historyIds, records: expected.recordIds });
  });

  it('given every position rewound (snapshots dropped, group offsets deleted), a replay adds no rows', async () => {
    pipeline = await createIsolatedPipeline(3);
    // 30,000 readings are 250 s of the fleet: one round of faults within them, so there are anomalies to replay.
    await pipeline.produce(fleetMessages(30_000, 5, 250_000));
    let processor = await pipeline.startProcessor();
    await pipeline.waitUntilCaughtUp(120_000);
    processor.kill('SIGTERM');
    await exited(processor);
    const before = await eventIds(pipeline);
    const eventsBefore = await topicEnd(pipeline.topics.twinEvents);
    expect(before.history.length).toBeGreaterThan(10);

    // Rewind: forget every snapshot, so recovery replays each partition from offset 0 (30,000 readings, far more
    // than 10,000), and delete the group's committed offsets in Kafka too.
    await pipeline.query(
      'twin',
      'UPDATE processor_checkpoints SET snapshot_offset = NULL, snapshot_state = NULL',
    );
    await pipeline.query('twin', 'DELETE FROM state_snapshots');
    const admin = createKafka(config.kafka).admin();
    await admin.connect();
    await admin.deleteGroups([pipeline.env.PROCESSOR_GROUP_ID!]); // its committed offsets go with it
    await admin.disconnect();

    processor = await pipeline.startProcessor();
    await pipeline.waitUntilCaughtUp(120_000);
    // The replay really happened: every anomaly event was published again (same ids), plus the status and
    // twin updates (TWIN_UPDATED counts depend on batch cuts, so only a lower bound is exact) ...
    await expect
      .poll(() => topicEnd(pipeline!.topics.twinEvents), { timeout: 60_000 })
      .toBeGreaterThan(eventsBefore + before.history.length);
    processor.kill('SIGTERM');
    await exited(processor);
    // ... and wrote no row twice.
    expect(await eventIds(pipeline)).toEqual(before);
  });
});
