// Every TIMESTAMP column holds UTC whatever the database's TimeZone: a twin and an analytics database of their
// own, both set to America/New_York, written through the product's own pools and repositories, then read back
// by a session that sets nothing (so it runs in New York time) as the wall time each column stores.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptySums } from '../../processors/performance-windows/index.js';
import { buildReport, reportPeriod } from '../../processors/reports/index.js';
import { RETENTION_TABLES, type RetentionPolicies } from '../../processors/retention/index.js';
import { anomalies, foldAll } from '../../processors/testing/anomaly-fixtures.js';
import {
  createScratchDatabase,
  urlForDatabase,
  withClient,
  type ScratchDatabase,
} from '../../test/support/postgres.js';
import { createLogger } from '../logger.js';
import { createMetricsRegistry } from '../metrics.js';
import { createRetentionMetrics, runRetentionJob } from '../retention/index.js';
import { migrateDatabases } from './migrate.js';
import { createPool } from './pool.js';
import { saveAlerts } from './repositories/alerts.js';
import { insertAnomalyHistory, insertAnomalyRecords } from './repositories/anomaly-rows.js';
import { claimPartition, commitProgress } from './repositories/checkpoints.js';
import { insertConfiguration } from './repositories/machine-configurations.js';
import { upsertMachineTwins } from './repositories/machine-twins.js';
import { saveReport } from './repositories/maintenance-reports.js';
import { saveAttempt, type ClaimedNotification } from './repositories/notifications.js';
import { addWindowSums, refreshPerformanceMetrics } from './repositories/performance-windows.js';
import { claimProjectorPartition, commitProjection } from './repositories/projector-checkpoints.js';
import { writeSnapshot } from './repositories/snapshots.js';
import { epochMs, utcTimestamp } from './sql-time.js';
import { inTransaction } from './transaction.js';

const ZONE = 'America/New_York';
const DAY = 86_400_000;
const HOUR = 3_600_000;
const MINUTE = 60_000;
/** 2024-03-10 07:30:00.123Z: 02:30 that morning never happened in New York (clocks went from 2:00 to 3:00). */
const EVENT = Date.UTC(2024, 2, 10, 7, 30, 0, 123);
/** How far a CURRENT_TIMESTAMP default may be from the test's own clock: same host, one statement away. */
const SLACK_MS = 3_000;

let twin: ScratchDatabase;
let analytics: ScratchDatabase;
/** The databases' plain URLs: no session options but what the product's pools set themselves. */
let twinUrl: string;
let analyticsUrl: string;
let twinPool: pg.Pool;
let analyticsPool: pg.Pool;
/** When the migrations ran (they seed machine_configurations through the product's pool). */
let migrated: { from: number; to: number };
/** When writeRows ran. */
let written: { from: number; to: number };

beforeAll(async () => {
  twin = await createScratchDatabase('tz_twin_it');
  analytics = await createScratchDatabase('tz_analytics_it');
  await withClient(urlForDatabase('postgres'), async (client) => {
    for (const db of [twin, analytics]) {
      await client.query(`ALTER DATABASE ${pg.escapeIdentifier(db.name)} SET TimeZone = '${ZONE}'`);
    }
  });
  twinUrl = urlForDatabase(twin.name);
  analyticsUrl = urlForDatabase(analytics.name);
  const migrationsFrom = Date.now();
  await migrateDatabases({ twinUrl, analyticsUrl });
  migrated = { from: migrationsFrom, to: Date.now() };
  twinPool = createPool(twinUrl, { max: 2, applicationName: 'time-zone-it' });
  analyticsPool = createPool(analyticsUrl, { max: 2, applicationName: 'time-zone-it' });
  const writesFrom = Date.now();
  await writeRows();
  written = { from: writesFrom, to: Date.now() };
});

afterAll(async () => {
  await Promise.allSettled([twinPool?.end(), analyticsPool?.end()]);
  await Promise.allSettled([twin?.drop(), analytics?.drop()]);
});

/** Runs `work` in a session that sets nothing: it gets the database's TimeZone (New York). */
async function asItIs<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    const zone = await client.query<{ TimeZone: string }>('SHOW TimeZone');
    expect(zone.rows[0]!.TimeZone).toBe(ZONE);
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The wall time a TIMESTAMP column stores, as ISO text without a zone (to_char: no DateStyle in it). */
const wallTime = (column: string) => `to_char(${column}, 'YYYY-MM-DD"T"HH24:MI:SS.MS')`;
/** A stored wall time read as UTC, epoch ms. */
const asUtc = (wall: string) => Date.parse(`${wall}Z`);
const isoWall = (ms: number) => new Date(ms).toISOString().slice(0, 23);

