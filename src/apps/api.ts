// `twin api`: the HTTP JSON query API on API_PORT (machines, twins, anomalies, metrics, alerts and their
// actions, machine type configurations; OpenAPI at /openapi.json), with /healthz, /readyz and /metrics on the
// ops port. Stateless: run as many replicas as the load needs.
import type { AddressInfo } from 'node:net';
import { buildApiServer } from '../api/server.js';
import { loadConfig } from '../config.js';
import { createPool } from '../db/pool.js';
import { pingDatabase } from '../db/probe.js';
import { startOpsServer } from '../http/ops-server.js';
import { createLogger } from '../logger.js';
import { createMetricsRegistry } from '../metrics.js';
import { checkDatabase } from '../lifecycle/preflight.js';
import { runService } from '../lifecycle/service.js';

export async function runApi(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ name: 'twin-api', level: config.logLevel });
  const registry = createMetricsRegistry('api');
  const pools = {
    twin: createPool(config.databases.twinUrl, {
      max: config.databases.poolSize,
      applicationName: 'twin-api',
    }),
    analytics: createPool(config.databases.analyticsUrl, {
      max: config.databases.poolSize,
      applicationName: 'twin-api',
    }),
  };
  for (const [name, pool] of Object.entries(pools)) {
    // An idle connection dropped by the server must not kill the process: the next query reconnects.
    pool.on('error', (error) => logger.warn({ err: error, database: name }, 'idle database connection lost'));
  }
  const ping = (pool: typeof pools.twin) => () => pingDatabase(pool);
  const ops = await startOpsServer({
    host: config.http.host,
    port: config.http.ports.api,
    registry,
    readinessChecks: { twinDatabase: ping(pools.twin), analyticsDatabase: ping(pools.analytics) },
  });
  const budget = config.startupTimeoutMs;

  try {
    process.exitCode = await runService({
      name: 'twin api',
      logger,
      ops,
      startupTimeoutMs: budget,
      shutdownTimeoutMs: config.shutdownTimeoutMs,
      async start() {
        await Promise.all([
          checkDatabase('twin', config.databases.twinUrl, budget),
          checkDatabase('analytics', config.databases.analyticsUrl, budget),
        ]);
        const server = await buildApiServer({
          twinPool: pools.twin,
          analyticsPool: pools.analytics,
          logger,
          registry,
          now: Date.now,
        });
        try {
          await server.listen({ host: config.api.host, port: config.api.port });
        } catch (error) {
          await server.close();
          throw error;
        }
        const address = server.server.address() as AddressInfo;
        logger.info({ host: config.api.host, port: address.port }, 'query API listening');
        return {
          async stop() {
            // Refuses new requests (503) and waits for those in flight; idle keep-alive sockets are closed.
            await server.close();
          },
        };
      },
    });
  } finally {
    await Promise.allSettled([pools.twin.end(), pools.analytics.end()]);
  }
}
