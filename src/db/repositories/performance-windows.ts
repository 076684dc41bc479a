// The projector's writes for performance metrics, inside its batch transaction: per-window sums and their hour
// and UTC day roll-ups (added, so a batch's partial sums accumulate; a correction of time credited earlier is a
// negative partial sum), the per-machine window positions, and the
// performance_metrics rows of each touched window, hour and day, computed from those sums (one row each). One
// statement per step, whatever the batch size (UNNEST arrays).
import type { PoolClient } from 'pg';
import {
  DAY_MS,
  HOUR_MS,
  ROLL_UP_MS,
  baseResolution,
  emptySums,
  mergeSums,
  rollUpStart,
  windowMetrics,
  type MachineWindowPosition,
  type RollUpResolution,
  type WindowSums,
  type WindowTotals,
} from '../../../processors/performance-windows/index.js';
import { MACHINE_STATUSES, type MachineStatus } from '../../../processors/readings/reading.js';
import { NO_SEQ, emptySeqWindow } from '../../../processors/twin-state/seq-window.js';
import { utcTimestamp } from '../sql-time.js';

const numberOrNull = (value: string | number | null): number | null =>
  value === null ? null : Number(value);
const statusOrNull = (value: string | null): MachineStatus | null =>
  (MACHINE_STATUSES as readonly string[]).includes(value ?? '') ? (value as MachineStatus) : null;

export interface AnomalyWindowCount {
  readonly machineId: string;
  readonly windowStart: number;
  readonly windowMs: number;
  readonly count: number;
}

export interface TouchedWindow {
  readonly machineId: string;
  readonly windowStart: number;
  /** Arrival of the latest reading that touched it in this batch (WindowSums.lastArrival); 0 or absent: none. */
  readonly lastArrival?: number;
}

/** The window positions of those machines that have a projector_positions row. */
export async function loadWindowPositions(
  client: PoolClient,
  machineIds: readonly string[],
): Promise<Map<string, MachineWindowPosition>> {
  const positions = new Map<string, MachineWindowPosition>();
  if (machineIds.length === 0) return positions;
  const result = await client.query<{
    machine_id: string;
    seq_high: number | null;
    seq_recent: number | null;
    seq_older: number | null;
    counters_time: string | null;
    last_good: string | null;
    last_reject: string | null;
    last_event_time: string | null;
    last_status: string | null;
    covered_until: string | null;
  }>(
    `SELECT machine_id, seq_high, seq_recent, seq_older, counters_time, last_good, last_reject,
            last_event_time, last_status, covered_until
       FROM projector_positions WHERE machine_id = ANY($1::text[])`,
    [[...new Set(machineIds)]],
  );
  for (const row of result.rows) {
    const seq =
      row.seq_high === null
        ? emptySeqWindow()
        : { high: row.seq_high, recent: row.seq_recent ?? 0, older: row.seq_older ?? 0 };
    positions.set(row.machine_id, {
      seq,
      countersTime: numberOrNull(row.counters_time),
      lastGood: numberOrNull(row.last_good),
      lastReject: numberOrNull(row.last_reject),
      lastEventTime: numberOrNull(row.last_event_time),
      lastStatus: statusOrNull(row.last_status),
      coveredUntil: numberOrNull(row.covered_until),
    });
  }
  return positions;
}

/** Upserts the positions; only the window columns, the row's other columns belong to another writer. */
export async function saveWindowPositions(
  client: PoolClient,
  positions: ReadonlyMap<string, MachineWindowPosition>,
): Promise<void> {
  if (positions.size === 0) return;
  // Sorted, so concurrent transactions lock rows in one order.
  const entries = [...positions].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const noSeq = (position: MachineWindowPosition) => position.seq.high === NO_SEQ;
  await client.query(
    `INSERT INTO projector_positions
       (machine_id, seq_high, seq_recent, seq_older, counters_time, last_good, last_reject, last_event_time,
        last_status, covered_until)
     SELECT * FROM unnest($1::text[], $2::float8[], $3::float8[], $4::float8[], $5::bigint[], $6::bigint[],
                          $7::bigint[], $8::bigint[], $9::text[], $10::bigint[])
     ON CONFLICT (machine_id) DO UPDATE SET
       seq_high = EXCLUDED.seq_high, seq_recent = EXCLUDED.seq_recent, seq_older = EXCLUDED.seq_older,
       counters_time = EXCLUDED.counters_time, last_good = EXCLUDED.last_good,
       last_reject = EXCLUDED.last_reject, last_event_time = EXCLUDED.last_event_time,
       last_status = EXCLUDED.last_status, covered_until = EXCLUDED.covered_until`,
    [
      entries.map(([machineId]) => machineId),
      entries.map(([, p]) => (noSeq(p) ? null : p.seq.high)),
      entries.map(([, p]) => (noSeq(p) ? null : p.seq.recent)),
      entries.map(([, p]) => (noSeq(p) ? null : p.seq.older)),
      entries.map(([, p]) => p.countersTime),
      entries.map(([, p]) => p.lastGood),
      entries.map(([, p]) => p.lastReject),
      entries.map(([, p]) => p.lastEventTime),
      entries.map(([, p]) => p.lastStatus),
      entries.map(([, p]) => p.coveredUntil),
    ],
  );
}

