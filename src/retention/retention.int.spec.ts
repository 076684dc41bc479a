// Retention's rules against real, migrated databases of its own: which rows go, in how many batches, and what
// always stays (the snapshots recovery reads, days the projector has not closed, rows a replay would rewrite).
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  RETENTION_TABLES,
  type RetentionMode,
  type RetentionPolicies,
  type RetentionTableName,
} from '../../processors/retention/index.js';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/postgres.js';
import { migrateDatabases } from '../db/migrate.js';
import { createLogger } from '../logger.js';
import { createMetricsRegistry } from '../metrics.js';
import { createRetentionMetrics, runRetentionJob } from './index.js';

const DAY = 86_400_000;
/** 2026-03-10T15:30:00Z */
const NOW = Date.UTC(2026, 2, 10, 15, 30);
const TOPIC = 'readings-retention-it';
const GROUPS = { processorGroup: 'processor-it', projectorGroup: 'projector-it' };
const ts = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

let twinDb: ScratchDatabase;
let analyticsDb: ScratchDatabase;
let twin: pg.Pool;
let analytics: pg.Pool;

beforeAll(async () => {
  twinDb = await createScratchDatabase('retention_twin_it');
  analyticsDb = await createScratchDatabase('retention_analytics_it');
  await migrateDatabases({ twinUrl: twinDb.url, analyticsUrl: analyticsDb.url });
  twin = new pg.Pool({ connectionString: twinDb.url, max: 3 });
  analytics = new pg.Pool({ connectionString: analyticsDb.url, max: 3 });
});

afterAll(async () => {
  await Promise.allSettled([twin?.end(), analytics?.end()]);
  await Promise.allSettled([twinDb?.drop(), analyticsDb?.drop()]);
});

beforeEach(async () => {
  await twin.query(
    'TRUNCATE anomaly_history, anomaly_history_archive, state_snapshots, processor_checkpoints RESTART IDENTITY',
  );
  await analytics.query(
    `TRUNCATE notification_logs, notification_logs_archive, performance_windows, performance_metrics,
              performance_metrics_archive, projector_checkpoints, anomaly_records, anomaly_records_archive
     RESTART IDENTITY`,
  );
});

function policies(
  overrides: Partial<Record<RetentionTableName, { days: number; mode?: RetentionMode }>> = {},
) {
  return Object.fromEntries(
    RETENTION_TABLES.map((t) => {
      const o = overrides[t.table];
      const days = o?.days ?? 30;
      return [t.table, { period: { text: `P${days}D`, ms: days * DAY }, mode: o?.mode ?? t.defaultMode }];
    }),
  ) as RetentionPolicies;
}

async function run(
  only: RetentionTableName,
  options: { batchSize?: number; dryRun?: boolean; policies?: RetentionPolicies } = {},
) {
  const registry = createMetricsRegistry('retention-test');
  const [summary] = await runRetentionJob({
    twin,
    analytics,
    ...GROUPS,
    readingsTopic: TOPIC,
    windowGraceMs: 30_000,
    policies: options.policies ?? policies(),
    batchSize: options.batchSize ?? 1000,
    now: NOW,
    dryRun: options.dryRun ?? false,
    only,
    metrics: createRetentionMetrics(registry),
    logger: createLogger({ name: 'test', level: 'silent' }),
  });
  return { summary: summary!, metrics: await registry.metrics() };
}

async function seedNotifications(ages: readonly number[]) {
  await analytics.query(
    `INSERT INTO notification_logs (alert_id, notification_type, recipient, subject, content, status, sent_time,
                                    response_details)
     SELECT 'pump-' || i || ':TEMPERATURE_HIGH:1', 'EMAIL', 'ops@plant.example', 'overheating ' || i, 'body ' || i,
            'SENT', timestamp 'epoch' + age * interval '1 millisecond', jsonb_build_object('n', i)
       FROM unnest($1::float8[]) WITH ORDINALITY AS x(age, i)`,
    [ages.map((age) => NOW - age)],
  );
}

