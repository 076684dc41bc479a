// Alert numbering across retention, against a real, migrated analytics database of its own: archiving a
// pair's old alerts must not make a new alert reuse an archived alert's id.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyAnomalyEvent, type AlertPolicy } from '../../../processors/alerts/index.js';
import { anomalies, foldAll } from '../../../processors/testing/anomaly-fixtures.js';
import { RETENTION_TABLES, type RetentionPolicies } from '../../../processors/retention/index.js';
import { minutes, T0 } from '../../../processors/testing/index.js';
import { createScratchDatabase, type ScratchDatabase } from '../../../test/support/postgres.js';
import { createLogger } from '../../logger.js';
import { createMetricsRegistry } from '../../metrics.js';
import { createRetentionMetrics, runRetentionJob } from '../../retention/index.js';
import { migrateDatabases } from '../migrate.js';
import { inTransaction } from '../transaction.js';
import { loadAlertBook, saveAlerts } from './alerts.js';

const AUTO: AlertPolicy = { autoResolve: true, flapThreshold: 3, flapWindowMs: minutes(10) };
const HOT = 'TEMPERATURE_HIGH';
const DAY = 86_400_000;

let twin: ScratchDatabase;
let analytics: ScratchDatabase;
let twinPool: pg.Pool;
let pool: pg.Pool;

beforeAll(async () => {
  twin = await createScratchDatabase('alerts_twin_it');
  analytics = await createScratchDatabase('alerts_analytics_it');
  await migrateDatabases({ twinUrl: twin.url, analyticsUrl: analytics.url });
  twinPool = new pg.Pool({ connectionString: twin.url, max: 2 });
  pool = new pg.Pool({ connectionString: analytics.url, max: 2 });
});

afterAll(async () => {
  await Promise.allSettled([twinPool?.end(), pool?.end()]);
  await Promise.allSettled([twin?.drop(), analytics?.drop()]);
});

const policies = Object.fromEntries(
  RETENTION_TABLES.map((t) => [t.table, { period: { text: 'P90D', ms: 90 * DAY }, mode: t.defaultMode }]),
) as RetentionPolicies;

async function archiveAlerts(now: number) {
  return runRetentionJob({
    twin: twinPool,
    analytics: pool,
    processorGroup: 'twin-processor',
    projectorGroup: 'twin-projector',
    readingsTopic: 'sensor.readings',
    windowGraceMs: 30_000,
    policies,
    batchSize: 10,
    now,
    dryRun: false,
    only: 'alerts',
    metrics: createRetentionMetrics(createMetricsRegistry('test')),
    logger: createLogger({ name: 'test', level: 'silent' }),
  });
}

const alertIds = async (table: 'alerts' | 'alerts_archive') =>
  (await pool.query<{ alert_id: string }>(`SELECT alert_id FROM ${table} ORDER BY alert_id`)).rows.map(
    (row) => row.alert_id,
  );

describe('alert numbering with archived alerts', () => {
  it('given pump-7 had three resolved overheating alerts and the two oldest were archived, when it overheats again, then the new alert is number 4, not a reused id', async () => {
    // given: three episodes, far enough apart not to flap, all resolved; and an open alert of another type
    const pump = anomalies('pump-7');
    const { book } = foldAll(AUTO, [
      pump.opened(HOT, 'HIGH', T0),
      pump.cleared(HOT, 'HIGH', T0 + minutes(1)),
      pump.opened(HOT, 'HIGH', T0 + minutes(30)),
      pump.cleared(HOT, 'HIGH', T0 + minutes(31)),
      pump.opened(HOT, 'HIGH', T0 + minutes(60)),
      pump.cleared(HOT, 'HIGH', T0 + minutes(61)),
      pump.opened('VIBRATION_HIGH', 'MEDIUM', T0 + minutes(62)),
    ]);
    await inTransaction(pool, (client) => saveAlerts(client, Object.values(book.alerts)));

    // when: retention runs long after; then the latest alert of the pair and the open alert stay live
    const [summary] = await archiveAlerts(T0 + 200 * DAY);
    expect(summary).toMatchObject({ table: 'alerts', action: 'archived', rows: 2 });
    expect(await alertIds('alerts_archive')).toEqual([
      'pump-7:TEMPERATURE_HIGH:1',
      'pump-7:TEMPERATURE_HIGH:2',
    ]);
    expect(await alertIds('alerts')).toEqual(['pump-7:TEMPERATURE_HIGH:3', 'pump-7:VIBRATION_HIGH:1']);

    // when: the pump overheats again, folded from what the projector loads
    const next = await inTransaction(pool, async (client) => {
      const { book: loaded } = await loadAlertBook(client, ['pump-7']);
      const outcome = applyAnomalyEvent(loaded, pump.opened(HOT, 'CRITICAL', T0 + 201 * DAY), AUTO);
      await saveAlerts(
        client,
        outcome.changes.map((change) => change.alert),
      );
      return { loaded, outcome };
    });

    // then: the pair counts its archived alerts, and the new alert is a fresh row
    expect(Object.values(next.loaded.counts).sort()).toEqual([1, 3]);
    expect(next.outcome.changes.map((c) => [c.kind, c.alert.alertId])).toEqual([
      ['created', 'pump-7:TEMPERATURE_HIGH:4'],
    ]);
    expect(await alertIds('alerts')).toEqual([
      'pump-7:TEMPERATURE_HIGH:3',
      'pump-7:TEMPERATURE_HIGH:4',
      'pump-7:VIBRATION_HIGH:1',
    ]);
    // and no alert is both live and archived
    const both = await pool.query('SELECT alert_id FROM alerts JOIN alerts_archive USING (alert_id)');
    expect(both.rows).toEqual([]);
  });
});
