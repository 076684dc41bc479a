// A configuration changed through the API reaches a running processor within seconds, without a restart:
// readings that were normal under the old version raise an anomaly stamped with the new version.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeReading } from '../../schemas/sensor-reading-codec.js';
import type { SensorReading } from '../../processors/readings/reading.js';
import { buildApiServer } from '../api/server.js';
import { createLogger } from '../logger.js';
import { createMetricsRegistry } from '../metrics.js';
import { createIsolatedPipeline, type IsolatedPipeline } from '../../test/support/pipeline.js';

const T0 = Date.UTC(2026, 3, 1, 12, 0, 0);

function kiln(fromS: number, toS: number, temperature: number): SensorReading[] {
  const readings: SensorReading[] = [];
  for (let s = fromS; s < toS; s++) {
    readings.push({
      machineId: 'kiln-1',
      machineType: 'test_kiln',
      timestamp: T0 + s * 1_000,
      temperature,
      vibration: 1,
      load: 50,
      status: 'RUNNING',
      seq: s,
    });
  }
  return readings;
}

describe('a machine-type configuration changed through the API', () => {
  let pipeline: IsolatedPipeline;
  let twinPool: pg.Pool;
  let analyticsPool: pg.Pool;
  beforeAll(async () => {
    pipeline = await createIsolatedPipeline(1);
    twinPool = new pg.Pool({ connectionString: pipeline.twin.url, max: 2 });
    analyticsPool = new pg.Pool({ connectionString: pipeline.analytics.url, max: 2 });
  });
  afterAll(async () => {
    await Promise.all([twinPool.end(), analyticsPool.end()]);
    await pipeline.dispose();
  });

  it('reaches the running processor without a restart, versioned', async () => {
    const produce = (readings: SensorReading[]) =>
      pipeline.produce(readings.map((r) => ({ key: r.machineId, value: encodeReading(r, 'json') })));
    const openedTemperature = () =>
      pipeline.query<{ version: string | null }>(
        'twin',
        `SELECT details->>'configVersion' AS version FROM anomaly_history
          WHERE machine_id = 'kiln-1' AND anomaly_type = 'TEMPERATURE_HIGH'`,
      );
    const processor = await pipeline.startProcessor({ CONFIG_REFRESH_MS: '500' });
    await processor.ready();

    // 70 °C is normal under the default configuration (MEDIUM from 80 °C).
    await produce(kiln(0, 60, 70));
    await pipeline.waitUntilCaughtUp(30_000);
    expect(await openedTemperature()).toEqual([]);

    const api = await buildApiServer({
      twinPool,
      analyticsPool,
      logger: createLogger({ name: 'test', level: 'silent' }),
      registry: createMetricsRegistry('api-test'),
    });
    const response = await api.inject({
      method: 'PUT',
      url: '/machine-types/test_kiln/config',
      payload: {
        baseline_temp: null,
        temp_variation: null,
        baseline_vibration: null,
        vibration_variation: null,
        operational_pattern: 'CONTINUOUS',
        thresholds: {
          raiseAfterMs: 5_000,
          clearAfterMs: 10_000,
          sensors: { temperature: { high: { MEDIUM: 65, HIGH: 90 }, hysteresis: 2 } },
        },
      },
    });
    await api.close();
    expect(response.statusCode).toBe(200);
    const version = String(response.json<{ version: number }>().version);

    // Give the processor two refreshes, then more of the same readings.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await produce(kiln(60, 90, 70));
    await pipeline.waitUntilCaughtUp(30_000);
    expect(await openedTemperature()).toEqual([{ version }]);
    expect(processor.exitCode).toBeNull(); // the same process, never restarted
    processor.kill('SIGTERM');
  });
});