const windowKey = (machineId: string, windowStart: number) => `${machineId}\u0000${windowStart}`;

function byMachineAndStart(a: TouchedWindow, b: TouchedWindow): number {
  if (a.machineId !== b.machineId) return a.machineId < b.machineId ? -1 : 1;
  return a.windowStart - b.windowStart;
}

/** One row per window (an upsert may touch a row only once per statement), in lock order. */
function mergeByWindow(sums: readonly WindowSums[]): WindowSums[] {
  const merged = new Map<string, WindowSums>();
  for (const item of sums) {
    const key = windowKey(item.machineId, item.windowStart);
    const earlier = merged.get(key);
    merged.set(key, earlier === undefined ? item : mergeSums(earlier, item));
  }
  return [...merged.values()].sort(byMachineAndStart);
}

/** The sum columns of performance_windows and performance_rollups: column, WindowTotals field, array type. */
const SUMS: ReadonlyArray<readonly [string, keyof WindowTotals, string]> = [
  ['readings', 'readings', 'int'],
  ['sum_load', 'sumLoad', 'bigint'],
  ['sum_temperature', 'sumTemperature', 'bigint'],
  ['sum_vibration', 'sumVibration', 'bigint'],
  ['planned_readings', 'plannedReadings', 'int'],
  ['running_readings', 'runningReadings', 'int'],
  ['sum_load_running', 'sumLoadRunning', 'bigint'],
  ['good_count', 'goodCount', 'bigint'],
  ['reject_count', 'rejectCount', 'bigint'],
  ['anomaly_count', 'anomalyCount', 'int'],
  ['covered_ms', 'coveredMs', 'int'],
  ['running_ms', 'runningMs', 'int'],
  ['maintenance_ms', 'maintenanceMs', 'int'],
];
const sumValues = (rows: readonly WindowTotals[]) => SUMS.map(([, field]) => rows.map((row) => row[field]));

/**
 * `INSERT … SELECT FROM unnest(…) ON CONFLICT (conflict) DO UPDATE` adding the sums to `table`'s rows, whose
 * other columns come first: one statement for any number of rows.
 */
function addSumsStatement(
  table: string,
  keyColumns: ReadonlyArray<readonly [string, string]>,
  conflict: readonly string[],
): string {
  const columns = [...keyColumns.map(([name]) => name), ...SUMS.map(([column]) => column)];
  const types = [...keyColumns.map(([, type]) => type), ...SUMS.map(([, , type]) => type)];
  const selected = columns.map((name) => (name === 'window_start' ? utcTimestamp(name) : name));
  return `INSERT INTO ${table} (${columns.join(', ')}, updated_at)
     SELECT ${selected.join(', ')}, CURRENT_TIMESTAMP
       FROM unnest(${types.map((type, i) => `$${i + 1}::${type}[]`).join(', ')}) AS x(${columns.join(', ')})
     ON CONFLICT (${conflict.join(', ')}) DO UPDATE SET
       ${SUMS.map(([column]) => `${column} = ${table}.${column} + EXCLUDED.${column}`).join(', ')},
       updated_at = CURRENT_TIMESTAMP`;
}

const ADD_WINDOW_SUMS = addSumsStatement(
  'performance_windows',
  [
    ['machine_id', 'text'],
    ['window_start', 'float8'],
    ['window_ms', 'int'],
  ],
  ['machine_id', 'window_start'],
);
const ADD_ROLLUP_SUMS = addSumsStatement(
  'performance_rollups',
  [
    ['machine_id', 'text'],
    ['resolution', 'text'],
    ['window_start', 'float8'],
  ],
  ['machine_id', 'resolution', 'window_start'],
);