/** A TIMESTAMP column of some rows: `table.column`, and which rows (SQL condition). */
interface Column {
  readonly name: string;
  readonly where?: string;
}

interface StoredTime {
  readonly column: string;
  readonly wall: string;
  readonly ms: number;
}

/** What each column stores in the rows picked, read in a New York session: wall time and epochMs. */
async function readStored(url: string, columns: readonly Column[]): Promise<StoredTime[]> {
  return asItIs(url, async (client) => {
    const stored: StoredTime[] = [];
    for (const { name, where = 'true' } of columns) {
      const [table, column] = name.split('.') as [string, string];
      const result = await client.query<{ wall: string | null; ms: number | null }>(
        `SELECT ${wallTime(column)} AS wall, ${epochMs(column)} AS ms FROM ${table} WHERE ${where}`,
      );
      expect(result.rows.length, `rows of ${name}`).toBeGreaterThan(0);
      for (const row of result.rows) {
        expect(row.wall, `${name} is set`).not.toBeNull();
        stored.push({ column: name, wall: row.wall!, ms: row.ms! });
      }
    }
    return stored;
  });
}

/** The stored times not within SLACK_MS of [from, to], with how many hours off they are. */
const outside = (stored: readonly StoredTime[], { from, to }: { from: number; to: number }) =>
  stored
    .filter(({ wall }) => asUtc(wall) < from - SLACK_MS || asUtc(wall) > to + SLACK_MS)
    .map(({ column, wall }) => `${column} = ${wall} (${((asUtc(wall) - to) / 3_600_000).toFixed(2)} h off)`);

/** The configuration insertConfiguration wrote (at EVENT), and the seed's rows beside it. */
const LATEST_CONFIGURATION = 'id = (SELECT max(id) FROM machine_configurations)';
const NOT_LATEST_CONFIGURATION = 'id < (SELECT max(id) FROM machine_configurations)';

const checkpointKey = { consumerGroup: 'tz', topic: 'readings', partition: 0 };

const claimedNotification = (alertId: string): ClaimedNotification => ({
  key: `tz:${alertId}`,
  routeId: 'ops',
  contactName: 'ops-hook',
  kind: 'OPENED',
  notificationType: 'WEBHOOK',
  recipient: 'http://127.0.0.1:1/ops',
  target: { name: 'ops-hook', channel: 'WEBHOOK', url: 'http://127.0.0.1:1/ops', format: 'generic' },
  alertIds: [alertId],
  subject: 'pump-7 overheating',
  content: 'pump-7 overheating',
  payload: {},
  attempt: 1,
  createdAt: EVENT,
});

/**
 * Through the product's repositories: one anomaly, its alert, twin, window, report and notification, all at
 * EVENT, beside the checkpoints and snapshot; then retention archives the notification log (archived_at).
 */
