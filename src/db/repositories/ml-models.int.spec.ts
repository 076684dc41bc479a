// ml_models against a real, migrated analytics database: versions per type, the activation gate's INACTIVE
// inserts, superseded models ARCHIVED, and rollback (to the newest earlier model that went live and was not
// itself rolled back).
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, type ScratchDatabase } from '../../../test/support/postgres.js';
import { migrateDatabases } from '../migrate.js';
import {
  insertModel,
  listModels,
  loadActiveModelRows,
  rollbackModel,
  type NewModelRow,
} from './ml-models.js';

let twin: ScratchDatabase;
let analytics: ScratchDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  twin = await createScratchDatabase('mlm_twin_it');
  analytics = await createScratchDatabase('mlm_analytics_it');
  await migrateDatabases({ twinUrl: twin.url, analyticsUrl: analytics.url });
  pool = new pg.Pool({ connectionString: analytics.url, max: 2 });
});

afterAll(async () => {
  await pool?.end();
  await Promise.allSettled([twin?.drop(), analytics?.drop()]);
});

const T = Date.UTC(2026, 5, 1);
let n = 0;
const row = (machineType: string, trainedAt: number): NewModelRow => ({
  modelId: `m-${++n}`,
  machineType,
  modelName: `test ${machineType}`,
  modelData: Buffer.from('{}'),
  trainingDataInfo: { n },
  accuracyScore: 0.98765,
  trainedAt,
});
const statuses = async (type: string) =>
  (await listModels(pool, type)).map((model) => [model.modelVersion, model.status]);

describe('ml_models', () => {
  it('given an ACTIVE v1, when v2 is inserted active, then v1 is ARCHIVED; an INACTIVE v3 leaves v2 live and never went live', async () => {
    expect(await insertModel(pool, row('lathe', T), true)).toEqual({
      modelVersion: 'v1',
      status: 'ACTIVE',
      replaced: null,
    });
    expect(await insertModel(pool, row('lathe', T + 1000), true)).toEqual({
      modelVersion: 'v2',
      status: 'ACTIVE',
      replaced: 'v1',
    });
    expect(await insertModel(pool, row('lathe', T + 2000), false)).toEqual({
      modelVersion: 'v3',
      status: 'INACTIVE',
      replaced: null,
    });
    expect(await statuses('lathe')).toEqual([
      ['v3', 'INACTIVE'],
      ['v2', 'ACTIVE'],
      ['v1', 'ARCHIVED'],
    ]);
    const v3 = (await listModels(pool, 'lathe'))[0]!;
    expect(v3.activatedAt).toBeNull();
    const accuracy = await pool.query<{ accuracy_score: string }>(
      `SELECT accuracy_score FROM ml_models WHERE model_id = 'm-1'`,
    );
    expect(accuracy.rows[0]!.accuracy_score).toBe('0.9877');
    expect((await loadActiveModelRows(pool)).map((r) => [r.machineType, r.modelVersion])).toEqual([
      ['lathe', 'v2'],
    ]);
  });

  it('given v1..v3 live in turn, when rolled back, then v2 is ACTIVE again (activated now) and v3 ARCHIVED; again: v1; then nothing earlier', async () => {
    for (let i = 0; i < 3; i++) await insertModel(pool, row('press', T + i * 1000), true);
    expect(await rollbackModel(pool, 'press', T + 10_000)).toEqual({
      ok: true,
      restored: 'v2',
      archived: 'v3',
    });
    expect(await statuses('press')).toEqual([
      ['v3', 'ARCHIVED'],
      ['v2', 'ACTIVE'],
      ['v1', 'ARCHIVED'],
    ]);
    expect((await listModels(pool, 'press')).find((m) => m.modelVersion === 'v2')!.activatedAt).toBe(
      T + 10_000,
    );
    expect(await rollbackModel(pool, 'press', T + 11_000)).toEqual({
      ok: true,
      restored: 'v1',
      archived: 'v2',
    });
    const none = await rollbackModel(pool, 'press', T + 12_000);
    expect(none).toMatchObject({ ok: false });
    expect(!none.ok && none.reason).toContain('no earlier model of press');
    expect((await statuses('press'))[2]).toEqual(['v1', 'ACTIVE']);
  });

  it('given a rolled-back v2 and a newer v3 trained after it, when rolled back, then it returns to v1 (the model live before), skipping the rolled-back and the never-activated ones', async () => {
    await insertModel(pool, row('mill', T), true); // v1
    await insertModel(pool, row('mill', T + 1000), true); // v2
    await rollbackModel(pool, 'mill', T + 2000); // v1 live, v2 rolled back
    await insertModel(pool, row('mill', T + 3000), false); // v3: below the gate
    await insertModel(pool, row('mill', T + 4000), true); // v4
    expect(await rollbackModel(pool, 'mill', T + 5000)).toEqual({ ok: true, restored: 'v1', archived: 'v4' });
    expect(await statuses('mill')).toEqual([
      ['v4', 'ARCHIVED'],
      ['v3', 'INACTIVE'],
      ['v2', 'ARCHIVED'],
      ['v1', 'ACTIVE'],
    ]);
  });

  it('given no ACTIVE model of a type, when rolled back, then it says so and changes nothing', async () => {
    await insertModel(pool, row('robot', T), false);
    expect(await rollbackModel(pool, 'robot', T)).toEqual({
      ok: false,
      reason: 'no ACTIVE model of robot to roll back',
    });
    expect(await statuses('robot')).toEqual([['v1', 'INACTIVE']]);
  });
});
