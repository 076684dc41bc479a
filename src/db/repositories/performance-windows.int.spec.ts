// The performance-window writes against a real, migrated analytics database of its own.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  mergeSums,
  windowMetrics,
  type MachineWindowPosition,
  type WindowSums,
} from '../../../processors/performance-windows/index.js';
import { windowSums } from '../../../processors/testing/index.js';
import { emptySeqWindow, markSeq } from '../../../processors/twin-state/seq-window.js';
import { createScratchDatabase, type ScratchDatabase } from '../../../test/support/postgres.js';
import { migrateDatabases } from '../migrate.js';
import { inTransaction } from '../transaction.js';
import {
  addAnomalyCounts,
  addWindowSums,
  loadWindowPositions,
  refreshPerformanceMetrics,
  saveWindowPositions,
} from './performance-windows.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;
/** 2025-03-09T22:58:00Z: two minutes before an hour ends, so the test spans two hours and two days. */
const T = Date.UTC(2025, 2, 9, 22, 58);

let twin: ScratchDatabase;
let analytics: ScratchDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  twin = await createScratchDatabase('perf_twin_it');
  analytics = await createScratchDatabase('perf_analytics_it');
  await migrateDatabases({ twinUrl: twin.url, analyticsUrl: analytics.url });
  pool = new pg.Pool({ connectionString: analytics.url, max: 2 });
});

afterAll(async () => {
  await pool?.end();
  await Promise.allSettled([twin?.drop(), analytics?.drop()]);
});

const sums = (machineId: string, windowStart: number, inUnits: Partial<WindowSums>): WindowSums =>
  windowSums(machineId, windowStart, MINUTE, inUnits);

interface MetricsRow {
  machine_id: string;
  resolution: string;
  window_start: number;
  calculation_time: number;
  average_load: string | null;
  average_temperature: string | null;
  average_vibration: string | null;
  uptime_percentage: string | null;
  efficiency_rating: string | null;
  anomaly_count: number;
  ml_model_version: string | null;
}

async function metricsRows(): Promise<MetricsRow[]> {
  const result = await pool.query<MetricsRow>(
    `SELECT machine_id, resolution, (extract(epoch from window_start) * 1000)::float8 AS window_start,
            (extract(epoch from calculation_time) * 1000)::float8 AS calculation_time, average_load,
            average_temperature, average_vibration, uptime_percentage, efficiency_rating, anomaly_count,
            ml_model_version
       FROM performance_metrics
      ORDER BY machine_id COLLATE "C", resolution COLLATE "C", calculation_time`,
  );
  return result.rows;
}

/** A metrics row as numeric(5,2) text comes back: what windowMetrics says, to two decimals. */
function expectedRow(machineId: string, resolution: string, start: number, end: number, of: WindowSums) {
  const metrics = windowMetrics(of);
  const text = (value: number | null) => (value === null ? null : value.toFixed(2));
  return {
    machine_id: machineId,
    resolution,
    window_start: start,
    calculation_time: end,
    average_load: text(metrics.averageLoad),
    average_temperature: text(metrics.averageTemperature),
    average_vibration: text(metrics.averageVibration),
    uptime_percentage: text(metrics.uptimePercentage),
    efficiency_rating: text(metrics.efficiencyRating),
    anomaly_count: metrics.anomalyCount,
    ml_model_version: null,
  };
}

