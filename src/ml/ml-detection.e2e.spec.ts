// The ML detector in the real processor, on a test topic and scratch databases: an ACTIVE model scores the
// readings of its type and its anomalies land in anomaly_records (algorithm_used, ml_confidence, ml_features)
// and anomaly_history; a newer model activated in ml_models reaches the running processor without a restart.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_DYNAMICS,
  ML_ALGORITHM,
  type MlModelParameters,
} from '../../processors/ml-detection/index.js';
import type { SensorReading } from '../../processors/readings/reading.js';
import { prng } from '../../processors/testing/index.js';
import { encodeReading } from '../../schemas/sensor-reading-codec.js';
import { createIsolatedPipeline, type IsolatedPipeline } from '../../test/support/pipeline.js';
import { listModels } from '../db/repositories/ml-models.js';
import { activateNewModel } from './model-store.js';

const T0 = Date.UTC(2026, 3, 2, 8, 0, 0);
const SECOND = 1_000;

// A press: 60 ± 1 °C, 2 ± 0.3 mm/s, 50 ± 2 %; short warm-ups and timers so the test stays short.
const PRESS_MODEL: MlModelParameters = {
  algorithm: ML_ALGORITHM,
  machineType: 'test_press',
  ...DEFAULT_DYNAMICS,
  baselineWarmupMs: 30 * SECOND,
  warmupMs: 10 * SECOND,
  raiseAfterMs: 5 * SECOND,
  clearAfterMs: 10 * SECOND,
  cutoff: 4,
  levels: { temperature: { mean: 60, scale: 0.3 }, vibration: { mean: 2, scale: 0.1 } },
  flatness: {
    temperature: { typicalStep: 1.13, scale: 0.14 },
    vibration: { typicalStep: 0.34, scale: 0.14 },
    load: { typicalStep: 2.26, scale: 0.14 },
  },
};

const random = prng(99);
const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

/** Seconds [fromS, toS) of the press, `hotter` °C above its normal. */
function press(fromS: number, toS: number, hotter: number): SensorReading[] {
  const readings: SensorReading[] = [];
  for (let s = fromS; s < toS; s++) {
    readings.push({
      machineId: 'press-1',
      machineType: 'test_press',
      timestamp: T0 + s * SECOND,
      temperature: Math.round((60 + hotter + gaussian()) * 100) / 100,
      vibration: Math.round((2 + 0.3 * gaussian()) * 1000) / 1000,
      load: Math.round((50 + 2 * gaussian()) * 10) / 10,
      status: 'RUNNING',
      seq: s,
    });
  }
  return readings;
}

describe('the ML detector in the running processor', () => {
  let pipeline: IsolatedPipeline;
  let analyticsPool: pg.Pool;
  beforeAll(async () => {
    pipeline = await createIsolatedPipeline(1);
    analyticsPool = new pg.Pool({ connectionString: pipeline.analytics.url, max: 2 });
  });
  afterAll(async () => {
    await analyticsPool.end();
    await pipeline.dispose();
  });

  it('given an ACTIVE model, when a machine of its type runs hot, then an ML anomaly is recorded with the model version; and after a new model is activated, without a restart, later anomalies carry the new version', async () => {
    const produce = (readings: SensorReading[]) =>
      pipeline.produce(readings.map((r) => ({ key: r.machineId, value: encodeReading(r, 'avro') })));
    const mlRecords = () =>
      pipeline.query<{
        algorithm_used: string;
        ml_confidence: string;
        ml_features: Record<string, unknown>;
        severity: string;
      }>(
        'analytics',
        `SELECT algorithm_used, ml_confidence, ml_features, severity FROM anomaly_records
          WHERE machine_id = 'press-1' AND anomaly_type = 'ML_MULTIVARIATE' ORDER BY timestamp`,
      );
    const first = await activateNewModel(analyticsPool, {
      parameters: PRESS_MODEL,
      trainingDataInfo: { test: true },
      accuracyScore: 0.999,
      trainedAt: Date.now(),
    });
    expect(first.modelVersion).toBe('v1');

    const processor = await pipeline.startProcessor({ CONFIG_REFRESH_MS: '500' });
    await processor.ready();
    // Two normal minutes (baseline learnt), then a minute 6 °C hotter: inside the default thresholds (80 °C).
    await produce([...press(0, 120, 0), ...press(120, 180, 6)]);
    await pipeline.waitUntilCaughtUp(30_000);
    // Opened (and escalated as it got hotter): anomaly_records holds both kinds of detection.
    const before = await mlRecords();
    expect(before.length).toBeGreaterThan(0);
    expect(new Set(before.map((row) => row.algorithm_used))).toEqual(new Set(['robust-z-ewma@v1']));
    const [row] = before;
    expect(Number(row!.ml_confidence)).toBeGreaterThan(0.5);
    expect(Number(row!.ml_confidence)).toBeLessThanOrEqual(1);
    expect(row!.ml_features).toMatchObject({ modelVersion: 'v1', cutoff: 4 });
    expect(Number(row!.ml_features.zTemperature)).toBeGreaterThan(4);
    const history = await pipeline.query<{ transition: string; version: string }>(
      'twin',
      `SELECT details->>'transition' AS transition, details->'ml'->>'modelVersion' AS version
         FROM anomaly_history WHERE machine_id = 'press-1' AND anomaly_type = 'ML_MULTIVARIATE'`,
    );
    expect(history).toContainEqual({ transition: 'ANOMALY_OPENED', version: 'v1' });
    expect(new Set(history.map((entry) => entry.version))).toEqual(new Set(['v1']));

    const second = await activateNewModel(analyticsPool, {
      parameters: { ...PRESS_MODEL, cutoff: 5 },
      trainingDataInfo: { test: true },
      accuracyScore: 0.999,
      trainedAt: Date.now(),
    });
    expect(second).toMatchObject({ modelVersion: 'v2', replaced: 'v1' });
    expect((await listModels(analyticsPool, 'test_press')).map((m) => [m.modelVersion, m.status])).toEqual([
      ['v2', 'ACTIVE'],
      ['v1', 'ARCHIVED'],
    ]);

    // Give the processor two refreshes; then back to normal (the open anomaly clears) and hot again.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await produce([...press(180, 300, 0), ...press(300, 360, 8)]);
    await pipeline.waitUntilCaughtUp(30_000);
    const later = (await mlRecords()).slice(before.length);
    expect(later.length).toBeGreaterThan(0);
    expect(new Set(later.map((r) => r.algorithm_used))).toEqual(new Set(['robust-z-ewma@v2']));
    expect(later[0]!.ml_features).toMatchObject({ modelVersion: 'v2', cutoff: 5 });
    expect(processor.exitCode).toBeNull(); // the same process, never restarted
    processor.kill('SIGTERM');
  });
});