describe('twin retention, table by table', () => {
  it('given 23 notification logs past 30 days and 5 within, when run with batches of 4, then a dry run counts 23 and changes nothing, the run moves exactly the 23 in 6 batches with every column intact, and a rerun moves none', async () => {
    const old = Array.from({ length: 23 }, (_, i) => 31 * DAY + i * 3_600_000);
    const recent = [DAY, 2 * DAY, 29 * DAY, 30 * DAY - 60_000, 0];
    await seedNotifications([...old, ...recent]);
    const before = (await analytics.query('SELECT * FROM notification_logs ORDER BY id')).rows as Array<{
      id: number;
      sent_time: Date;
    }>;

    const dry = await run('notification_logs', { dryRun: true, batchSize: 4 });
    expect(dry.summary).toMatchObject({ action: 'would_archive', rows: 23, batches: 0 });
    expect((await analytics.query('SELECT count(*)::int AS n FROM notification_logs')).rows[0]).toEqual({
      n: 28,
    });

    const { summary, metrics } = await run('notification_logs', { batchSize: 4 });
    expect(summary).toMatchObject({ action: 'archived', rows: 23, batches: 6 });
    expect(summary.error).toBeUndefined();
    expect(summary.cutoff).toBe(new Date(NOW - 30 * DAY).toISOString());
    const sample = (name: string) =>
      new RegExp(`^${name}\\{[^}]*table="notification_logs"[^}]*\\} (\\S+)$`, 'm').exec(metrics)?.[1];
    expect(metrics).toContain('action="archived"');
    expect(sample('twin_retention_rows_total')).toBe('23');
    expect(sample('twin_retention_batch_duration_seconds_count')).toBe('6');
    expect(Number(sample('twin_retention_last_success_timestamp_seconds'))).toBeGreaterThan(0);

    const live = (await analytics.query('SELECT * FROM notification_logs ORDER BY id')).rows;
    const archived = (await analytics.query('SELECT * FROM notification_logs_archive ORDER BY id'))
      .rows as Array<Record<string, unknown>>;
    const cutoff = NOW - 30 * DAY;
    expect(live).toEqual(before.filter((row) => row.sent_time.getTime() >= cutoff - tzOffset(row.sent_time)));
    expect(archived.map(({ archived_at: _, ...row }) => row)).toEqual(
      before.filter((row) => row.sent_time.getTime() < cutoff - tzOffset(row.sent_time)),
    );
    expect(archived).toHaveLength(23);

    const again = await run('notification_logs', { batchSize: 4 });
    expect(again.summary).toMatchObject({ rows: 0, batches: 1 });
  });

  it('given DELETE mode for anomaly records, when run, then the old rows are gone and none is archived', async () => {
    await analytics.query(
      `INSERT INTO anomaly_records (machine_id, anomaly_type, severity, timestamp)
       VALUES ('pump-1', 'TEMPERATURE_HIGH', 'HIGH', $1), ('pump-1', 'TEMPERATURE_HIGH', 'HIGH', $2)`,
      [ts(NOW - 40 * DAY), ts(NOW - 10 * DAY)],
    );
    const { summary } = await run('anomaly_records', {
      policies: policies({ anomaly_records: { days: 30, mode: 'DELETE' } }),
    });
    expect(summary).toMatchObject({ action: 'deleted', rows: 1 });
    const left = await analytics.query<{ n: number; a: number }>(
      'SELECT (SELECT count(*)::int FROM anomaly_records) AS n, (SELECT count(*)::int FROM anomaly_records_archive) AS a',
    );
    expect(left.rows[0]).toEqual({ n: 1, a: 0 });
  });

  it('given old snapshots, when run, then the one a checkpoint names and each partition’s newest stay, superseded ones go', async () => {
    // partition 0: offsets 100 (superseded), 200 (its checkpoint's), 300 (newest, e.g. written after a crash)
    // partition 1: offset 50 only, no checkpoint; a machine without a source: an older and a newer row
    const old = NOW - 40 * DAY;
    const snapshot = (machine: string, partition: number | null, offset: number | null, at: number) =>
      twin.query(
        `INSERT INTO state_snapshots (machine_id, snapshot_time, state_data, source_topic, source_partition, source_offset)
         VALUES ($1, $2, '{}', $3, $4, $5)`,
        [machine, ts(at), partition === null ? null : TOPIC, partition, offset],
      );
    await snapshot('pump-1', 0, 100, old);
    await snapshot('pump-2', 0, 100, old);
    await snapshot('pump-1', 0, 200, old + 1000);
    await snapshot('pump-1', 0, 300, old + 2000);
    await snapshot('pump-9', 1, 50, old);
    await snapshot('legacy-1', null, null, old);
    await snapshot('legacy-1', null, null, old + 1000);
    await snapshot('legacy-2', null, null, NOW - DAY);
    await snapshot('legacy-2', null, null, NOW);
    await twin.query(
      `INSERT INTO processor_checkpoints (consumer_group, topic, partition, next_offset, owner_epoch, snapshot_offset, snapshot_time)
       VALUES ($1, $2, 0, 350, 3, 200, now())`,
      [GROUPS.processorGroup, TOPIC],
    );

    const { summary } = await run('state_snapshots');
    expect(summary).toMatchObject({ action: 'deleted', rows: 3 });
    const left = await twin.query<{ machine_id: string; source_offset: string | null }>(
      'SELECT machine_id, source_offset FROM state_snapshots ORDER BY id',
    );
    expect(left.rows).toEqual([
      { machine_id: 'pump-1', source_offset: '200' },
      { machine_id: 'pump-1', source_offset: '300' },
      { machine_id: 'pump-9', source_offset: '50' },
      { machine_id: 'legacy-1', source_offset: null },
      { machine_id: 'legacy-2', source_offset: null },
      { machine_id: 'legacy-2', source_offset: null },
    ]);
  });

  it('given windows and metrics over several days, when the projector has closed only some of them, then only whole closed days past the cutoff go', async () => {
    // Days D-40 … D-36 are past the 30-day cutoff; the projector's slowest partition has closed up to D-37 12:00.
    const day = (back: number) => Math.floor(NOW / DAY) * DAY - back * DAY;
    for (const back of [40, 39, 38, 37, 36, 1]) {
      for (const minute of [0, 720, 1439]) {
        await analytics.query(
          `INSERT INTO performance_windows (machine_id, window_start, window_ms, readings, sum_load, sum_temperature,
             sum_vibration, planned_readings, running_readings, sum_load_running, good_count, reject_count, anomaly_count)
           VALUES ('pump-1', $1, 60000, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0)`,
          [ts(day(back) + minute * 60_000)],
        );
      }
      await analytics.query(
        `INSERT INTO performance_metrics (machine_id, resolution, window_start, calculation_time)
         VALUES ('pump-1', 'P1D', $1, $2), ('pump-1', 'PT1H', $1, $3)`,
        [ts(day(back)), ts(day(back) + DAY), ts(day(back) + 3_600_000)],
      );
    }
    const projector = (partition: number, streamTime: number | null) =>
      analytics.query(
        `INSERT INTO projector_checkpoints (consumer_group, topic, partition, next_offset, owner_epoch, stream_time)
         VALUES ($1, $2, $3, 10, 1, $4)`,
        [GROUPS.projectorGroup, TOPIC, partition, streamTime],
      );

    // No stream time on one partition yet: nothing is final.
    await projector(0, day(1));
    await projector(1, null);
    expect((await run('performance_windows')).summary).toMatchObject({ rows: 0, cutoff: null });

    await analytics.query('UPDATE projector_checkpoints SET stream_time = $1 WHERE partition = 1', [
      day(37) + DAY / 2,
    ]);
    const windows = await run('performance_windows', { batchSize: 2 });
    expect(windows.summary).toMatchObject({ action: 'deleted', rows: 9, batches: 5 });
    expect(windows.summary.cutoff).toBe(new Date(day(37)).toISOString());
    const days = await analytics.query<{ d: string }>(
      `SELECT DISTINCT to_char(window_start, 'YYYY-MM-DD') AS d FROM performance_windows ORDER BY d`,
    );
    expect(days.rows.map((row) => row.d)).toEqual(
      [37, 36, 1].map((back) => new Date(day(back)).toISOString().slice(0, 10)),
    );

    // Metrics: the hourly rows of the closed days, and the daily rows that end by the cutoff's day start.
    const metrics = await run('performance_metrics');
    expect(metrics.summary).toMatchObject({ action: 'archived', rows: 5 });
    const archived = await analytics.query<{ resolution: string; n: number }>(
      `SELECT resolution, count(*)::int AS n FROM performance_metrics_archive GROUP BY resolution ORDER BY resolution`,
    );
    expect(archived.rows).toEqual([
      { resolution: 'P1D', n: 2 },
      { resolution: 'PT1H', n: 3 },
    ]);
  });

  it('given anomaly rows older than the period, when the processor recovery could still write some of them again, then those stay live until a newer snapshot covers them', async () => {
    const old = ts(NOW - 40 * DAY);
    await twin.query(
      `INSERT INTO anomaly_history (machine_id, anomaly_type, severity, timestamp, event_id, created_at) VALUES
         ('pump-1', 'TEMPERATURE_HIGH', 'HIGH', $1, NULL, now() - interval '1 day'),
         ('pump-1', 'TEMPERATURE_HIGH', 'HIGH', $1, 'r-0-10-0', now() - interval '1 hour'),
         ('pump-1', 'TEMPERATURE_HIGH', 'HIGH', $1, 'r-0-20-0', now() + interval '1 hour')`,
      [old],
    );
    const checkpoint = (partition: number, snapshotOffset: number | null) =>
      twin.query(
        `INSERT INTO processor_checkpoints (consumer_group, topic, partition, next_offset, owner_epoch, snapshot_offset, snapshot_time)
         VALUES ($1, $2, $3, 30, 1, $4::bigint, CASE WHEN $4::bigint IS NULL THEN NULL ELSE now() END)`,
        [GROUPS.processorGroup, TOPIC, partition, snapshotOffset],
      );
    await checkpoint(0, 15);
    await checkpoint(1, null);
    const eventIds = async (table: string) =>
      (await twin.query<{ e: string | null }>(`SELECT event_id AS e FROM ${table} ORDER BY id`)).rows.map(
        (r) => r.e,
      );

    // Partition 1 has no snapshot: its recovery replays from offset 0, so only the row without an event id goes.
    const held = await run('anomaly_history');
    expect(held.summary).toMatchObject({
      rows: 1,
      note: expect.stringContaining('no snapshot yet') as unknown,
    });
    expect(await eventIds('anomaly_history_archive')).toEqual([null]);

    // Once every partition has a snapshot, rows created before the oldest one go; the later one stays.
    await twin.query(
      `UPDATE processor_checkpoints SET snapshot_offset = 5, snapshot_time = now() WHERE partition = 1`,
    );
    const guarded = await run('anomaly_history');
    expect(guarded.summary).toMatchObject({ rows: 1 });
    expect(await eventIds('anomaly_history_archive')).toEqual([null, 'r-0-10-0']);
    expect(await eventIds('anomaly_history')).toEqual(['r-0-20-0']);
  });
});

/** Dates read back from TIMESTAMP columns are in the process's zone; the columns hold UTC. */
function tzOffset(date: Date): number {
  return date.getTimezoneOffset() * 60_000;
}
