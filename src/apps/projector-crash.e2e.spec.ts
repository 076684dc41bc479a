// The projector under kill -9, and its rebuild: alerts, windows and metrics projected by a projector killed
// at random moments (while operators act on alerts) must equal what `twin projector --rebuild` recomputes
// from the event log, and the windows must hold exactly the readings a pure aggregation of the log gives.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeReading } from '../../schemas/sensor-reading-codec.js';
import { createFleet, generateReadings } from '../simulator/index.js';
import { createIsolatedPipeline, type IsolatedPipeline } from '../../test/support/pipeline.js';
import { readModels as readModelsOf } from '../../test/support/read-models.js';
import { takeAlertAction } from '../alerts/alert-actions.js';

const READINGS = 60_000;
const MACHINES = 60;

describe('twin projector under kill -9, and --rebuild', () => {
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

  it('given three SIGKILLs and operator actions, ends with the rows a rebuild from the log gives', async () => {
    const fleet = createFleet({
      machines: MACHINES,
      seed: 11,
      startTime: Date.UTC(2026, 0, 5, 6, 0, 0),
      faultFraction: 0.5,
      faultPeriodMs: (READINGS / MACHINES) * 1_000,
    });
    const readings = generateReadings(fleet, { count: READINGS });
    await pipeline.produce(
      readings.map((reading, index) => ({
        key: reading.machineId,
        value: encodeReading(reading, index % 2 === 0 ? 'json' : 'avro'),
      })),
    );
    const processor = await pipeline.startProcessor();
    await processor.ready();
    await pipeline.waitUntilCaughtUp(120_000);
    processor.kill('SIGTERM');
    await new Promise((resolve) => processor.once('exit', resolve));

    // Small batches so each kill lands between many commits; operators act between kills.
    const env = { PROJECTOR_BATCH_SIZE: '300' };
    const acted: string[] = [];
    for (let kill = 0; kill < 3; kill++) {
      const projector = await pipeline.startProjector(env);
      await projector.ready();
      await new Promise((resolve) => setTimeout(resolve, 700 + Math.random() * 1_500));
      const open = await analytics.query<{ alert_id: string; status: string }>(
        `SELECT alert_id, status FROM alerts WHERE status = 'NEW' ORDER BY alert_id LIMIT 2`,
      );
      for (const [index, row] of open.rows.entries()) {
        const at = Date.UTC(2026, 0, 6) + kill * 1_000 + index;
        const outcome =
          index === 0
            ? await takeAlertAction(analytics, row.alert_id, {
                action: 'acknowledge',
                actor: 'ana',
                at,
                note: 'on it',
              })
            : await takeAlertAction(analytics, row.alert_id, {
                action: 'assign',
                actor: 'ana',
                at,
                note: null,
                assignee: 'ben',
              });
        if (outcome.ok) acted.push(row.alert_id);
      }
      projector.kill('SIGKILL');
      await new Promise((resolve) => projector.once('exit', resolve));
    }
    const last = await pipeline.startProjector(env);
    await last.ready();
    await pipeline.waitUntilProjected(120_000);
    last.kill('SIGTERM');
    expect(await new Promise((resolve) => last.once('exit', resolve))).toBe(0);

    const incremental = await readModels();
    expect(incremental.alerts.length).toBeGreaterThan(5);
    expect(acted.length).toBeGreaterThan(0);
    // Every accepted reading is in exactly one window: none lost, none counted twice.
    const counted = incremental.windows.reduce((sum, row) => sum + Number(row.readings), 0);
    expect(counted).toBe(READINGS);
    expect(incremental.twins.length).toBe(MACHINES);

    const rebuild = await pipeline.startProjector(env, ['--rebuild']);
    await rebuild.ready();
    await pipeline.waitUntilProjected(120_000);
    rebuild.kill('SIGTERM');
    expect(await new Promise((resolve) => rebuild.once('exit', resolve))).toBe(0);

    const rebuilt = await readModels();
    expect(rebuilt.alerts).toEqual(incremental.alerts);
    expect(rebuilt.windows).toEqual(incremental.windows);
    expect(rebuilt.metrics).toEqual(incremental.metrics);
    expect(rebuilt.twins).toEqual(incremental.twins);
  });
});
