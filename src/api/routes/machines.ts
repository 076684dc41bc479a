// Machines: the current twin of each (machine_twins, materialized by the projector from TWIN_UPDATED events),
// its anomalies (anomaly_records, written by the processor) and its performance metrics (performance_metrics).
import { unknownPercentage } from '../../../processors/performance-windows/index.js';
import {
  findMachine,
  listMachineAnomalies,
  listMachineMetrics,
  listMachines,
  machineKnown,
  type MachineSummaryRow,
} from '../../db/repositories/machines.js';
import type { ApiRoutes } from '../context.js';
import { badRequest, notFound } from '../http-errors.js';
import {
  decodeKeyCursor,
  decodeTimeCursor,
  encodeKeyCursor,
  encodeTimeCursor,
  iso,
  isoOrNull,
  numberOrNull,
  pageOf,
  parseTime,
} from '../paging.js';
import {
  pagedResponse,
  errorResponses,
  identifier,
  isoTime,
  jsonObject,
  machineParams,
  machineStatus,
  nullableIsoTime,
  nullableJsonObject,
  nullableNumber,
  nullableString,
  pageQuery,
  queryTime,
  severity,
  type MachineParams,
  type PageQuery,
} from '../schemas.js';

export const TWIN_SOURCE =
  'TWIN_UPDATED events on twin.events: per machine on each new TWIN_PUBLISH_INTERVAL_MS of its event time, status change or anomaly event';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Metrics resolutions: the range a request may span, and the range served when `from` is omitted. */
const RESOLUTIONS = {
  base: { maxRangeMs: 31 * DAY_MS, defaultRangeMs: DAY_MS },
  PT1H: { maxRangeMs: 366 * DAY_MS, defaultRangeMs: 7 * DAY_MS },
  P1D: { maxRangeMs: 3660 * DAY_MS, defaultRangeMs: 90 * DAY_MS },
} as const;
type Resolution = keyof typeof RESOLUTIONS;
const RESOLUTION_ALIASES: Record<string, Resolution> = {
  base: 'base',
  PT1H: 'PT1H',
  hour: 'PT1H',
  P1D: 'P1D',
  day: 'P1D',
};

const machineSummary = {
  type: 'object',
  additionalProperties: false,
  required: ['machine_id', 'machine_type', 'status', 'status_since', 'last_event_time', 'projected_at'],
  properties: {
    machine_id: { type: 'string' },
    machine_type: { type: 'string' },
    status: { type: 'string' },
    status_since: isoTime,
    last_event_time: { ...isoTime, description: "event time of the twin's latest in-order reading" },
    projected_at: { ...isoTime, description: 'when the projector wrote this state' },
  },
} as const;

const twinBody = {
  type: 'object',
  description: 'The twin as the processor last published it: latest values, counters, statistics per sensor.',
  additionalProperties: true,
  properties: {
    status: { type: 'string' },
    status_since: nullableIsoTime,
    first_seen: nullableIsoTime,
    last_seen: nullableIsoTime,
    latest: { ...jsonObject, description: 'latest value per sensor' },
    counters: { ...jsonObject, description: 'readings applied, out of order, duplicates, late' },
    stats: { ...jsonObject, description: 'per sensor: count, mean, std_dev, min, max (EWMA, ~1 min)' },
  },
} as const;

const machineDetail = {
  type: 'object',
  additionalProperties: false,
  required: [
    ...machineSummary.required,
    'source_partition',
    'source_offset',
    'twin',
    'freshness',
    'open_alerts',
  ],
  properties: {
    ...machineSummary.properties,
    source_partition: { type: 'integer' },
    source_offset: { type: 'integer' },
    twin: twinBody,
    freshness: {
      type: 'object',
      additionalProperties: false,
      required: ['last_event_time', 'projected_at', 'source'],
      properties: { last_event_time: isoTime, projected_at: isoTime, source: { type: 'string' } },
    },
    open_alerts: { type: 'integer', description: 'alerts of this machine not RESOLVED' },
  },
} as const;

const anomalyItem = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'machine_id', 'anomaly_type', 'severity', 'timestamp'],
  properties: {
    id: { type: 'integer' },
    event_id: nullableString,
    machine_id: { type: 'string' },
    anomaly_type: { type: 'string' },
    severity: { type: 'string' },
    timestamp: { ...isoTime, description: 'event time of the detection' },
    sensor_data: { ...nullableJsonObject, description: 'the reading that caused it' },
    calculated_metrics: {
      ...nullableJsonObject,
      description: 'value, bound, severity, rate, deviation from baseline, duration',
    },
    ml_confidence: nullableNumber,
    algorithm_used: nullableString,
  },
} as const;

