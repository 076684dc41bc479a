// ML model governance as a user runs it, against a test topic and scratch databases, with `twin` processes:
// `twin train`'s activation gate (a model whose held-out accuracy is below the minimum is stored INACTIVE and
// never used), `--force`, and `twin models rollback`, which a running `twin processor` picks up without a
// restart (anomaly_records.algorithm_used names the version that judged).
import { runTwin } from '../../test/support/cli.js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SensorReading } from '../../processors/readings/reading.js';
import { encodeReading } from '../../schemas/sensor-reading-codec.js';
import { createIsolatedPipeline, type IsolatedPipeline } from '../../test/support/pipeline.js';
import { listModels, loadActiveModelRows } from '../db/repositories/ml-models.js';
import { createFleet, generateReadings } from '../simulator/index.js';
import { parseRollbackOptions } from './models.js';

const MINUTE = 60_000;

describe('ML model governance', () => {
  let pipeline: IsolatedPipeline;
  let pool: pg.Pool;
  beforeAll(async () => {
    pipeline = await createIsolatedPipeline(1);
    pool = new pg.Pool({ connectionString: pipeline.analytics.url, max: 2 });
  });
  afterAll(async () => {
    await pool.end();
    await pipeline.dispose();
  });

  it('given options, when parsed, then --type is required', () => {
    expect(parseRollbackOptions({ type: ' pump ' })).toBe('pump');
    expect(() => parseRollbackOptions({})).toThrow('--type');
    expect(() => parseRollbackOptions({ type: 'x'.repeat(51) })).toThrow('--type');
  });

  it('given a model below the gate, when trained, then it is stored INACTIVE and unused; --force activates one; rollback restores the previous one, and a running processor switches to it without a restart', async () => {
    // 34 minutes of four healthy pumps; one runs 10 °C hot in minutes 26–30, another in minutes 31–34.
    const start = Date.now() - 36 * MINUTE;
    const fleet = createFleet({
      machines: 4,
      seed: 7,
      startTime: start,
      machineTypes: ['pump'],
      faultFraction: 0,
    });
    const all = generateReadings(fleet, { until: start + 34 * MINUTE });
    const ids = [...new Set(all.map((r) => r.machineId))].sort();
    const hot = (machineId: string, from: number, to: number) => (r: SensorReading) =>
      r.machineId === machineId && r.timestamp >= start + from * MINUTE && r.timestamp < start + to * MINUTE
        ? { ...r, temperature: r.temperature + 10 }
        : r;
    const readings = all.map(hot(ids[0]!, 26, 30)).map(hot(ids[1]!, 31, 34));
    const produce = (list: SensorReading[]) =>
      pipeline.produce(list.map((r) => ({ key: r.machineId, value: encodeReading(r, 'avro') })));
    await produce(readings.filter((r) => r.timestamp < start + 30 * MINUTE));
    const range = (from: number, to: number) => [
      '--machine-type',
      'pump',
      '--from',
      new Date(start + from * MINUTE).toISOString(),
      '--to',
      new Date(start + to * MINUTE).toISOString(),
    ];
    const statuses = async () =>
      (await listModels(pool, 'pump')).map((m) => [m.modelVersion, m.status]).reverse();

    // Minutes 0–20, healthy throughout: v1 passes the default gate (ML_MIN_ACCURACY 0.85).
    const first = await runTwin(['train', ...range(0, 20)], pipeline.env);
    expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 0, stderr: '' });
    expect(first.stdout).toMatch(/pump: v1 ACTIVE, held-out accuracy [\d.]+ % ≥ 85\.00 %/);

    // Minutes 10–30: the held-out part (26–30) holds a hot pump, a quarter of the readings: below the gate.
    const gated = await runTwin(['train', ...range(10, 30)], pipeline.env);
    expect(gated.stderr).toBe('');
    expect(gated.code).toBe(1); // no model went live
    expect(gated.stdout).toMatch(
      /pump: v2 INACTIVE, not used: held-out accuracy [\d.]+ % is below the minimum 85\.00 % \(--force activates anyway\)/,
    );
    expect(await statuses()).toEqual([
      ['v1', 'ACTIVE'],
      ['v2', 'INACTIVE'],
    ]);
    expect((await loadActiveModelRows(pool)).map((r) => r.modelVersion)).toEqual(['v1']);
    const v2 = await pool.query<{ accuracy_score: string; activated: boolean; passed: boolean }>(
      `SELECT accuracy_score, activated_at IS NOT NULL AS activated,
              (training_data_info->'gate'->>'passed')::boolean AS passed
         FROM ml_models WHERE model_version = 'v2'`,
    );
    expect(v2.rows[0]).toMatchObject({ activated: false, passed: false });
    expect(Number(v2.rows[0]!.accuracy_score)).toBeLessThan(0.85);

    // The same range with --force: v3 goes live anyway, v1 is ARCHIVED.
    const forced = await runTwin(['train', ...range(10, 30), '--force'], pipeline.env);
    expect({ code: forced.code, stderr: forced.stderr }).toEqual({ code: 0, stderr: '' });
    expect(forced.stdout).toMatch(
      /pump: v3 ACTIVE \(v1 now ARCHIVED\), forced: held-out accuracy [\d.]+ % is below the minimum 85\.00 %/,
    );
    expect(await statuses()).toEqual([
      ['v1', 'ARCHIVED'],
      ['v2', 'INACTIVE'],
      ['v3', 'ACTIVE'],
    ]);

    // A processor judges the history with v3: the first hot pump.
    const processor = await pipeline.startProcessor({ CONFIG_REFRESH_MS: '500' });
    await processor.ready();
    await pipeline.waitUntilCaughtUp(60_000);
    const versions = async (machineId: string) =>
      new Set(
        (
          await pipeline.query<{ algorithm_used: string }>(
            'analytics',
            `SELECT algorithm_used FROM anomaly_records
              WHERE machine_id = $1 AND anomaly_type = 'ML_MULTIVARIATE'`,
            [machineId],
          )
        ).map((row) => row.algorithm_used),
      );
    expect(await versions(ids[0]!)).toEqual(new Set(['robust-z-ewma@v3']));

    // Roll back: v1 is live again, v3 ARCHIVED; the gated v2 is skipped.
    const rolled = await runTwin(['models', 'rollback', '--type', 'pump'], pipeline.env);
    expect({ code: rolled.code, stderr: rolled.stderr }).toEqual({ code: 0, stderr: '' });
    expect(rolled.stdout).toContain('pump: v1 ACTIVE again, v3 now ARCHIVED');
    expect(await statuses()).toEqual([
      ['v1', 'ACTIVE'],
      ['v2', 'INACTIVE'],
      ['v3', 'ARCHIVED'],
    ]);

    // Two refreshes later, the second hot pump is judged by v1, by the same process.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await produce(readings.filter((r) => r.timestamp >= start + 30 * MINUTE));
    await pipeline.waitUntilCaughtUp(60_000);
    expect(await versions(ids[1]!)).toEqual(new Set(['robust-z-ewma@v1']));
    expect(processor.exitCode).toBeNull();
    processor.kill('SIGTERM');

    // Nothing earlier than v1: a second rollback says so on one line and exits 1.
    const again = await runTwin(['models', 'rollback', '--type', 'pump'], pipeline.env);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(
      'twin models: no earlier model of pump to go back to (v1 is the first that went live)\n',
    );
  }, 180_000);
});
