// `twin train` as a user runs it, against a test topic holding simulated history and a scratch analytics
// database: it replays the range from Kafka, fits on the first 80 % and evaluates on the held-out rest, stores a
// model the processor can parse, and a second run activates the next version and archives the first in the
// same transaction. The activation gate, --force and rollback: models.e2e.spec.ts.
import { runTwin } from '../../test/support/cli.js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseModel } from '../../processors/ml-detection/index.js';
import { encodeReading } from '../../schemas/sensor-reading-codec.js';
import { createFleet, generateReadings } from '../simulator/index.js';
import { createIsolatedPipeline, type IsolatedPipeline } from '../../test/support/pipeline.js';
import { parseTrainOptions } from './train.js';

const MINUTE = 60_000;

const trainWith = (env: Record<string, string>, args: string[]) => runTwin(['train', ...args], env);

describe('twin train', () => {
  let pipeline: IsolatedPipeline;
  let pool: pg.Pool;
  beforeAll(async () => {
    pipeline = await createIsolatedPipeline(2);
    pool = new pg.Pool({ connectionString: pipeline.analytics.url, max: 2 });
  });
  afterAll(async () => {
    await pool.end();
    await pipeline.dispose();
  });

  it('given options, when parsed, then exactly one of --machine-type and --all is required and the range defaults to the last day', () => {
    const now = Date.UTC(2026, 0, 2);
    expect(parseTrainOptions({ machineType: 'pump' }, now)).toEqual({
      machineType: 'pump',
      from: now - 86_400_000,
      to: now,
      minAccuracy: undefined,
      force: false,
    });
    expect(parseTrainOptions({ all: true, minAccuracy: '0.95', force: true }, now)).toMatchObject({
      minAccuracy: 0.95,
      force: true,
    });
    expect(() => parseTrainOptions({ all: true, minAccuracy: '95' }, now)).toThrow('--min-accuracy');
    expect(() => parseTrainOptions({ all: true, minAccuracy: 'high' }, now)).toThrow('--min-accuracy');
    expect(() => parseTrainOptions({}, now)).toThrow('--machine-type');
    expect(() => parseTrainOptions({ machineType: 'pump', all: true }, now)).toThrow('--machine-type');
    expect(() => parseTrainOptions({ all: true, from: 'yesterday' }, now)).toThrow('--from');
    expect(() =>
      parseTrainOptions({ all: true, from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' }, now),
    ).toThrow('before');
  });

  it('given 20 minutes of pump history on the readings topic, when trained twice, then v2 is ACTIVE, v1 ARCHIVED, the accuracy is measured on the held-out part, and the stored model parses', async () => {
    const start = Date.now() - 25 * MINUTE;
    const end = start + 20 * MINUTE;
    const fleet = createFleet({
      machines: 4,
      seed: 5,
      startTime: start,
      machineTypes: ['pump'],
      faultFraction: 0,
    });
    const readings = generateReadings(fleet, { until: end });
    await pipeline.produce(readings.map((r) => ({ key: r.machineId, value: encodeReading(r, 'avro') })));
    const range = ['--from', new Date(start).toISOString(), '--to', new Date(end).toISOString()];

    const first = await trainWith(pipeline.env, ['--machine-type', 'pump', ...range]);
    expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 0, stderr: '' });
    expect(first.stdout).toContain(`history: ${readings.length} readings of pump`);
    const cut = new Date(start + 16 * MINUTE).toISOString();
    expect(first.stdout).toContain(`split: fitting on `);
    expect(first.stdout).toContain(`readings before ${cut}`);
    expect(first.stdout).toMatch(/pump: v1 ACTIVE, held-out accuracy [\d.]+ % ≥ 85\.00 %/);
    const second = await trainWith(pipeline.env, ['--all', ...range]);
    expect({ code: second.code, stderr: second.stderr }).toEqual({ code: 0, stderr: '' });
    expect(second.stdout).toContain('pump: v2 ACTIVE (v1 now ARCHIVED)');

    const rows = await pool.query<{
      model_version: string;
      status: string;
      model_data: Buffer;
      accuracy_score: string;
      training_data_info: {
        readings: number;
        machines: number;
        split: { cut: string };
        heldOut: { readings: number; quietShare: number };
        gate: { minAccuracy: number; passed: boolean };
      };
      activated: boolean;
    }>(
      `SELECT model_version, status, model_data, accuracy_score, training_data_info,
              activated_at IS NOT NULL AS activated
         FROM ml_models WHERE machine_type = 'pump' ORDER BY id`,
    );
    expect(rows.rows.map((row) => [row.model_version, row.status, row.activated])).toEqual([
      ['v1', 'ARCHIVED', true],
      ['v2', 'ACTIVE', true],
    ]);
    const active = rows.rows[1]!;
    const info = active.training_data_info;
    expect(info).toMatchObject({ machines: 4, split: { cut }, gate: { minAccuracy: 0.85, passed: true } });
    // Fitted on the readings before the cut, evaluated on the others.
    expect(info.readings + info.heldOut.readings).toBe(readings.length);
    expect(info.heldOut.readings / readings.length).toBeCloseTo(0.2, 1);
    expect(Number(active.accuracy_score)).toBeCloseTo(info.heldOut.quietShare, 4);
    expect(Number(active.accuracy_score)).toBeGreaterThan(0.9);
    expect(Number(active.accuracy_score)).toBeLessThanOrEqual(1);
    const model = parseModel(active.model_data, active.model_version);
    expect(model).toMatchObject({ machineType: 'pump', version: 'v2', algorithm: 'robust-z-ewma' });
    expect(model.levels.temperature.mean).toBeGreaterThan(40);
    expect(model.levels.temperature.mean).toBeLessThan(70);
  }, 120_000);
});