/** The partial sums of the hours and days the windows fall in, one entry per roll-up row, in lock order. */
function rollUps(windows: readonly WindowSums[]): Array<WindowSums & { resolution: RollUpResolution }> {
  const merged = new Map<string, WindowSums & { resolution: RollUpResolution }>();
  for (const window of windows) {
    for (const resolution of ['PT1H', 'P1D'] as const) {
      const start = rollUpStart(window.windowStart, resolution);
      const key = `${window.machineId}\u0000${resolution}\u0000${start}`;
      const earlier = merged.get(key);
      const partial = { ...window, windowStart: start, windowMs: ROLL_UP_MS[resolution] };
      merged.set(key, { ...(earlier === undefined ? partial : mergeSums(earlier, partial)), resolution });
    }
  }
  return [...merged.values()].sort(
    (a, b) =>
      byMachineAndStart(a, b) || (a.resolution < b.resolution ? -1 : a.resolution > b.resolution ? 1 : 0),
  );
}

/**
 * Adds partial sums to their windows and to the hour and day roll-ups they fall in, creating the rows that
 * don't exist yet.
 */
export async function addWindowSums(client: PoolClient, sums: readonly WindowSums[]): Promise<void> {
  const rows = mergeByWindow(sums);
  if (rows.length === 0) return;
  await client.query(ADD_WINDOW_SUMS, [
    rows.map((row) => row.machineId),
    rows.map((row) => row.windowStart),
    rows.map((row) => row.windowMs),
    ...sumValues(rows),
  ]);
  const rollUpRows = rollUps(rows);
  await client.query(ADD_ROLLUP_SUMS, [
    rollUpRows.map((row) => row.machineId),
    rollUpRows.map((row) => row.resolution),
    rollUpRows.map((row) => row.windowStart),
    ...sumValues(rollUpRows),
  ]);
}

/** Adds anomaly counts to their windows; a window with no reading yet gets a row of zero sums. */
export async function addAnomalyCounts(
  client: PoolClient,
  counts: readonly AnomalyWindowCount[],
): Promise<void> {
  await addWindowSums(
    client,
    counts.map((count) => ({
      ...emptySums(count.machineId, count.windowStart, count.windowMs),
      anomalyCount: count.count,
    })),
  );
}

interface MetricsKey {
  machineId: string;
  resolution: string;
  start: number;
  end: number;
  /** Latest arrival of the batch's readings in it, null for none. */
  judgedAt: number | null;
  /** A base window (performance_windows) rather than a roll-up (performance_rollups). */
  base: boolean;
}

/**
 * Recomputes the performance_metrics rows of the touched base windows, of their hours and of their UTC days,
 * from the sums in performance_windows (roll-ups add sums; they never average averages). Rows whose values
 * did not change are left alone. With a one-hour base window, the base rows are the hourly ones.
 * `machineTypes` (machine id → type, from the readings) fills ml_model_version: the model that was live for
 * the type when the window's latest reading arrived (latest ml_models.activated_at ≤ its arrival: both server
 * clocks, docs/time.md), i.e. the model the processor judged it with; without a type or an arrival the row
 * keeps the version it has.
 */
