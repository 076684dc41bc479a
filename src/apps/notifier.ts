// `twin notifier`: tells people about alerts. A process of its own, beside the projector: it reads the
// alerts read model (analytics database) and keeps its own durable state there (route states, outbox), so
// it scales and fails independently — a dead SMTP relay slows no projection, and a projector rebuild sends
// nothing twice. See processors/notifications/README.md.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../config.js';
import { TwinError } from '../errors.js';
import { createPool } from '../db/pool.js';
import { probeNotificationOutbox } from '../db/repositories/notifications.js';
import { startOpsServer } from '../http/ops-server.js';
import { createLogger } from '../logger.js';
import { createMetricsRegistry } from '../metrics.js';
import { createChannels, createNotifierMetrics, loadRoutesFile, Notifier } from '../notifications/index.js';
import { checkDatabase } from '../lifecycle/preflight.js';
import { runService } from '../lifecycle/service.js';

export async function runNotifier(): Promise<void> {
  const config = loadConfig();
  const { routesFile, pollMs, leaseMs, concurrency } = config.notifier;
  // A bad routes file stops the process here, before anything listens: one line naming the path and problem.
  const routes = await loadRoutesFile(routesFile);
  if (leaseMs <= routes.delivery.timeoutMs * 2)
    throw new TwinError(
      'CONFIG_INVALID',
      `NOTIFIER_LEASE_MS (${leaseMs}) must exceed twice the delivery timeoutMs of ${routesFile} ` +
        `(${routes.delivery.timeoutMs}), or a slow send could be retried while still running`,
    );
  const logger = createLogger({ name: 'twin-notifier', level: config.logLevel });
  const registry = createMetricsRegistry('notifier');
  const pool = createPool(config.databases.analyticsUrl, {
    max: Math.min(config.databases.poolSize, concurrency + 2),
    applicationName: 'twin-notifier',
  });
  const metrics = createNotifierMetrics(registry, pool);
  const channels = createChannels(routes);
  const owner = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`.slice(0, 100);
  const ops = await startOpsServer({
    host: config.http.host,
    port: config.http.ports.notifier,
    registry,
    readinessChecks: { analyticsDatabase: () => probeNotificationOutbox(pool) },
  });

  try {
    process.exitCode = await runService({
      name: 'twin notifier',
      logger,
      ops,
      startupTimeoutMs: config.startupTimeoutMs,
      shutdownTimeoutMs: config.shutdownTimeoutMs,
      async start() {
        await checkDatabase('analytics', config.databases.analyticsUrl, config.startupTimeoutMs);
        await probeNotificationOutbox(pool).catch(() => {
          throw new TwinError(
            'CONFIG_INVALID',
            'the analytics database has no notification_outbox table: run `twin migrate` first',
          );
        });
        const notifier = new Notifier({
          pool,
          routes,
          channels,
          metrics,
          logger: logger.child({ component: 'notifier' }),
          owner,
          pollMs,
          leaseMs,
          concurrency,
          now: Date.now,
        });
        notifier.start();
        logger.info({ routes: routes.routes.map((r) => r.id), owner, pollMs }, 'notifier routes loaded');
        return {
          async stop() {
            await notifier.stop();
          },
        };
      },
    });
  } finally {
    channels.close();
    await pool.end().catch(() => undefined);
  }
}
