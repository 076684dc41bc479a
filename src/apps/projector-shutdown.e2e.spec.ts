// A graceful stop of the projector under load: SIGTERM while twin events and readings are still arriving must
// go unready first, let the in-flight batches commit, and exit 0 within SHUTDOWN_TIMEOUT_MS; a successor then
// finishes both topics, and the read models equal what an uninterrupted run (`--rebuild` from the log) gives.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeReading } from '../../schemas/sensor-reading-codec.js';
import { createFleet, generateReadings } from '../simulator/index.js';
import { stopWithSigterm } from '../../test/support/graceful-stop.js';
import { createIsolatedPipeline, type IsolatedPipeline } from '../../test/support/pipeline.js';
import { readModels as readModelsOf } from '../../test/support/read-models.js';

const READINGS = 40_000;
const MACHINES = 60;
const SHUTDOWN_TIMEOUT_MS = 10_000;

describe('twin projector stopped by SIGTERM under load', () => {
  let pipeline: IsolatedPipeline;
  let analytics: pg.Pool;
  beforeAll(async () => {
    pipeline = await createIsolatedPipeline(3);
    analytics = new pg.Pool({ connectionString: pipeline.analytics.url, max: 2 });
  });
  afterAll(async () => {
    await analytics.end();
    await pipeline.dispose();
  });

  const readModels = () => readModelsOf(analytics);
  const projectedOffsets = async () =>
    Number(
      (await analytics.query<{ n: string | null }>('SELECT sum(next_offset) AS n FROM projector_checkpoints'))
        .rows[0]?.n ?? 0,
    );

  it('given events still arriving, when SIGTERM lands mid-load, then it goes unready, exits 0 within the deadline, and a successor ends with the rows of an uninterrupted run', async () => {
    const fleet = createFleet({
      machines: MACHINES,
      seed: 23,
      startTime: Date.UTC(2026, 0, 19, 6, 0, 0),
      faultFraction: 0.5,
      faultPeriodMs: (READINGS / MACHINES) * 1_000,
    });
    const messages = generateReadings(fleet, { count: READINGS }).map((reading, index) => ({
      key: reading.machineId,
      value: encodeReading(reading, index % 2 === 0 ? 'json' : 'avro'),
    }));
    // The processor keeps turning a steady stream of readings into twin events while the projector works.
    const processor = await pipeline.startProcessor();
    await processor.ready();
    const producing = (async () => {
      for (let start = 0; start < messages.length; start += 4_000) {
        await pipeline.produce(messages.slice(start, start + 4_000));
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    const env = { PROJECTOR_BATCH_SIZE: '300', SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS) };
    const first = await pipeline.startProjector(env);
    await first.ready();
    while ((await projectedOffsets()) < 5_000) await new Promise((resolve) => setTimeout(resolve, 50));

    const { code, stopMs, unreadyBeforeExit } = await stopWithSigterm(first);
    const atStop = await projectedOffsets();
    console.info(`projector SIGTERM at ${atStop} projected offsets; exited ${code} after ${stopMs} ms`);
    expect(unreadyBeforeExit).toBe(true);
    expect(code).toBe(0); // service.ts exits 1 past SHUTDOWN_TIMEOUT_MS

    await producing;
    await pipeline.waitUntilCaughtUp(180_000);
    processor.kill('SIGTERM');
    expect(await new Promise((resolve) => processor.once('exit', resolve))).toBe(0);
    expect(atStop).toBeLessThan(2 * READINGS); // the successor had work left (events + readings)

    const second = await pipeline.startProjector(env);
    await second.ready();
    await pipeline.waitUntilProjected(180_000);
    second.kill('SIGTERM');
    expect(await new Promise((resolve) => second.once('exit', resolve))).toBe(0);
    const interrupted = await readModels();
    expect(interrupted.alerts.length).toBeGreaterThan(5);
    // Every reading is in exactly one window: none lost, none counted twice.
    expect(interrupted.windows.reduce((sum, row) => sum + Number(row.readings), 0)).toBe(READINGS);
    expect(interrupted.twins.length).toBe(MACHINES);

    const rebuild = await pipeline.startProjector(env, ['--rebuild']);
    await rebuild.ready();
    await pipeline.waitUntilProjected(180_000);
    rebuild.kill('SIGTERM');
    expect(await new Promise((resolve) => rebuild.once('exit', resolve))).toBe(0);
    const uninterrupted = await readModels();
    expect(interrupted.alerts).toEqual(uninterrupted.alerts);
    expect(interrupted.windows).toEqual(uninterrupted.windows);
    expect(interrupted.metrics).toEqual(uninterrupted.metrics);
    expect(interrupted.twins).toEqual(uninterrupted.twins);
  });
});