async function writeRows(): Promise<void> {
  const anomaly = {
    eventId: 'tz-anomaly-1',
    machineId: 'pump-7',
    anomalyType: 'TEMPERATURE_HIGH',
    severity: 'HIGH',
    timestamp: EVENT,
    sensorData: { temperature: 95 },
    calculatedMetrics: { durationMs: 0 },
  };
  await inTransaction(twinPool, async (client) => {
    await insertAnomalyHistory(client, [{ ...anomaly, details: {} }]);
    const { epoch } = await claimPartition(client, checkpointKey);
    await writeSnapshot(client, checkpointKey, epoch, {
      offset: 1n,
      streamTime: EVENT,
      machines: [{ machineId: 'pump-7', state: {} }],
      partitionState: {},
    });
    await commitProgress(client, checkpointKey, epoch, 1n);
  });
  await insertConfiguration(
    twinPool,
    'pump',
    {
      baselineTemp: 60,
      tempVariation: 5,
      baselineVibration: 2,
      vibrationVariation: 0.5,
      operationalPattern: 'continuous',
      thresholds: null,
    },
    EVENT,
  );

  const { book } = foldAll({ autoResolve: true, flapThreshold: 3, flapWindowMs: 10 * MINUTE }, [
    anomalies('pump-7').opened('TEMPERATURE_HIGH', 'HIGH', EVENT),
  ]);
  const alerts = Object.values(book.alerts);
  const window = emptySums('pump-7', Math.floor(EVENT / MINUTE) * MINUTE, MINUTE);
  await inTransaction(analyticsPool, async (client) => {
    await insertAnomalyRecords(client, [{ ...anomaly, algorithmUsed: 'threshold' }]);
    const { epoch } = await claimProjectorPartition(client, checkpointKey);
    await saveAlerts(client, alerts);
    await upsertMachineTwins(
      client,
      [
        {
          machineId: 'pump-7',
          machineType: 'pump',
          status: 'RUNNING',
          statusSince: EVENT,
          lastEventTime: EVENT,
          twin: {},
          sourcePartition: 0,
          sourceOffset: 0,
        },
      ],
      EVENT,
    );
    await addWindowSums(client, [{ ...window, readings: 1, plannedReadings: 1, runningReadings: 1 }]);
    await refreshPerformanceMetrics(client, [window], MINUTE);
    await commitProjection(client, checkpointKey, epoch, 0n, 1n, EVENT);
    await saveAttempt(client, 'tz-notifier', claimedNotification(alerts[0]!.alertId), {
      startedAt: EVENT,
      finishedAt: EVENT,
      status: 'DELIVERED',
      details: {},
      error: null,
      followUp: { final: true, status: 'DELIVERED' },
    });
  });
  await saveReport(analyticsPool, buildReport(reportPeriod('DAILY', EVENT), null, []));
  const archived = await runRetentionJob({
    twin: twinPool,
    analytics: analyticsPool,
    processorGroup: 'twin-processor',
    projectorGroup: 'twin-projector',
    readingsTopic: 'sensor.readings',
    windowGraceMs: 30_000,
    policies: Object.fromEntries(
      RETENTION_TABLES.map((t) => [t.table, { period: { text: 'P90D', ms: 90 * DAY }, mode: 'ARCHIVE' }]),
    ) as RetentionPolicies,
    batchSize: 10,
    now: Date.now(),
    dryRun: false,
    only: 'notification_logs',
    metrics: createRetentionMetrics(createMetricsRegistry('test')),
    logger: createLogger({ name: 'test', level: 'silent' }),
  });
  expect(archived.map((table) => [table.table, table.action, table.rows])).toEqual([
    ['notification_logs', 'archived', 1],
  ]);
}

