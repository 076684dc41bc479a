// `twin retention` as an operator runs it, on an isolated pipeline: while the real processor keeps writing
// anomaly rows from flowing readings, retention moves exactly the rows past their period, in many small
// batches; and a retention run killed with SIGKILL mid-way loses and duplicates nothing when run again.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeReading } from '../../schemas/sensor-reading-codec.js';
import { createIsolatedPipeline, type IsolatedPipeline } from '../../test/support/pipeline.js';
import { createFleet, generateReadings } from '../simulator/index.js';
import type { TableSummary } from '../retention/index.js';

const CLI = new URL('./cli.ts', import.meta.url).pathname;
const DAY = 86_400_000;

interface RetentionRun {
  readonly code: number | null;
  readonly summaries: TableSummary[];
  readonly stderr: string;
}

/** Starts `twin retention [args]`; `done` resolves with its exit code and the JSON summary lines it logged. */
function startRetention(pipeline: IsolatedPipeline, env: Record<string, string>, args: string[] = []) {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'retention', ...args], {
    env: { ...process.env, ...pipeline.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<RetentionRun>((resolve) => {
    child.once('close', (code) => {
      const summaries = stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { retention?: TableSummary })
        .flatMap((line) => (line.retention ? [line.retention] : []));
      resolve({ code, summaries, stderr });
    });
  });
  return { child, done };
}

interface AnomalyRow {
  id: number;
  event_id: string | null;
  timestamp_ms: number;
}

const ROWS = `SELECT id, event_id, (extract(epoch from timestamp) * 1000)::float8 AS timestamp_ms`;

