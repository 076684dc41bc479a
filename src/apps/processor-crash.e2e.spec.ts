// Crash anywhere, restart, and nothing is lost or written twice: `twin processor` is killed with SIGKILL at
// random moments while it works through 200,000 readings with injected faults, then restarted. The anomaly
// rows must be exactly those of an uninterrupted run, and the final twin state identical to it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeReading } from '../../schemas/sensor-reading-codec.js';
import { createFleet, generateReadings } from '../simulator/index.js';
import { createIsolatedPipeline, type IsolatedPipeline } from '../../test/support/pipeline.js';
import { loadSnapshotMachines } from '../db/repositories/snapshots.js';
import { restorePartition } from '../processor/partition-snapshots.js';
import { serializePartitionState } from '../../processors/partition/index.js';
import pg from 'pg';

const READINGS = 200_000;
const MACHINES = 200;

describe('twin processor under kill -9', () => {
  let pipeline: IsolatedPipeline;
  beforeAll(async () => {
    pipeline = await createIsolatedPipeline(3);
  });
  afterAll(async () => {
    await pipeline.dispose();
  });

  it('given 200,000 readings with faults and three SIGKILLs, writes every anomaly exactly once', async () => {
    const startTime = Date.UTC(2026, 0, 5, 6, 0, 0);
    const fleet = createFleet({
      machines: MACHINES,
      seed: 7,
      startTime,
      faultFraction: 0.3,
      faultPeriodMs: (READINGS / MACHINES) * 1_000,
    });
    const readings = generateReadings(fleet, { count: READINGS });
    const messages = readings.map((reading, index) => ({
      key: reading.machineId,
      value: encodeReading(reading, index % 3 === 0 ? 'json' : 'avro'),
    }));

    // The gateways keep producing while the processor is killed and restarted, so every kill lands mid-stream.
    const producing = (async () => {
      for (let start = 0; start < messages.length; start += 10_000) {
        await pipeline.produce(messages.slice(start, start + 10_000));
        await new Promise((resolve) => setTimeout(resolve, 600));
      }
    })();
    // Small snapshot interval so kills land between snapshots and recovery really replays.
    const processorEnv = { SNAPSHOT_EVERY_READINGS: '5000', PROCESSOR_BATCH_SIZE: '500' };
    let killedWithWorkLeft = 0;
    for (let kill = 0; kill < 3; kill++) {
      const child = await pipeline.startProcessor(processorEnv);
      await child.ready();
      await new Promise((resolve) => setTimeout(resolve, 500 + Math.random() * 2_000));
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      if ((await pipeline.progress()) < READINGS) killedWithWorkLeft += 1;
    }
    await producing;
    expect(killedWithWorkLeft).toBeGreaterThanOrEqual(2);
    const last = await pipeline.startProcessor(processorEnv);
    await last.ready();
    await pipeline.waitUntilCaughtUp(240_000);
    last.kill('SIGTERM'); // graceful: a final snapshot of every partition
    const code = await new Promise((resolve) => last.once('exit', resolve));
    expect(code).toBe(0);

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
    expect(history.map((row) => row.event_id).sort()).toEqual(expected.historyIds); // lost = 0, duplicated = 0
    expect(records.map((row) => row.event_id).sort()).toEqual(expected.recordIds);

    // The final twin state of every partition equals the uninterrupted fold's.
    const client = new pg.Client({ connectionString: pipeline.twin.url });
    await client.connect();
    try {
      for (let partition = 0; partition < pipeline.partitions; partition++) {
        const checkpoint = await client.query<{ snapshot_offset: string; snapshot_state: unknown }>(
          'SELECT snapshot_offset, snapshot_state FROM processor_checkpoints WHERE topic = $1 AND partition = $2',
          [pipeline.topics.readings, partition],
        );
        const row = checkpoint.rows[0];
        expect(row).toBeDefined();
        const machines = await loadSnapshotMachines(
          client as unknown as pg.PoolClient,
          pipeline.topics.readings,
          partition,
          BigInt(row!.snapshot_offset),
        );
        const restored = serializePartitionState(restorePartition(row!.snapshot_state, machines));
        expect(restored).toEqual(expected.states.get(partition));
      }
    } finally {
      await client.end();
    }
  });
});