describe('timestamps under a database whose TimeZone is America/New_York', () => {
  it('given both databases set to New York, when the product connects, then its sessions run in UTC while a session that sets nothing runs in New York time', async () => {
    for (const pool of [twinPool, analyticsPool]) {
      const zone = await pool.query<{ TimeZone: string }>('SHOW TimeZone');
      expect(zone.rows[0]!.TimeZone).toBe('UTC');
    }
    // asItIs checks its own session's zone.
    await asItIs(twinUrl, () => Promise.resolve());
    await asItIs(analyticsUrl, () => Promise.resolve());
  });

  it('given a database URL with options of its own (New York among them), when the product connects, then those options still apply and TimeZone is UTC', async () => {
    const url = new URL(twinUrl);
    url.searchParams.set('options', `-c statement_timeout=4321 -c TimeZone=${ZONE}`);
    const pool = createPool(url.toString(), { max: 1, applicationName: 'time-zone-it' });
    try {
      const settings = await pool.query<{ zone: string; timeout: string }>(
        `SELECT current_setting('TimeZone') AS zone, current_setting('statement_timeout') AS timeout`,
      );
      expect(settings.rows[0]).toEqual({ zone: 'UTC', timeout: '4321ms' });
    } finally {
      await pool.end();
    }
  });

  it('given rows written through the product pools, when a column takes CURRENT_TIMESTAMP (a default or in the statement), then it stores the UTC wall time of the write', async () => {
    const defaults = [
      ...(await readStored(twinUrl, [
        { name: 'anomaly_history.created_at' },
        { name: 'state_snapshots.created_at' },
        { name: 'processor_checkpoints.updated_at' },
        { name: 'processor_checkpoints.snapshot_time' },
      ])),
      ...(await readStored(analyticsUrl, [
        { name: 'anomaly_records.created_at' },
        { name: 'projector_checkpoints.updated_at' },
        { name: 'performance_windows.updated_at' },
        { name: 'performance_rollups.updated_at' },
        { name: 'performance_metrics.created_at' },
        { name: 'maintenance_reports.created_at' },
        { name: 'notification_logs_archive.created_at' },
        { name: 'notification_logs_archive.archived_at' },
      ])),
    ];
    // The twin migration's seed configurations take their defaults through the migrator's pool.
    const seeded = await readStored(twinUrl, [
      { name: 'machine_configurations.created_at', where: NOT_LATEST_CONFIGURATION },
      { name: 'machine_configurations.updated_at', where: NOT_LATEST_CONFIGURATION },
    ]);

    expect(outside(defaults, written)).toEqual([]);
    expect(outside(seeded, migrated)).toEqual([]);
  });

  it('given rows with event times, when read in a New York session, then each column holds exactly that instant as UTC wall time and reads back to the same epoch ms', async () => {
    const minute = Math.floor(EVENT / MINUTE) * MINUTE;
    const hour = Math.floor(EVENT / HOUR) * HOUR;
    const midnight = Math.floor(EVENT / DAY) * DAY;
    const twinColumns: Array<[Column, number]> = [
      [{ name: 'anomaly_history.timestamp' }, EVENT],
      [{ name: 'state_snapshots.snapshot_time' }, EVENT],
      [{ name: 'machine_configurations.created_at', where: LATEST_CONFIGURATION }, EVENT],
      [{ name: 'machine_configurations.updated_at', where: LATEST_CONFIGURATION }, EVENT],
    ];
    const analyticsColumns: Array<[Column, number]> = [
      [{ name: 'anomaly_records.timestamp' }, EVENT],
      [{ name: 'alerts.timestamp' }, EVENT],
      [{ name: 'alerts.created_at' }, EVENT],
      [{ name: 'alerts.updated_at' }, EVENT],
      [{ name: 'machine_twins.status_since' }, EVENT],
      [{ name: 'machine_twins.last_event_time' }, EVENT],
      [{ name: 'machine_twins.projected_at' }, EVENT],
      [{ name: 'performance_windows.window_start' }, minute],
      [{ name: 'performance_rollups.window_start', where: `resolution = 'PT1H'` }, hour],
      [{ name: 'performance_rollups.window_start', where: `resolution = 'P1D'` }, midnight],
      [{ name: 'performance_metrics.window_start', where: `resolution = 'PT1M'` }, minute],
      [{ name: 'performance_metrics.calculation_time', where: `resolution = 'PT1M'` }, minute + MINUTE],
      [{ name: 'notification_logs_archive.sent_time' }, EVENT],
      [{ name: 'maintenance_reports.generated_time' }, midnight],
    ];
    const expected = [...twinColumns, ...analyticsColumns].map(([column, ms]) => ({
      column: column.name,
      wall: isoWall(ms),
      ms,
    }));

    const stored = [
      ...(await readStored(
        twinUrl,
        twinColumns.map(([column]) => column),
      )),
      ...(await readStored(
        analyticsUrl,
        analyticsColumns.map(([column]) => column),
      )),
    ];

    expect(stored).toEqual(expected);
  });

  it('given a New York session, when sql-time converts epoch ms to a TIMESTAMP and back, then the wall time is UTC and the round trip exact, even across the DST jumps; CURRENT_TIMESTAMP stored there is New York time', async () => {
    const instants = [
      EVENT,
      Date.UTC(2024, 10, 3, 5, 30, 0, 1), // 01:30 happened twice in New York that morning
      Date.UTC(1999, 11, 31, 23, 59, 59, 999),
      0,
    ];
    const converted = await asItIs(twinUrl, async (client) => {
      const rows = [];
      for (const ms of instants) {
        const result = await client.query<{ wall: string; ms: number }>(
          `SELECT ${wallTime('t')} AS wall, ${epochMs('t')} AS ms FROM (SELECT ${utcTimestamp('$1::float8')} AS t) x`,
          [ms],
        );
        rows.push(result.rows[0]!);
      }
      return rows;
    });
    expect(converted).toEqual(instants.map((ms) => ({ wall: isoWall(ms), ms })));

    // Why the pools set UTC: a session that does not stores CURRENT_TIMESTAMP as its own zone's wall time.
    const local = await asItIs(twinUrl, async (client) => {
      const result = await client.query<{ wall: string }>(
        `SELECT ${wallTime('CURRENT_TIMESTAMP::timestamp')} AS wall`,
      );
      return asUtc(result.rows[0]!.wall);
    });
    expect(Math.abs(local - Date.now())).toBeGreaterThan(3 * HOUR);
  });
});
