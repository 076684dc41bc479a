// The query API over a real socket against real, migrated scratch databases: every route's answer, its
// refusals (400 naming the field, 404, 409), keyset pagination, the concurrent-acknowledge race, a
// configuration change as the processor would read it, the request metrics and the OpenAPI document.
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { pino } from 'pino';
import { Registry, type Counter } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_ALERT_POLICY,
  EMPTY_ALERT_BOOK,
  applyAnomalyEvent,
  type AlertBook,
} from '../../processors/alerts/index.js';
import { anomalies } from '../../processors/testing/anomaly-fixtures.js';
import type { AnomalyEvent } from '../../processors/threshold-detection/index.js';
import { createScratchDatabase, urlForDatabase, type ScratchDatabase } from '../../test/support/postgres.js';
import { migrateDatabases } from '../db/migrate.js';
import { TWIN_SOURCE } from './routes/machines.js';
import { saveAlerts } from '../db/repositories/alerts.js';
import { utcTimestamp } from '../db/sql-time.js';
import { inTransaction } from '../db/transaction.js';
import { createLogger } from '../logger.js';
import { loadMachineConfigs } from '../processor/machine-configs.js';
import { buildApiServer } from './server.js';

const NOW = Date.parse('2026-03-02T12:00:00.000Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const quiet = createLogger({ name: 'api-test', level: 'silent' });

type Json = Record<string, unknown> & { error?: string };
interface Page {
  items: Json[];
  next_cursor: string | null;
}

describe('query API', () => {
  let twin: ScratchDatabase;
  let analytics: ScratchDatabase;
  let twinPool: pg.Pool;
  let analyticsPool: pg.Pool;
  let registry: Registry;
  let server: FastifyInstance;
  let base: string;

  const call = async <T = Json>(method: string, path: string, body?: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      ...(body !== undefined && {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    });
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    return { status: response.status, body: (await response.json()) as T };
  };
  const get = <T = Json>(path: string) => call<T>('GET', path);
  const post = (path: string, body?: unknown) => call('POST', path, body);

  /** Every page of a list, following next_cursor. */
  const allPages = async (path: string): Promise<Page[]> => {
    const pages: Page[] = [];
    let cursor: string | null = null;
    do {
      const separator = path.includes('?') ? '&' : '?';
      const url: string = cursor === null ? path : `${path}${separator}cursor=${cursor}`;
      const { status, body } = await get<Page>(url);
      expect(status).toBe(200);
      pages.push(body);
      cursor = body.next_cursor;
    } while (cursor !== null && pages.length < 20);
    return pages;
  };

  beforeAll(async () => {
    twin = await createScratchDatabase('twin_api');
    analytics = await createScratchDatabase('analytics_api');
    await migrateDatabases({ twinUrl: twin.url, analyticsUrl: analytics.url });
    twinPool = new pg.Pool({ connectionString: twin.url, max: 4 });
    analyticsPool = new pg.Pool({ connectionString: analytics.url, max: 6 });
    await seed(analyticsPool);
    registry = new Registry();
    server = await buildApiServer({ twinPool, analyticsPool, logger: quiet, registry, now: () => NOW });
    await server.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await server?.close();
    await Promise.allSettled([twinPool?.end(), analyticsPool?.end()]);
    await Promise.allSettled([twin?.drop(), analytics?.drop()]);
  });

  describe('GET /machines', () => {
    it('lists machines by id with their status, times as ISO-8601 UTC', async () => {
      const { status, body } = await get<Page>('/machines');
      expect(status).toBe(200);
      expect(body.next_cursor).toBeNull();
      expect(body.items.map((item) => item.machine_id)).toEqual(['cnc_mill-0001', 'pump-0001', 'pump-0002']);
      expect(body.items[1]).toEqual({
        machine_id: 'pump-0001',
        machine_type: 'pump',
        status: 'RUNNING',
        status_since: iso(NOW - 2 * HOUR),
        last_event_time: iso(NOW - MINUTE),
        projected_at: iso(NOW - 30_000),
      });
    });

    it('filters by machine type and status', async () => {
      const pumps = await get<Page>('/machines?machine_type=pump');
      expect(pumps.body.items.map((item) => item.machine_id)).toEqual(['pump-0001', 'pump-0002']);
      const faulted = await get<Page>('/machines?status=FAULT');
      expect(faulted.body.items.map((item) => item.machine_id)).toEqual(['pump-0002']);
    });

    it('pages with an opaque cursor: no item twice, none missed', async () => {
      const pages = await allPages('/machines?limit=2');
      expect(pages.map((page) => page.items.length)).toEqual([2, 1]);
      const ids = pages.flatMap((page) => page.items.map((item) => item.machine_id));
      expect(ids).toEqual(['cnc_mill-0001', 'pump-0001', 'pump-0002']);
    });

    it('refuses a bad status, limit or cursor with 400 naming the parameter', async () => {
      expect(await get('/machines?status=BROKEN')).toEqual({
        status: 400,
        body: { error: "query parameter 'status' must be one of RUNNING, IDLE, STOPPED, FAULT, MAINTENANCE" },
      });
      expect(await get('/machines?limit=0')).toEqual({
        status: 400,
        body: { error: "query parameter 'limit' must be >= 1" },
      });
      expect(await get('/machines?limit=many')).toEqual({
        status: 400,
        body: { error: "query parameter 'limit' must be integer" },
      });
      const badCursor = await get('/machines?cursor=not-a-cursor');
      expect(badCursor.status).toBe(400);
      expect(badCursor.body.error).toMatch(/query parameter 'cursor'/);
      expect(await get('/machines?machine_tpe=pump')).toEqual({
        status: 400,
        body: { error: "query parameter 'machine_tpe' is not allowed" },
      });
    });
  });

  describe('GET /machines/{id}', () => {
    it('returns the twin with its latest values, counters and statistics, its freshness and open alerts', async () => {
      const { status, body } = await get('/machines/pump-0001');
      expect(status).toBe(200);
      expect(body).toMatchObject({
        machine_id: 'pump-0001',
        machine_type: 'pump',
        status: 'RUNNING',
        source_partition: 2,
        source_offset: 4711,
        open_alerts: 2,
        freshness: {
          last_event_time: iso(NOW - MINUTE),
          projected_at: iso(NOW - 30_000),
          source: TWIN_SOURCE,
        },
      });
      expect(body.twin).toEqual({
        status: 'RUNNING',
        status_since: iso(NOW - 2 * HOUR),
        first_seen: iso(NOW - 10 * HOUR),
        last_seen: iso(NOW - MINUTE),
        latest: { temperature: 61.5, vibration: 3.2, load: 74 },
        counters: { applied: 1200, outOfOrder: 2, duplicates: 1, late: 0 },
        stats: { temperature: { count: 1200, mean: 60.1, std_dev: 1.2, min: 55, max: 64 } },
      });
    });

    it('answers 404 for an unknown machine and 400 for an over-long id', async () => {
      expect(await get('/machines/pump-9999')).toEqual({
        status: 404,
        body: { error: 'no machine pump-9999' },
      });
      const long = await get(`/machines/${'x'.repeat(51)}`);
      expect(long).toEqual({
        status: 400,
        body: { error: "path parameter 'machine_id' must NOT have more than 50 characters" },
      });
    });
  });

  describe('GET /machines/{id}/anomalies', () => {
    it('returns anomaly records newest first, filtered by severity, type and time', async () => {
      const all = await get<Page>('/machines/pump-0001/anomalies');
      expect(all.status).toBe(200);
      expect(all.body.items.map((item) => item.timestamp)).toEqual(
        [1, 2, 3, 4, 5].map((n) => iso(NOW - n * 10 * MINUTE)),
      );
      expect(all.body.items[0]).toEqual({
        id: expect.any(Number) as number,
        event_id: 'readings-2-101-0',
        machine_id: 'pump-0001',
        anomaly_type: 'TEMPERATURE_HIGH',
        severity: 'HIGH',
        timestamp: iso(NOW - 10 * MINUTE),
        sensor_data: { machine_id: 'pump-0001', vibration: 11.5 },
        calculated_metrics: { value: 11.5, bound: 11, durationMs: 0 },
        ml_confidence: null,
        algorithm_used: 'threshold',
      });
      const high = await get<Page>('/machines/pump-0001/anomalies?severity=HIGH');
      expect(high.body.items.map((item) => item.severity)).toEqual(['HIGH', 'HIGH']);
      const type = await get<Page>('/machines/pump-0001/anomalies?anomaly_type=TEMPERATURE_HIGH');
      expect(type.body.items).toHaveLength(2);
      const window = await get<Page>(
        `/machines/pump-0001/anomalies?from=${iso(NOW - 40 * MINUTE)}&to=${iso(NOW - 20 * MINUTE)}`,
      );
      expect(window.body.items.map((item) => item.timestamp)).toEqual([
        iso(NOW - 30 * MINUTE),
        iso(NOW - 40 * MINUTE),
      ]);
    });

    it('pages newest first without overlap', async () => {
      const pages = await allPages('/machines/pump-0001/anomalies?limit=2');
      expect(pages.map((page) => page.items.length)).toEqual([2, 2, 1]);
      const ids = pages.flatMap((page) => page.items.map((item) => item.id));
      expect(new Set(ids).size).toBe(5);
    });

    it('refuses bad times and ranges with 400, unknown machines with 404', async () => {
      expect(await get('/machines/pump-0001/anomalies?from=yesterday')).toEqual({
        status: 400,
        body: {
          error:
            "query parameter 'from' must be an ISO-8601 date-time with a zone, e.g. 2026-01-31T08:00:00Z",
        },
      });
      const reversed = await get(`/machines/pump-0001/anomalies?from=${iso(NOW)}&to=${iso(NOW - HOUR)}`);
      expect(reversed.status).toBe(400);
      expect(reversed.body.error).toMatch(/'from' .* must not be after 'to'/);
      expect((await get('/machines/pump-0001/anomalies?severity=SEVERE')).status).toBe(400);
      expect(await get('/machines/pump-9999/anomalies')).toEqual({
        status: 404,
        body: { error: 'no machine pump-9999' },
      });
      // A known machine with nothing in range is an empty page, not a 404.
      const none = await get<Page>('/machines/cnc_mill-0001/anomalies');
      expect(none).toEqual({ status: 200, body: { items: [], next_cursor: null } });
    });
  });

  describe('GET /machines/{id}/metrics', () => {
    const range = `from=${iso(NOW - 3 * HOUR)}&to=${iso(NOW)}`;

    it('serves the base windows by default, oldest first', async () => {
      const { status, body } = await get<{ resolution: string; items: Json[] }>(
        `/machines/pump-0001/metrics?${range}`,
      );
      expect(status).toBe(200);
      expect(body.resolution).toBe('base');
      expect(body.items.map((item) => item.resolution)).toEqual(['PT1M', 'PT1M', 'PT1M']);
      expect(body.items[0]).toEqual({
        resolution: 'PT1M',
        window_start: iso(NOW - 3 * MINUTE),
        window_end: iso(NOW - 2 * MINUTE),
        average_load: 70.5,
        average_temperature: 60.25,
        average_vibration: 3.1,
        uptime_percentage: 100,
        efficiency_rating: 70.5,
        unknown_percentage: 25,
        anomaly_count: 0,
        ml_model_version: null,
      });
      // A row without the sums behind it (written before the windows knew time) knows nothing of it.
      expect(body.items[1]?.unknown_percentage).toBeNull();
    });

    it('serves hourly and daily roll-ups by ISO duration or by name', async () => {
      const hourly = await get<{ resolution: string; items: Json[] }>(
        `/machines/pump-0001/metrics?resolution=hour&${range}`,
      );
      expect(hourly.body.resolution).toBe('PT1H');
      expect(hourly.body.items.map((item) => item.window_start)).toEqual([iso(NOW - HOUR)]);
      expect(hourly.body.items[0]?.unknown_percentage).toBe(10);
      const daily = await get<{ items: Json[]; from: string; to: string }>(
        '/machines/pump-0001/metrics?resolution=P1D',
      );
      // Defaults: to = now, from = 90 days before for daily rows.
      expect(daily.body.to).toBe(iso(NOW));
      expect(daily.body.from).toBe(iso(NOW - 90 * 24 * HOUR));
      expect(daily.body.items.map((item) => item.resolution)).toEqual(['P1D']);
    });

    it('refuses reversed or too long ranges and unknown resolutions with 400; unknown machines 404', async () => {
      const reversed = await get(`/machines/pump-0001/metrics?from=${iso(NOW)}&to=${iso(NOW - HOUR)}`);
      expect(reversed.status).toBe(400);
      expect(reversed.body.error).toMatch(/must not be after/);
      const tooLong = await get(
        `/machines/pump-0001/metrics?from=${iso(NOW - 32 * 24 * HOUR)}&to=${iso(NOW)}`,
      );
      expect(tooLong.status).toBe(400);
      expect(tooLong.body.error).toMatch(/longer than 31 days/);
      const resolution = await get('/machines/pump-0001/metrics?resolution=PT5M');
      expect(resolution.status).toBe(400);
      expect(resolution.body.error).toMatch(/^query parameter 'resolution' must be one of base, PT1H, hour/);
      expect((await get('/machines/pump-9999/metrics')).status).toBe(404);
    });
  });

  describe('GET /alerts', () => {
    it('lists alerts newest first with their state', async () => {
      const { status, body } = await get<Page>('/alerts');
      expect(status).toBe(200);
      expect(body.items.map((item) => item.alert_id)).toEqual([
        'pump-0002:STATUS_FAULT:1',
        'cnc_mill-0001:TEMPERATURE_HIGH:1',
        'pump-0002:LOAD_HIGH:1',
        'pump-0001:VIBRATION_HIGH:1',
        'pump-0001:TEMPERATURE_HIGH:1',
      ]);
      expect(body.items[3]).toMatchObject({
        alert_id: 'pump-0001:VIBRATION_HIGH:1',
        machine_id: 'pump-0001',
        alert_type: 'VIBRATION_HIGH',
        severity: 'CRITICAL',
        status: 'NEW',
        description: 'CRITICAL VIBRATION_HIGH on pump-0001',
        assigned_to: null,
        opened_at: iso(NOW - 50 * MINUTE),
        last_seen: iso(NOW - 45 * MINUTE),
        resolution_time: null,
        shelved_until: null,
      });
      expect(body.items[3]).not.toHaveProperty('transitions');
    });

    it('filters by status, severity and machine', async () => {
      const critical = await get<Page>('/alerts?severity=CRITICAL');
      expect(critical.body.items.map((item) => item.alert_id)).toEqual([
        'pump-0002:LOAD_HIGH:1',
        'pump-0001:VIBRATION_HIGH:1',
      ]);
      const machine = await get<Page>('/alerts?machine_id=pump-0002&status=NEW');
      expect(machine.body.items).toHaveLength(2);
      expect((await get<Page>('/alerts?status=RESOLVED')).body.items).toEqual([]);
    });

    it('pages on (time, id) with no overlap; refuses foreign and malformed cursors', async () => {
      const pages = await allPages('/alerts?limit=2');
      expect(pages.map((page) => page.items.length)).toEqual([2, 2, 1]);
      const ids = pages.flatMap((page) => page.items.map((item) => item.alert_id));
      expect(new Set(ids).size).toBe(5);
      expect(ids).toEqual((await get<Page>('/alerts')).body.items.map((item) => item.alert_id));

      const machinesCursor = (await get<Page>('/machines?limit=1')).body.next_cursor;
      const foreign = await get(`/alerts?cursor=${machinesCursor}`);
      expect(foreign.status).toBe(400);
      expect(foreign.body.error).toMatch(/^query parameter 'cursor' is not a cursor of this list/);
      expect((await get('/alerts?cursor=%%%')).status).toBe(400);
      expect((await get('/alerts?status=OPEN')).body).toEqual({
        error: "query parameter 'status' must be one of NEW, ACKNOWLEDGED, RESOLVED, SHELVED",
      });
    });
  });

  describe('GET /alerts/{id}', () => {
    it('returns the alert with its transitions and (no) actions', async () => {
      const { status, body } = await get(`/alerts/${encodeURIComponent('pump-0001:VIBRATION_HIGH:1')}`);
      expect(status).toBe(200);
      expect(body).toMatchObject({
        alert_id: 'pump-0001:VIBRATION_HIGH:1',
        severity: 'CRITICAL',
        actions: [],
      });
      expect(body.transitions).toEqual([
        {
          action: 'open',
          by: 'system',
          at: iso(NOW - 50 * MINUTE),
          from: null,
          to: 'NEW',
          note: 'HIGH rule-vibration_high',
        },
        {
          action: 'escalate',
          by: 'system',
          at: iso(NOW - 45 * MINUTE),
          from: 'NEW',
          to: 'NEW',
          note: 'severity HIGH → CRITICAL',
        },
      ]);
    });

    it('answers 404 for an unknown alert', async () => {
      expect(await get('/alerts/nope')).toEqual({ status: 404, body: { error: 'no alert nope' } });
    });
  });

  describe('alert actions', () => {
    const temperature = `/alerts/${encodeURIComponent('pump-0001:TEMPERATURE_HIGH:1')}`;

    it('of two operators acknowledging one alert at once, exactly one wins and the other gets 409', async () => {
      const results = await Promise.all([
        post(`${temperature}/acknowledge`, { by: 'alice', note: 'on it' }),
        post(`${temperature}/acknowledge`, { by: 'bob' }),
      ]);
      expect(results.map((result) => result.status).sort()).toEqual([200, 409]);
      const winner = results.find((result) => result.status === 200)!;
      const loser = results.find((result) => result.status === 409)!;
      expect(winner.body).toMatchObject({ status: 'ACKNOWLEDGED', updated_at: iso(NOW) });
      expect(loser.body).toEqual({
        error:
          'cannot acknowledge alert pump-0001:TEMPERATURE_HIGH:1: it is ACKNOWLEDGED (acknowledge needs NEW)',
      });
      const detail = await get(temperature);
      expect(detail.body.status).toBe('ACKNOWLEDGED');
      expect(detail.body.actions).toHaveLength(1);
      expect((detail.body.actions as Json[])[0]).toMatchObject({ action: 'acknowledge', at: iso(NOW) });
    });

    it('assigns, shelves and resolves, recording each action', async () => {
      const assigned = await post(`${temperature}/assign`, { by: 'alice', assignee: 'carol' });
      expect(assigned.status).toBe(200);
      expect(assigned.body).toMatchObject({ assigned_to: 'carol', status: 'ACKNOWLEDGED' });

      const until = iso(NOW + 2 * HOUR);
      const shelved = await post(`${temperature}/shelve`, { by: 'carol', until, note: 'waiting for parts' });
      expect(shelved.status).toBe(200);
      expect(shelved.body).toMatchObject({
        status: 'SHELVED',
        shelved_until: until,
        shelved_from: 'ACKNOWLEDGED',
      });

      const resolved = await post(`${temperature}/resolve`, { by: 'carol', note: 'bearing replaced' });
      expect(resolved.status).toBe(200);
      expect(resolved.body).toMatchObject({ status: 'RESOLVED', resolution_time: iso(NOW) });
      expect((resolved.body.actions as Json[]).map((action) => action.action)).toEqual([
        'acknowledge',
        'assign',
        'shelve',
        'resolve',
      ]);
      expect((resolved.body.actions as Json[])[1]).toMatchObject({ by: 'alice', assignee: 'carol' });
      expect((resolved.body.actions as Json[])[2]).toMatchObject({ until, note: 'waiting for parts' });

      const again = await post(`${temperature}/resolve`, { by: 'carol' });
      expect(again.status).toBe(409);
      expect(again.body.error).toMatch(/it is RESOLVED/);
    });

    it('refuses bad bodies with 400 naming the field, unknown alerts with 404', async () => {
      const vibration = `/alerts/${encodeURIComponent('pump-0001:VIBRATION_HIGH:1')}`;
      expect(await post(`${vibration}/assign`, { by: 'alice' })).toEqual({
        status: 400,
        body: { error: "body field 'assignee' is required" },
      });
      expect(await post(`${vibration}/acknowledge`, { by: '' })).toEqual({
        status: 400,
        body: { error: "body field 'by' must NOT have fewer than 1 characters" },
      });
      expect(await post(`${vibration}/acknowledge`, { by: 'alice', urgent: true })).toEqual({
        status: 400,
        body: { error: "body field 'urgent' is not allowed" },
      });
      expect(await post(`${vibration}/acknowledge`)).toEqual({
        status: 400,
        body: { error: 'the request body must be a JSON object' },
      });
      const past = await post(`${vibration}/shelve`, { by: 'alice', until: iso(NOW - MINUTE) });
      expect(past.status).toBe(400);
      expect(past.body.error).toMatch(/^body field 'until' .* must be in the future/);
      expect((await post(`${vibration}/shelve`, { by: 'alice', until: 'tomorrow' })).status).toBe(400);
      expect(await post('/alerts/nope/acknowledge', { by: 'alice' })).toEqual({
        status: 404,
        body: { error: 'no alert nope' },
      });
      const malformed = await fetch(`${base}${vibration}/acknowledge`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"by": ',
      });
      expect(malformed.status).toBe(400);
      expect(((await malformed.json()) as Json).error).toEqual(expect.any(String));
      // Nothing was recorded by the refused requests.
      expect((await get(vibration)).body).toMatchObject({ status: 'NEW', actions: [] });
    });
  });

  describe('machine types', () => {
    const pumpConfig = {
      baseline_temp: 55,
      temp_variation: 6,
      baseline_vibration: 3,
      vibration_variation: 1,
      operational_pattern: 'CONTINUOUS',
      thresholds: {
        raiseAfterMs: 30000,
        sensors: { vibration: { high: { LOW: 4.5, MEDIUM: 5.8, HIGH: 7.1, CRITICAL: 11 }, hysteresis: 0.5 } },
        staleData: { afterMs: 60000, severity: 'HIGH' },
      },
    };

    it('lists the configuration in force per type', async () => {
      const { status, body } = await get<{ items: Json[] }>('/machine-types');
      expect(status).toBe(200);
      expect(body.items.map((item) => item.machine_type)).toEqual([
        'cnc_mill',
        'compressor',
        'conveyor',
        'pump',
      ]);
      expect(body.items.find((item) => item.machine_type === 'pump')).toMatchObject({
        version: 2,
        baseline_temp: 55,
        temp_variation: 6,
        operational_pattern: 'CONTINUOUS',
      });
    });

    it('returns one type with its thresholds; 404 for an unknown type', async () => {
      const { status, body } = await get('/machine-types/pump/config');
      expect(status).toBe(200);
      expect(body).toMatchObject({ machine_type: 'pump', version: 2, baseline_vibration: 3 });
      expect(body.thresholds).toMatchObject({ raiseAfterMs: 30000, staleData: { afterMs: 180000 } });
      expect(await get('/machine-types/turbine/config')).toEqual({
        status: 404,
        body: { error: 'no configuration for machine type turbine' },
      });
    });

    it('PUT stores a new version that the processor reads as in force, and counts the request', async () => {
      const requests = registry.getSingleMetric('twin_api_requests_total') as Counter;
      const putsBefore = await countOf(requests, '/machine-types/:machine_type/config', 'PUT', '200');

      const put = await call('PUT', '/machine-types/pump/config', pumpConfig);
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({ machine_type: 'pump', updated_at: iso(NOW), created_at: iso(NOW) });
      const version = put.body.version as number;
      expect(version).toBeGreaterThan(4);
      expect(put.body.thresholds).toEqual(pumpConfig.thresholds);

      const after = await get('/machine-types/pump/config');
      expect(after.body).toMatchObject({ version, thresholds: pumpConfig.thresholds });
      expect((await get<{ items: Json[] }>('/machine-types')).body.items).toContainEqual(
        expect.objectContaining({ machine_type: 'pump', version }),
      );
      const inForce = await loadMachineConfigs(twinPool);
      expect(inForce.get('pump')).toMatchObject({ version, thresholds: { staleData: { afterMs: 60000 } } });

      expect(await countOf(requests, '/machine-types/:machine_type/config', 'PUT', '200')).toBe(
        putsBefore + 1,
      );
      const text = await registry.metrics();
      expect(text).toContain(
        'twin_api_requests_total{route="/machine-types/:machine_type/config",method="PUT",status="200"}',
      );
      expect(text).toContain(
        'twin_api_request_duration_seconds_count{route="/machine-types/:machine_type/config"',
      );
      // Raw URLs never become labels.
      expect(text).not.toContain('route="/machine-types/pump/config"');
    });

    it('PUT creates a configuration for a new type', async () => {
      const put = await call('PUT', '/machine-types/turbine/config', { ...pumpConfig, thresholds: null });
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({ machine_type: 'turbine', thresholds: null });
      expect((await get('/machine-types/turbine/config')).status).toBe(200);
    });

    it("PUT refuses invalid configurations with 400 and the parser's message, storing nothing", async () => {
      const before = (await get('/machine-types/pump/config')).body.version;
      const unordered = await call('PUT', '/machine-types/pump/config', {
        ...pumpConfig,
        thresholds: { sensors: { vibration: { high: { LOW: 6, MEDIUM: 5 } } } },
      });
      expect(unordered.status).toBe(400);
      expect(unordered.body.error).toMatch(
        /^machine type config 'pump': thresholds\.sensors\.vibration\.high/,
      );
      const misspelt = await call('PUT', '/machine-types/pump/config', {
        ...pumpConfig,
        thresholds: { sensors: { vibration: { high: { CRTICAL: 11 } } } },
      });
      expect(misspelt.status).toBe(400);
      expect(misspelt.body.error).toMatch(/CRTICAL/);
      const crossed = await call('PUT', '/machine-types/pump/config', {
        ...pumpConfig,
        thresholds: { sensors: { temperature: { low: { LOW: 90 } } } },
      });
      expect(crossed.status).toBe(400);
      expect(crossed.body.error).toMatch(/thresholds\.sensors\.temperature/);
      const { thresholds: _omitted, ...withoutThresholds } = pumpConfig;
      expect(await call('PUT', '/machine-types/pump/config', withoutThresholds)).toEqual({
        status: 400,
        body: { error: "body field 'thresholds' is required" },
      });
      expect(await call('PUT', '/machine-types/pump/config', { ...pumpConfig, temp_variation: -1 })).toEqual({
        status: 400,
        body: { error: "body field 'temp_variation' must be >= 0" },
      });
      expect(
        (await call('PUT', '/machine-types/pump/config', { ...pumpConfig, operational_pattern: 'SOMETIMES' }))
          .status,
      ).toBe(400);
      expect((await get('/machine-types/pump/config')).body.version).toBe(before);
    });
  });

  describe('errors and the OpenAPI document', () => {
    it('answers unknown routes with 404 {error}', async () => {
      expect(await get('/machines/pump-0001/readings')).toEqual({
        status: 404,
        body: { error: 'no route for GET /machines/pump-0001/readings' },
      });
      const requests = registry.getSingleMetric('twin_api_requests_total') as Counter;
      expect(await countOf(requests, 'unmatched', 'GET', '404')).toBeGreaterThan(0);
    });

    it('answers an unexpected failure with 500 {error} and logs it', async () => {
      const lines: string[] = [];
      const logger = pino(
        { level: 'error' },
        new Writable({
          write(chunk: Buffer, _encoding, done) {
            lines.push(chunk.toString());
            done();
          },
        }),
      );
      // A database without the schema: every query fails.
      const unmigrated = new pg.Pool({ connectionString: urlForDatabase('postgres'), max: 1 });
      const broken = await buildApiServer({
        twinPool: unmigrated,
        analyticsPool: unmigrated,
        logger,
        registry: new Registry(),
        now: () => NOW,
      });
      try {
        const response = await broken.inject({ method: 'GET', url: '/machines' });
        expect(response.statusCode).toBe(500);
        expect(response.json<Json>().error).toMatch(/^internal error \(request .+\)/);
        expect(lines.join('')).toMatch(/request failed/);
        expect(lines.join('')).toMatch(/machine_twins/);
      } finally {
        await broken.close();
        await unmigrated.end();
      }
    });

    it('serves an OpenAPI 3 document listing every route with its schemas', async () => {
      const { status, body } = await get<{
        openapi: string;
        paths: Record<string, Record<string, { responses: Record<string, unknown>; parameters?: Json[] }>>;
      }>('/openapi.json');
      expect(status).toBe(200);
      expect(body.openapi).toMatch(/^3\./);
      const operations = Object.entries(body.paths).flatMap(([path, methods]) =>
        Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
      );
      expect(operations.sort()).toEqual(
        [
          'GET /alerts',
          'GET /alerts/{alert_id}',
          'GET /machine-types',
          'GET /machine-types/{machine_type}/config',
          'GET /machines',
          'GET /machines/{machine_id}',
          'GET /machines/{machine_id}/anomalies',
          'GET /machines/{machine_id}/metrics',
          'POST /alerts/{alert_id}/acknowledge',
          'POST /alerts/{alert_id}/assign',
          'POST /alerts/{alert_id}/resolve',
          'POST /alerts/{alert_id}/shelve',
          'PUT /machine-types/{machine_type}/config',
        ].sort(),
      );
      const alerts = body.paths['/alerts']?.get;
      expect(alerts?.responses).toHaveProperty('200');
      expect(alerts?.responses).toHaveProperty('400');
      expect(alerts?.parameters?.map((parameter) => parameter.name)).toEqual(
        expect.arrayContaining(['status', 'severity', 'machine_id', 'assigned_to', 'limit', 'cursor']),
      );
      expect(body.paths['/alerts/{alert_id}/acknowledge']?.post?.responses).toHaveProperty('409');
    });
  });
});

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