const metricsItem = {
  type: 'object',
  additionalProperties: false,
  required: ['resolution', 'window_start', 'window_end'],
  properties: {
    resolution: { type: 'string', description: 'ISO-8601 duration of the window (PT1M, PT1H, P1D)' },
    window_start: isoTime,
    window_end: { ...isoTime, description: 'calculation_time' },
    average_load: nullableNumber,
    average_temperature: nullableNumber,
    average_vibration: nullableNumber,
    uptime_percentage: nullableNumber,
    efficiency_rating: nullableNumber,
    unknown_percentage: {
      ...nullableNumber,
      description:
        'share of the window no reading covers (a status holds until the next reading, at most METRICS_MAX_READING_GAP_MS); uptime is of the known time only',
    },
    anomaly_count: { type: ['integer', 'null'] },
    ml_model_version: nullableString,
  },
} as const;

const summaryOf = (row: MachineSummaryRow) => ({
  machine_id: row.machine_id,
  machine_type: row.machine_type,
  status: row.status,
  status_since: iso(row.status_since_ms),
  last_event_time: iso(row.last_event_time_ms),
  projected_at: iso(row.projected_at_ms),
});

/** Times inside the twin JSON are epoch ms (as on twin.events); the API speaks ISO-8601. */
const TWIN_TIME_KEYS = ['status_since', 'first_seen', 'last_seen'];
function twinView(twin: Record<string, unknown>): Record<string, unknown> {
  const view: Record<string, unknown> = { ...twin };
  for (const key of TWIN_TIME_KEYS) {
    const value = twin[key];
    if (typeof value === 'number') view[key] = isoOrNull(value);
  }
  return view;
}

function timeRange(query: { from?: string; to?: string }): { from: number | null; to: number | null } {
  const from = query.from === undefined ? null : parseTime(query.from, "query parameter 'from'");
  const to = query.to === undefined ? null : parseTime(query.to, "query parameter 'to'");
  if (from !== null && to !== null && from > to) {
    throw badRequest(`query parameter 'from' (${query.from}) must not be after 'to' (${query.to})`);
  }
  return { from, to };
}