describe('performance windows repository', () => {
  it('given sums from two batches and anomaly counts, when refreshed, then base, hourly and daily metrics come from the merged sums, and a second refresh changes nothing', async () => {
    // Batch 1: minute 22:58 and 22:59 of press-1, 23:00 of press-2.
    const batch1 = [
      sums('press-1', T, {
        readings: 10,
        sumLoad: 700,
        sumTemperature: 551.5,
        sumVibration: 21.25,
        plannedReadings: 10,
        runningReadings: 8,
        coveredMs: 10_000,
        runningMs: 8_000,
        sumLoadRunning: 640,
        goodCount: 40,
        rejectCount: 2,
      }),
      sums('press-1', T + MINUTE, {
        readings: 6,
        sumLoad: 120,
        sumTemperature: 300,
        sumVibration: 6,
        plannedReadings: 2,
        runningReadings: 1,
        coveredMs: 2_000,
        runningMs: 1_000,
        sumLoadRunning: 95,
        goodCount: 3,
      }),
      sums('press-2', T + 2 * MINUTE, {
        readings: 3,
        sumLoad: 330,
        sumTemperature: 3 * 71.3,
        sumVibration: 9.9,
        plannedReadings: 3,
        runningReadings: 3,
        coveredMs: 3_000,
        runningMs: 3_000,
        sumLoadRunning: 330,
      }),
    ];
    // Batch 2: more of 22:59 (the same window, added to) and 00:00 of the next day.
    const batch2 = [
      sums('press-1', T + MINUTE, {
        readings: 4,
        sumLoad: 260,
        sumTemperature: 222,
        sumVibration: 9,
        plannedReadings: 4,
        runningReadings: 4,
        coveredMs: 4_000,
        runningMs: 4_000,
        sumLoadRunning: 260,
        goodCount: 17,
        rejectCount: 1,
      }),
      sums('press-1', T + 62 * MINUTE, {
        readings: 5,
        sumLoad: 250,
        sumTemperature: 250,
        sumVibration: 5,
        plannedReadings: 5,
        runningReadings: 5,
        coveredMs: 5_000,
        runningMs: 5_000,
        sumLoadRunning: 250,
      }),
    ];
    const anomalies = [
      { machineId: 'press-1', windowStart: T + MINUTE, windowMs: MINUTE, count: 2 },
      // A window with anomalies and no reading.
      { machineId: 'press-2', windowStart: T, windowMs: MINUTE, count: 1 },
    ];
    const touched = [...batch1, ...batch2, ...anomalies].map(({ machineId, windowStart }) => ({
      machineId,
      windowStart,
    }));

    await inTransaction(pool, async (client) => {
      await addWindowSums(client, batch1);
      await refreshPerformanceMetrics(client, batch1, MINUTE);
    });
    await inTransaction(pool, async (client) => {
      await addWindowSums(client, batch2);
      await addAnomalyCounts(client, anomalies);
      await refreshPerformanceMetrics(client, touched, MINUTE);
    });

    const [a0, a1a] = batch1;
    const [a1b, a62] = batch2;
    const b2 = batch1[2]!;
    const a1 = mergeSums(mergeSums(a1a!, a1b!), sums('press-1', T + MINUTE, { anomalyCount: 2 }));
    const b0 = sums('press-2', T, { anomalyCount: 1 });
    const day1 = Date.UTC(2025, 2, 9);
    const day2 = Date.UTC(2025, 2, 10);
    const total = (windows: WindowSums[]) =>
      windows.reduce((all, w) => mergeSums(all, { ...w, windowStart: all.windowStart }));
    const hour22 = T - 58 * MINUTE;
    const hour23 = T + 2 * MINUTE;
    const hour00 = T + 62 * MINUTE;
    const rows = await metricsRows();
    expect(rows).toEqual([
      expectedRow('press-1', 'P1D', day1, day2, total([a0!, a1])),
      expectedRow('press-1', 'P1D', day2, day2 + 24 * HOUR, a62!),
      expectedRow('press-1', 'PT1H', hour22, hour23, total([a0!, a1])),
      expectedRow('press-1', 'PT1H', hour00, hour00 + HOUR, a62!),
      expectedRow('press-1', 'PT1M', T, T + MINUTE, a0!),
      expectedRow('press-1', 'PT1M', T + MINUTE, T + 2 * MINUTE, a1),
      expectedRow('press-1', 'PT1M', hour00, hour00 + MINUTE, a62!),
      expectedRow('press-2', 'P1D', day1, day2, total([b0, b2])),
      expectedRow('press-2', 'PT1H', hour22, hour23, b0),
      expectedRow('press-2', 'PT1H', hour23, hour00, b2),
      expectedRow('press-2', 'PT1M', T, T + MINUTE, b0),
      expectedRow('press-2', 'PT1M', hour23, hour23 + MINUTE, b2),
    ]);
    // The roll-up adds sums: 13 s running of 16 s planned, not the mean of 80 % and 83.33 %.
    expect(rows[2]?.uptime_percentage).toBe('81.25');
    expect(rows[8]).toMatchObject({ average_load: null, anomaly_count: 1 });

    const before = await pool.query<{ id: number; xmin: string }>(
      'SELECT id, xmin::text FROM performance_metrics ORDER BY id',
    );
    await inTransaction(pool, (client) => refreshPerformanceMetrics(client, touched, MINUTE));
    const after = await pool.query<{ id: number; xmin: string }>(
      'SELECT id, xmin::text FROM performance_metrics ORDER BY id',
    );
    expect(await metricsRows()).toEqual(rows);
    // Same rows, none rewritten.
    expect(after.rows).toEqual(before.rows);
  });

  it('given a one-hour base window, when refreshed, then the base rows are the hourly rows', async () => {
    const start = Date.UTC(2025, 5, 1, 4);
    const window = windowSums('mill-9', start, HOUR, { readings: 2, sumLoad: 100, plannedReadings: 2 });
    await inTransaction(pool, async (client) => {
      await addWindowSums(client, [window]);
      await refreshPerformanceMetrics(client, [window, window], HOUR);
    });
    const rows = (await metricsRows()).filter((row) => row.machine_id === 'mill-9');
    expect(rows.map((row) => row.resolution)).toEqual(['P1D', 'PT1H']);
  });

  it('given models activated over time, when windows are refreshed with their machine types, then each row names the model live when its latest reading arrived, and a refresh without a type keeps it', async () => {
    const start = Date.UTC(2025, 7, 4, 10);
    await pool.query(
      `INSERT INTO ml_models (model_id, machine_type, model_version, model_name, status, activated_at)
       VALUES ('lathe-v1', 'lathe', 'v1', 'robust-z-ewma', 'INACTIVE', $1::timestamptz AT TIME ZONE 'UTC'),
              ('lathe-v2', 'lathe', 'v2', 'robust-z-ewma', 'ACTIVE', $2::timestamptz AT TIME ZONE 'UTC'),
              ('mill-v7', 'mill', 'v7', 'robust-z-ewma', 'ACTIVE', $1::timestamptz AT TIME ZONE 'UTC')`,
      [new Date(start - HOUR).toISOString(), new Date(start + 90_000).toISOString()],
    );
    // Readings arriving on time, at each window's end.
    const before = windowSums('lathe-7', start, MINUTE, {
      readings: 1,
      sumLoad: 50,
      plannedReadings: 1,
      lastArrival: start + MINUTE,
    });
    const after = windowSums('lathe-7', start + 2 * MINUTE, MINUTE, {
      readings: 1,
      plannedReadings: 1,
      lastArrival: start + 3 * MINUTE,
    });
    const types = new Map([['lathe-7', 'lathe']]);
    await inTransaction(pool, async (client) => {
      await addWindowSums(client, [before, after]);
      await refreshPerformanceMetrics(client, [before, after], MINUTE, types);
    });
    const versions = async () =>
      (
        await pool.query<{ resolution: string; calculation_time: number; ml_model_version: string | null }>(
          `SELECT resolution, (extract(epoch from calculation_time) * 1000)::float8 AS calculation_time,
                  ml_model_version
             FROM performance_metrics WHERE machine_id = 'lathe-7'
            ORDER BY resolution COLLATE "C", calculation_time`,
        )
      ).rows;
    // v2 went live 90 s in: the first minute ended under v1, the third under v2, and so did the hour and day.
    expect(await versions()).toEqual([
      { resolution: 'P1D', calculation_time: Date.UTC(2025, 7, 5), ml_model_version: 'v2' },
      { resolution: 'PT1H', calculation_time: start + HOUR, ml_model_version: 'v2' },
      { resolution: 'PT1M', calculation_time: start + MINUTE, ml_model_version: 'v1' },
      { resolution: 'PT1M', calculation_time: start + 3 * MINUTE, ml_model_version: 'v2' },
    ]);

    // An anomaly count refresh knows no machine type: the versions stay.
    await inTransaction(pool, async (client) => {
      await addAnomalyCounts(client, [
        { machineId: 'lathe-7', windowStart: start, windowMs: MINUTE, count: 1 },
      ]);
      await refreshPerformanceMetrics(client, [before], MINUTE);
    });
    expect((await versions()).map((row) => row.ml_model_version)).toEqual(['v2', 'v2', 'v1', 'v2']);

    // A backlog of the first minute that reached the broker after v2 went live was judged by v2.
    const late = { ...before, readings: 1, sumLoad: 0, plannedReadings: 1, lastArrival: start + 10 * MINUTE };
    await inTransaction(pool, async (client) => {
      await addWindowSums(client, [late]);
      await refreshPerformanceMetrics(client, [late], MINUTE, types);
    });
    expect((await versions()).map((row) => row.ml_model_version)).toEqual(['v2', 'v2', 'v2', 'v2']);
  });

  it('given time credited in one batch and partly taken back in the next, when added, then the window and its roll-ups hold the difference and the metrics follow', async () => {
    const start = Date.UTC(2025, 9, 1, 6, 30);
    // Batch 1: a RUNNING reading at 50 s, credited 30 s (10 here, 20 in the next minute); a FAULT one at 0 s.
    const credited = [
      windowSums('drill-4', start, MINUTE, {
        readings: 2,
        plannedReadings: 2,
        runningReadings: 1,
        coveredMs: 60_000,
        runningMs: 10_000,
      }),
      windowSums('drill-4', start + MINUTE, MINUTE, { coveredMs: 20_000, runningMs: 20_000 }),
    ];
    // Batch 2: the next reading, at 55 s, takes back 55 s..1:20 of RUNNING and covers 55 s..1:25 as FAULT.
    const corrected = [
      windowSums('drill-4', start, MINUTE, {
        readings: 1,
        plannedReadings: 1,
        coveredMs: 0,
        runningMs: -5_000,
      }),
      windowSums('drill-4', start + MINUTE, MINUTE, { coveredMs: 5_000, runningMs: -20_000 }),
    ];
    for (const batch of [credited, corrected]) {
      await inTransaction(pool, async (client) => {
        await addWindowSums(client, batch);
        await refreshPerformanceMetrics(client, batch, MINUTE);
      });
    }
    const times = await pool.query<{ window_start: number; covered_ms: number; running_ms: number }>(
      `SELECT (extract(epoch from window_start) * 1000)::float8 AS window_start, covered_ms, running_ms
         FROM performance_windows WHERE machine_id = 'drill-4' ORDER BY window_start`,
    );
    expect(times.rows).toEqual([
      { window_start: start, covered_ms: 60_000, running_ms: 5_000 },
      { window_start: start + MINUTE, covered_ms: 25_000, running_ms: 0 },
    ]);
    const rollUps = await pool.query<{ resolution: string; covered_ms: number; running_ms: number }>(
      `SELECT resolution, covered_ms, running_ms FROM performance_rollups WHERE machine_id = 'drill-4'
        ORDER BY resolution`,
    );
    expect(rollUps.rows).toEqual([
      { resolution: 'P1D', covered_ms: 85_000, running_ms: 5_000 },
      { resolution: 'PT1H', covered_ms: 85_000, running_ms: 5_000 },
    ]);
    const uptime = (await metricsRows())
      .filter((row) => row.machine_id === 'drill-4')
      .map((row) => [row.resolution, row.uptime_percentage]);
    expect(uptime).toEqual([
      ['P1D', '5.88'],
      ['PT1H', '5.88'],
      ['PT1M', '8.33'],
      ['PT1M', '0.00'],
    ]);
  });

  it('given positions saved, when loaded, then they round-trip, and the row keeps the columns of other writers', async () => {
    const seq = emptySeqWindow();
    for (const n of [5, 8, 39, 40]) markSeq(seq, n);
    const positions = new Map<string, MachineWindowPosition>([
      [
        'lathe-1',
        {
          seq,
          countersTime: T + 1,
          lastGood: 123_456_789,
          lastReject: 0,
          lastEventTime: T + 2,
          lastStatus: 'MAINTENANCE',
          coveredUntil: T + 30_002,
        },
      ],
      [
        'lathe-2',
        {
          seq: emptySeqWindow(),
          countersTime: null,
          lastGood: null,
          lastReject: null,
          lastEventTime: null,
          lastStatus: null,
          coveredUntil: null,
        },
      ],
    ]);
    await pool.query(
      `INSERT INTO projector_positions (machine_id, event_source_offset, event_index, action_id)
       VALUES ('lathe-1', 77, 3, 9)`,
    );
    await inTransaction(pool, (client) => saveWindowPositions(client, positions));
    const loaded = await inTransaction(pool, (client) =>
      loadWindowPositions(client, ['lathe-1', 'lathe-2', 'lathe-3']),
    );
    expect(loaded).toEqual(positions);
    expect(seq.recent).toBeGreaterThan(2 ** 31); // unsigned 32-bit values survive the round trip

    const next = new Map([['lathe-1', { ...positions.get('lathe-1')!, lastReject: 4 }]]);
    await inTransaction(pool, (client) => saveWindowPositions(client, next));
    const row = await pool.query<Record<string, unknown>>(
      `SELECT event_source_offset::int, event_index, action_id::int, last_reject::int
         FROM projector_positions WHERE machine_id = 'lathe-1'`,
    );
    expect(row.rows).toEqual([{ event_source_offset: 77, event_index: 3, action_id: 9, last_reject: 4 }]);
  });

  it('given no rows to write, when called, then nothing is sent', async () => {
    await inTransaction(pool, async (client) => {
      await addWindowSums(client, []);
      await addAnomalyCounts(client, []);
      await saveWindowPositions(client, new Map());
      await refreshPerformanceMetrics(client, [], MINUTE);
      expect((await loadWindowPositions(client, [])).size).toBe(0);
    });
  });
});