async function countOf(counter: Counter, route: string, method: string, status: string): Promise<number> {
  const { values } = await counter.get();
  return (
    values.find(
      (value) =>
        value.labels.route === route && value.labels.method === method && value.labels.status === status,
    )?.value ?? 0
  );
}

/** Three twins, five anomaly records and metrics rows of pump-0001, five alerts over three machines. */
async function seed(pool: pg.Pool): Promise<void> {
  const twinOf = (status: string, statusSince: number) => ({
    status,
    status_since: statusSince,
    first_seen: NOW - 10 * HOUR,
    last_seen: NOW - MINUTE,
    latest: { temperature: 61.5, vibration: 3.2, load: 74 },
    counters: { applied: 1200, outOfOrder: 2, duplicates: 1, late: 0 },
    stats: { temperature: { count: 1200, mean: 60.1, std_dev: 1.2, min: 55, max: 64 } },
  });
  const twins: Array<[string, string, string, number, number, number]> = [
    ['pump-0001', 'pump', 'RUNNING', 2, 4711, NOW - 2 * HOUR],
    ['pump-0002', 'pump', 'FAULT', 0, 12, NOW - 20 * MINUTE],
    ['cnc_mill-0001', 'cnc_mill', 'IDLE', 1, 99, NOW - 5 * MINUTE],
  ];
  for (const [machineId, type, status, partition, offset, since] of twins) {
    await pool.query(
      `INSERT INTO machine_twins (machine_id, machine_type, status, status_since, last_event_time, twin,
                                  source_partition, source_offset, projected_at)
       VALUES ($1, $2, $3, ${utcTimestamp('$4::float8')}, ${utcTimestamp('$5::float8')}, $6, $7, $8,
               ${utcTimestamp('$9::float8')})`,
      [machineId, type, status, since, NOW - MINUTE, twinOf(status, since), partition, offset, NOW - 30_000],
    );
  }

  const records: Array<[string, string, number]> = [
    ['TEMPERATURE_HIGH', 'HIGH', 1],
    ['TEMPERATURE_HIGH', 'MEDIUM', 2],
    ['LOAD_HIGH', 'HIGH', 3],
    ['VIBRATION_HIGH', 'LOW', 4],
    ['VIBRATION_HIGH', 'CRITICAL', 5],
  ];
  for (const [type, severity, n] of records) {
    await pool.query(
      `INSERT INTO anomaly_records (event_id, machine_id, anomaly_type, severity, timestamp, sensor_data,
                                    calculated_metrics, algorithm_used)
       VALUES ($1, 'pump-0001', $2, $3, ${utcTimestamp('$4::float8')}, $5, $6, 'threshold')`,
      [
        `readings-2-${100 + n}-0`,
        type,
        severity,
        NOW - n * 10 * MINUTE,
        { machine_id: 'pump-0001', vibration: 11.5 },
        { value: 11.5, bound: 11, durationMs: 0 },
      ],
    );
  }

  const windows: Array<[string, number, number]> = [
    ['PT1M', NOW - 3 * MINUTE, MINUTE],
    ['PT1M', NOW - 2 * MINUTE, MINUTE],
    ['PT1M', NOW - MINUTE, MINUTE],
    ['PT1M', NOW - 5 * HOUR, MINUTE], // outside the tested range
    ['PT1H', NOW - HOUR, HOUR],
    ['P1D', NOW - 12 * HOUR, 24 * HOUR],
  ];
  for (const [resolution, start, length] of windows) {
    await pool.query(
      `INSERT INTO performance_metrics (machine_id, resolution, window_start, calculation_time, average_load,
                                        average_temperature, average_vibration, uptime_percentage,
                                        efficiency_rating, anomaly_count)
       VALUES ('pump-0001', $1, ${utcTimestamp('$2::float8')}, ${utcTimestamp('$3::float8')}, 70.5, 60.25, 3.1,
               100, 70.5, 0)`,
      [resolution, start, start + length],
    );
  }
  // The sums behind two of them: 45 s of the first minute known, 54 minutes of the hour.
  const sums = `readings, sum_load, sum_temperature, sum_vibration, planned_readings, running_readings,
                sum_load_running, good_count, reject_count, anomaly_count, covered_ms, running_ms`;
  await pool.query(
    `INSERT INTO performance_windows (machine_id, window_start, window_ms, ${sums})
     VALUES ('pump-0001', ${utcTimestamp('$1::float8')}, 60000, 3, 0, 0, 0, 3, 3, 0, 0, 0, 0, 45000, 45000)`,
    [NOW - 3 * MINUTE],
  );
  await pool.query(
    `INSERT INTO performance_rollups (machine_id, resolution, window_start, ${sums})
     VALUES ('pump-0001', 'PT1H', ${utcTimestamp('$1::float8')}, 3, 0, 0, 0, 3, 3, 0, 0, 0, 0, 3240000, 3240000)`,
    [NOW - HOUR],
  );

  const pump1 = anomalies('pump-0001');
  const pump2 = anomalies('pump-0002');
  const mill = anomalies('cnc_mill-0001');
  const events: AnomalyEvent[] = [
    pump1.opened('TEMPERATURE_HIGH', 'HIGH', NOW - 60 * MINUTE),
    pump1.opened('VIBRATION_HIGH', 'HIGH', NOW - 50 * MINUTE),
    pump1.escalated('VIBRATION_HIGH', 'HIGH', 'CRITICAL', NOW - 45 * MINUTE),
    pump2.opened('LOAD_HIGH', 'CRITICAL', NOW - 40 * MINUTE),
    mill.opened('TEMPERATURE_HIGH', 'LOW', NOW - 30 * MINUTE),
    pump2.opened('STATUS_FAULT', 'HIGH', NOW - 20 * MINUTE),
  ];
  let book: AlertBook = EMPTY_ALERT_BOOK;
  for (const event of events) book = applyAnomalyEvent(book, event, DEFAULT_ALERT_POLICY).book;
  await inTransaction(pool, (client) => saveAlerts(client, Object.values(book.alerts)));
}