describe('twin retention on a running pipeline', () => {
  let pipeline: IsolatedPipeline;
  beforeAll(async () => {
    pipeline = await createIsolatedPipeline(3);
  });
  afterAll(async () => {
    await pipeline.dispose();
  });

  it('given 300 anomaly rows past 90 days, 40 within, and the processor writing new ones from flowing readings, when retention runs with batches of 7, then exactly the 300 are archived in many batches, every other row is untouched, and live plus archive hold every row once', async () => {
    const now = Date.now();
    // given: history the processor wrote long ago (created then), some past the period and some within it
    const seed = async (database: 'twin' | 'analytics', table: string) => {
      await pipeline.query(
        database,
        `INSERT INTO ${table} (machine_id, anomaly_type, severity, timestamp, event_id, created_at)
         SELECT 'pump-' || (i % 17), 'TEMPERATURE_HIGH', 'HIGH',
                timestamp 'epoch' + ($1::float8 - i * 60000) * interval '1 millisecond', 'legacy-' || i,
                timestamp 'epoch' + ($1::float8 - i * 60000) * interval '1 millisecond'
           FROM generate_series(1, 300) AS i
         UNION ALL
         SELECT 'pump-' || (i % 17), 'VIBRATION_HIGH', 'MEDIUM',
                timestamp 'epoch' + ($2::float8 - i * 60000) * interval '1 millisecond', 'recent-' || i,
                timestamp 'epoch' + ($2::float8 - i * 60000) * interval '1 millisecond'
           FROM generate_series(1, 40) AS i`,
        [now - 100 * DAY, now - 80 * DAY],
      );
    };
    await seed('twin', 'anomaly_history');
    await seed('analytics', 'anomaly_records');
    const seededHistory = await pipeline.query<AnomalyRow>(
      'twin',
      `${ROWS} FROM anomaly_history ORDER BY id`,
    );
    const seededRecords = await pipeline.query<AnomalyRow>(
      'analytics',
      `${ROWS} FROM anomaly_records ORDER BY id`,
    );

    // and: the gateways keep sending readings with faults, more than the run needs (it stops them once retention
    // is done), so readings still flow whenever retention starts; the processor snapshots often
    const fleet = createFleet({
      machines: 60,
      seed: 21,
      startTime: now - 60 * 60_000,
      faultFraction: 0.5,
      faultPeriodMs: 5 * 60_000,
    });
    const readings = generateReadings(fleet, { count: 120_000 });
    const messages = readings.map((reading) => ({
      key: reading.machineId,
      value: encodeReading(reading, 'avro'),
    }));
    const processor = await pipeline.startProcessor({
      SNAPSHOT_EVERY_MS: '200',
      PROCESSOR_BATCH_SIZE: '300',
    });
    await processor.ready();
    let stopProducing = false;
    const producing = (async () => {
      for (let start = 0; start < messages.length && !stopProducing; start += 1_000) {
        await pipeline.produce(messages.slice(start, start + 1_000));
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    })();
    const processorRows = async () =>
      Number(
        (
          await pipeline.query<{ n: string }>(
            'twin',
            `SELECT count(*) AS n FROM anomaly_history WHERE event_id NOT LIKE 'legacy-%' AND event_id NOT LIKE 'recent-%'`,
          )
        )[0]!.n,
      );
    // Every partition has a snapshot, and anomalies are being written.
    for (;;) {
      const snapshotted = await pipeline.query<{ n: string }>(
        'twin',
        'SELECT count(snapshot_offset) AS n FROM processor_checkpoints',
      );
      if (Number(snapshotted[0]!.n) === pipeline.partitions && (await processorRows()) > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    // when: retention runs while readings flow
    const writtenBefore = await processorRows();
    const run = await startRetention(pipeline, {
      RETENTION_BATCH_SIZE: '7',
      RETENTION_ANOMALY_HISTORY: 'P90D',
      RETENTION_ANOMALY_RECORDS: '90',
    }).done;
    const writtenDuring = (await processorRows()) - writtenBefore;
    stopProducing = true;
    await producing;
    await pipeline.waitUntilCaughtUp(60_000);
    processor.kill('SIGTERM');
    await new Promise((resolve) => processor.once('exit', resolve));

    // then: one summary line per table; the 300 old rows went in many batches
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.summaries.map((s) => s.table).sort()).toEqual([
      'alerts',
      'anomaly_history',
      'anomaly_records',
      'maintenance_reports',
      'notification_logs',
      'performance_metrics',
      'performance_windows',
      'state_snapshots',
    ]);
    for (const table of ['anomaly_history', 'anomaly_records']) {
      const summary = run.summaries.find((s) => s.table === table)!;
      expect(summary).toMatchObject({ action: 'archived', rows: 300, period: 'P90D' });
      expect(summary.batches).toBe(Math.ceil(301 / 7)); // 42 full batches of 7, then a short one: 43
    }
    expect(writtenDuring).toBeGreaterThan(0); // the pipeline really wrote while retention ran

    // and: live ∪ archive = what existed + what the processor wrote, no row in both, the split by the cutoff
    const expected = await pipeline.expected();
    const check = async (
      database: 'twin' | 'analytics',
      table: string,
      seeded: AnomalyRow[],
      processorIds: string[],
    ) => {
      const live = await pipeline.query<AnomalyRow>(database, `${ROWS} FROM ${table} ORDER BY id`);
      const archived = await pipeline.query<AnomalyRow>(
        database,
        `${ROWS} FROM ${table}_archive ORDER BY id`,
      );
      const cutoff = now - 90 * DAY;
      const liveIds = new Set(live.map((row) => row.id));
      expect(archived.filter((row) => liveIds.has(row.id))).toEqual([]);
      expect(archived).toEqual(seeded.filter((row) => row.timestamp_ms < cutoff));
      expect(live.filter((row) => row.timestamp_ms < cutoff)).toEqual([]);
      const untouched = seeded.filter((row) => row.timestamp_ms >= cutoff);
      expect(untouched).toHaveLength(40);
      expect(live.filter((row) => row.event_id?.startsWith('recent-'))).toEqual(untouched);
      const written = live.filter((row) => !/^(legacy|recent)-/.test(row.event_id ?? ''));
      expect(written.map((row) => row.event_id).sort()).toEqual(processorIds);
    };
    expect(expected.historyIds.length).toBeGreaterThan(0);
    await check('twin', 'anomaly_history', seededHistory, expected.historyIds);
    await check('analytics', 'anomaly_records', seededRecords, expected.recordIds);
  });

  it('given 3,000 old notification logs, when retention is killed with SIGKILL mid-run and run again, then every row is in exactly one of live and archive, none lost or duplicated', async () => {
    await pipeline.query(
      'analytics',
      `INSERT INTO notification_logs (alert_id, notification_type, recipient, subject, status, sent_time)
       SELECT 'pump-' || i || ':TEMPERATURE_HIGH:1', 'EMAIL', 'ops@plant.example', 'alert ' || i, 'SENT',
              timestamp 'epoch' + ($1::float8 - i * 1000) * interval '1 millisecond'
         FROM generate_series(1, 3000) AS i`,
      [Date.now() - 120 * DAY],
    );
    const seeded = await pipeline.query<{ id: number; subject: string }>(
      'analytics',
      'SELECT id, subject FROM notification_logs ORDER BY id',
    );
    const counts = async () =>
      (
        await pipeline.query<{ live: number; archived: number; both: number }>(
          'analytics',
          `SELECT (SELECT count(*)::int FROM notification_logs) AS live,
                  (SELECT count(*)::int FROM notification_logs_archive) AS archived,
                  (SELECT count(*)::int FROM notification_logs JOIN notification_logs_archive USING (id)) AS both`,
        )
      )[0]!;

    // when: batches of one row, killed once some have committed
    const first = startRetention(pipeline, { RETENTION_BATCH_SIZE: '1' }, ['--table', 'notification_logs']);
    for (;;) {
      if ((await counts()).archived > 0 || first.child.exitCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    first.child.kill('SIGKILL');
    const killed = await first.done;
    const afterKill = await counts();

    // then: it died mid-way, and every row is in exactly one place
    expect(killed.code).toBeNull();
    expect(afterKill.archived).toBeGreaterThan(0);
    expect(afterKill.live).toBeGreaterThan(0);
    expect(afterKill).toMatchObject({ both: 0 });
    expect(afterKill.live + afterKill.archived).toBe(3_000);

    // when: run again; then it finishes the rest and the archive holds every row once, intact
    const rerun = await startRetention(pipeline, { RETENTION_BATCH_SIZE: '500' }, [
      '--table',
      'notification_logs',
    ]).done;
    expect(rerun.code).toBe(0);
    expect(rerun.summaries).toMatchObject([{ table: 'notification_logs', rows: afterKill.live }]);
    expect(await counts()).toEqual({ live: 0, archived: 3_000, both: 0 });
    const archived = await pipeline.query<{ id: number; subject: string }>(
      'analytics',
      'SELECT id, subject FROM notification_logs_archive ORDER BY id',
    );
    expect(archived).toEqual(seeded);
  });

  it('given a bad retention period, when retention starts, then it stops with one clear line', async () => {
    const run = await startRetention(pipeline, { RETENTION_ALERTS: 'P1M' }).done;
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      'twin retention: invalid configuration: RETENTION_ALERTS: "P1M": months and years have no fixed length; use days (P365D)',
    ]);
    const unknown = await startRetention(pipeline, {}, ['--table', 'alert']).done;
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim()).toMatch(
      /^twin retention: unknown table "alert": expected one of anomaly_history/,
    );
  });
});