export async function refreshPerformanceMetrics(
  client: PoolClient,
  touched: readonly TouchedWindow[],
  windowMs: number,
  machineTypes?: ReadonlyMap<string, string>,
): Promise<void> {
  const keys = new Map<string, MetricsKey>();
  const add = (
    machineId: string,
    resolution: string,
    start: number,
    lengthMs: number,
    base: boolean,
    arrival: number,
  ) => {
    const key = `${machineId}\u0000${resolution}\u0000${start}`;
    const judgedAt = Math.max(arrival, keys.get(key)?.judgedAt ?? 0);
    keys.set(key, {
      machineId,
      resolution,
      start,
      end: start + lengthMs,
      judgedAt: judgedAt > 0 ? judgedAt : null,
      base,
    });
  };
  const base = baseResolution(windowMs);
  for (const { machineId, windowStart, lastArrival = 0 } of touched) {
    if (windowMs !== HOUR_MS) add(machineId, base, windowStart, windowMs, true, lastArrival);
    add(machineId, 'PT1H', rollUpStart(windowStart, 'PT1H'), HOUR_MS, false, lastArrival);
    add(machineId, 'P1D', rollUpStart(windowStart, 'P1D'), DAY_MS, false, lastArrival);
  }
  if (keys.size === 0) return;
  const wanted = [...keys.values()];

  const totals = await client.query<
    { machine_id: string; resolution: string; start_ms: number; end_ms: number } & Record<
      keyof WindowTotals,
      number
    >
  >(
    `SELECT k.machine_id, k.resolution, k.start_ms, k.end_ms,
            ${SUMS.map(([column, alias]) => `coalesce(w.${column}, r.${column})::float8 AS "${alias}"`).join(', ')}
       FROM unnest($1::text[], $2::text[], $3::float8[], $4::float8[], $5::bool[])
         AS k(machine_id, resolution, start_ms, end_ms, base)
       LEFT JOIN performance_windows w
         ON k.base AND w.machine_id = k.machine_id AND w.window_start = ${utcTimestamp('k.start_ms')}
       LEFT JOIN performance_rollups r
         ON NOT k.base AND r.machine_id = k.machine_id AND r.resolution = k.resolution
        AND r.window_start = ${utcTimestamp('k.start_ms')}
      WHERE w.machine_id IS NOT NULL OR r.machine_id IS NOT NULL
      ORDER BY k.machine_id, k.resolution, k.start_ms`,
    [
      wanted.map((key) => key.machineId),
      wanted.map((key) => key.resolution),
      wanted.map((key) => key.start),
      wanted.map((key) => key.end),
      wanted.map((key) => key.base),
    ],
  );
  const judgedAt = new Map(
    wanted.map((key) => [`${key.machineId}\u0000${key.resolution}\u0000${key.start}`, key.judgedAt]),
  );
  const rows = totals.rows.map((row) => ({
    ...row,
    metrics: windowMetrics(row),
    judgedAt: judgedAt.get(`${row.machine_id}\u0000${row.resolution}\u0000${row.start_ms}`) ?? null,
  }));
  if (rows.length === 0) return;

  await client.query(
    `INSERT INTO performance_metrics
       (machine_id, resolution, window_start, calculation_time, average_load, average_temperature,
        average_vibration, uptime_percentage, efficiency_rating, anomaly_count, ml_model_version)
     SELECT m, r, ${utcTimestamp('s')}, ${utcTimestamp('e')}, al, at, av, up, ef, a,
            (SELECT mm.model_version FROM ml_models mm
              WHERE mm.machine_type = mt AND mm.activated_at <= ${utcTimestamp('ja')}
              ORDER BY mm.activated_at DESC, mm.id DESC LIMIT 1)
       FROM unnest($1::text[], $2::text[], $3::float8[], $4::float8[], $5::numeric[], $6::numeric[],
                   $7::numeric[], $8::numeric[], $9::numeric[], $10::int[], $11::text[], $12::float8[])
         AS x(m, r, s, e, al, at, av, up, ef, a, mt, ja)
     ON CONFLICT (machine_id, resolution, calculation_time) DO UPDATE SET
       window_start = EXCLUDED.window_start,
       average_load = EXCLUDED.average_load,
       average_temperature = EXCLUDED.average_temperature,
       average_vibration = EXCLUDED.average_vibration,
       uptime_percentage = EXCLUDED.uptime_percentage,
       efficiency_rating = EXCLUDED.efficiency_rating,
       anomaly_count = EXCLUDED.anomaly_count,
       ml_model_version = coalesce(EXCLUDED.ml_model_version, performance_metrics.ml_model_version)
     WHERE (performance_metrics.window_start, performance_metrics.average_load,
            performance_metrics.average_temperature, performance_metrics.average_vibration,
            performance_metrics.uptime_percentage, performance_metrics.efficiency_rating,
            performance_metrics.anomaly_count, performance_metrics.ml_model_version)
       IS DISTINCT FROM (EXCLUDED.window_start, EXCLUDED.average_load, EXCLUDED.average_temperature,
                         EXCLUDED.average_vibration, EXCLUDED.uptime_percentage, EXCLUDED.efficiency_rating,
                         EXCLUDED.anomaly_count,
                         coalesce(EXCLUDED.ml_model_version, performance_metrics.ml_model_version))`,
    [
      rows.map((row) => row.machine_id),
      rows.map((row) => row.resolution),
      rows.map((row) => row.start_ms),
      rows.map((row) => row.end_ms),
      rows.map((row) => row.metrics.averageLoad),
      rows.map((row) => row.metrics.averageTemperature),
      rows.map((row) => row.metrics.averageVibration),
      rows.map((row) => row.metrics.uptimePercentage),
      rows.map((row) => row.metrics.efficiencyRating),
      rows.map((row) => row.metrics.anomalyCount),
      // Without an arrival (only anomaly counts touched it) the version is left as it is.
      rows.map((row) => (row.judgedAt === null ? null : (machineTypes?.get(row.machine_id) ?? null))),
      rows.map((row) => row.judgedAt),
    ],
  );
}