export const machineRoutes: ApiRoutes = (app, { analyticsPool, now }) => {
  app.get<{ Querystring: PageQuery & { machine_type?: string; status?: string } }>(
    '/machines',
    {
      schema: {
        tags: ['machines'],
        summary: 'List machines with their current status',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { machine_type: identifier, status: machineStatus, ...pageQuery },
        },
        response: {
          200: pagedResponse(machineSummary),
          ...errorResponses(400),
        },
      },
    },
    async (request) => {
      const { machine_type: machineType, status, limit, cursor } = request.query;
      const after = cursor === undefined ? null : decodeKeyCursor('machines', cursor);
      const rows = await listMachines(
        analyticsPool,
        { machineType: machineType ?? null, status: status ?? null },
        after,
        limit + 1,
      );
      return pageOf(rows, limit, summaryOf, (row) => encodeKeyCursor('machines', row.machine_id));
    },
  );

  app.get<{ Params: MachineParams }>(
    '/machines/:machine_id',
    {
      schema: {
        tags: ['machines'],
        summary: 'The current twin of a machine, how fresh it is, and its open alert count',
        params: machineParams,
        response: { 200: machineDetail, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const { machine_id: machineId } = request.params;
      const row = await findMachine(analyticsPool, machineId);
      if (!row) throw notFound(`no machine ${machineId}`);
      const summary = summaryOf(row);
      return {
        ...summary,
        source_partition: row.source_partition,
        source_offset: Number(row.source_offset),
        twin: twinView(row.twin),
        freshness: {
          last_event_time: summary.last_event_time,
          projected_at: summary.projected_at,
          source: TWIN_SOURCE,
        },
        open_alerts: row.open_alerts,
      };
    },
  );

  app.get<{
    Params: MachineParams;
    Querystring: PageQuery & { from?: string; to?: string; severity?: string; anomaly_type?: string };
  }>(
    '/machines/:machine_id/anomalies',
    {
      schema: {
        tags: ['machines'],
        summary: "A machine's anomaly records, newest first",
        description: 'from (inclusive) and to (exclusive) bound the event time of the detection.',
        params: machineParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            from: queryTime,
            to: queryTime,
            severity,
            anomaly_type: { type: 'string', minLength: 1, maxLength: 50 },
            ...pageQuery,
          },
        },
        response: {
          200: pagedResponse(anomalyItem),
          ...errorResponses(400, 404),
        },
      },
    },
    async (request) => {
      const { machine_id: machineId } = request.params;
      const { limit, cursor } = request.query;
      const { from, to } = timeRange(request.query);
      const after = cursor === undefined ? null : decodeTimeCursor('anomalies', cursor);
      const rows = await listMachineAnomalies(
        analyticsPool,
        machineId,
        {
          from,
          to,
          severity: request.query.severity ?? null,
          anomalyType: request.query.anomaly_type ?? null,
        },
        after,
        limit + 1,
      );
      if (
        rows.length === 0 &&
        after === null &&
        !(await machineKnown(analyticsPool, machineId, 'anomaly_records'))
      ) {
        throw notFound(`no machine ${machineId}`);
      }
      return pageOf(
        rows,
        limit,
        (row) => ({
          id: row.id,
          event_id: row.event_id,
          machine_id: row.machine_id,
          anomaly_type: row.anomaly_type,
          severity: row.severity,
          timestamp: iso(row.timestamp_ms),
          sensor_data: row.sensor_data ?? null,
          calculated_metrics: row.calculated_metrics ?? null,
          ml_confidence: numberOrNull(row.ml_confidence),
          algorithm_used: row.algorithm_used,
        }),
        (row) => encodeTimeCursor('anomalies', { time: row.timestamp_ms, id: row.id }),
      );
    },
  );

  app.get<{ Params: MachineParams; Querystring: { from?: string; to?: string; resolution: string } }>(
    '/machines/:machine_id/metrics',
    {
      schema: {
        tags: ['machines'],
        summary: "A machine's performance metrics per window, oldest first",
        description:
          "resolution: base (the projector's base window, e.g. PT1M), PT1H or hour, P1D or day (UTC days). " +
          'from (inclusive) and to (exclusive) bound window_start; to defaults to now, from to 1 day (base), ' +
          '7 days (PT1H) or 90 days (P1D) before to. A range may span at most 31 days (base), 366 days ' +
          '(PT1H) or 3660 days (P1D).',
        params: machineParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            from: queryTime,
            to: queryTime,
            resolution: { type: 'string', enum: Object.keys(RESOLUTION_ALIASES), default: 'base' },
          },
        },
        response: {
          200: {
            type: 'object',
            additionalProperties: false,
            required: ['machine_id', 'resolution', 'from', 'to', 'items'],
            properties: {
              machine_id: { type: 'string' },
              resolution: { type: 'string', enum: Object.keys(RESOLUTIONS) },
              from: isoTime,
              to: isoTime,
              items: { type: 'array', items: metricsItem },
            },
          },
          ...errorResponses(400, 404),
        },
      },
    },
    async (request) => {
      const { machine_id: machineId } = request.params;
      const resolution = RESOLUTION_ALIASES[request.query.resolution] ?? 'base';
      const limits = RESOLUTIONS[resolution];
      const range = timeRange(request.query);
      const to = range.to ?? now();
      const from = range.from ?? to - limits.defaultRangeMs;
      if (from > to) {
        throw badRequest(`query parameter 'from' (${request.query.from}) must not be after 'to' (now)`);
      }
      if (to - from > limits.maxRangeMs) {
        throw badRequest(
          `the range from ${iso(from)} to ${iso(to)} is longer than ${limits.maxRangeMs / DAY_MS} days, ` +
            `the most resolution ${resolution} serves: narrow 'from' and 'to'`,
        );
      }
      const rows = await listMachineMetrics(analyticsPool, machineId, resolution, from, to);
      if (rows.length === 0 && !(await machineKnown(analyticsPool, machineId, 'performance_metrics'))) {
        throw notFound(`no machine ${machineId}`);
      }
      return {
        machine_id: machineId,
        resolution,
        from: iso(from),
        to: iso(to),
        items: rows.map((row) => ({
          resolution: row.resolution,
          window_start: iso(row.window_start_ms),
          window_end: iso(row.window_end_ms),
          average_load: numberOrNull(row.average_load),
          average_temperature: numberOrNull(row.average_temperature),
          average_vibration: numberOrNull(row.average_vibration),
          uptime_percentage: numberOrNull(row.uptime_percentage),
          efficiency_rating: numberOrNull(row.efficiency_rating),
          unknown_percentage:
            row.covered_ms === null
              ? null
              : unknownPercentage({ coveredMs: row.covered_ms }, row.window_end_ms - row.window_start_ms),
          anomaly_count: row.anomaly_count,
          ml_model_version: row.ml_model_version,
        })),
      };
    },
  );
};
