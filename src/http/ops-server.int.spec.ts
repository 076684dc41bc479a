// The operations endpoints on a real socket: liveness always, readiness only when started and checks pass.
import { Counter } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetricsRegistry } from '../metrics.js';
import { startOpsServer, type OpsServer } from './ops-server.js';

describe('ops server', () => {
  let server: OpsServer | undefined;
  afterEach(async () => {
    await server?.close();
  });

  const get = async (path: string, method = 'GET') => {
    const response = await fetch(`http://127.0.0.1:${server?.port}${path}`, { method });
    return { status: response.status, body: await response.text() };
  };

  it('serves liveness at once, readiness once ready, and the registry at /metrics', async () => {
    const registry = createMetricsRegistry('test');
    new Counter({ name: 'twin_test_total', help: 'a test counter', registers: [registry] }).inc(3);
    let databaseUp = true;
    server = await startOpsServer({
      host: '127.0.0.1',
      port: 0,
      registry,
      readinessChecks: {
        database: () => (databaseUp ? Promise.resolve() : Promise.reject(new Error('connection refused'))),
      },
    });

    expect((await get('/healthz')).status).toBe(200);
    expect((await get('/readyz')).status).toBe(503);
    server.setReady(true);
    expect((await get('/readyz')).status).toBe(200);
    databaseUp = false;
    const unready = await get('/readyz');
    expect(unready.status).toBe(503);
    expect(JSON.parse(unready.body)).toEqual({
      status: 'not ready',
      failures: [{ check: 'database', reason: 'connection refused' }],
    });

    const metrics = await get('/metrics');
    expect(metrics.body).toContain('twin_test_total{service="test"} 3');
    expect(metrics.body).toContain('process_cpu_seconds_total');
  });

  it('answers unknown routes with 404 and wrong methods with 405, as JSON with a message', async () => {
    server = await startOpsServer({ host: '127.0.0.1', port: 0, registry: createMetricsRegistry('test') });
    const missing = await get('/nope');
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body)).toEqual({ error: 'no route for GET /nope' });
    expect((await get('/metrics', 'POST')).status).toBe(405);
  });
});
