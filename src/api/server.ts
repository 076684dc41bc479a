// The query API: machines and their twins, anomalies, metrics, alerts and operator actions, machine type
// configurations, as JSON over HTTP. Built with Fastify so every route's JSON schemas validate its input,
// serialize its output and make up the OpenAPI document (/openapi.json). Served on API_PORT, apart from the
// ops port (/healthz, /readyz, /metrics), so a NetworkPolicy can expose only the latter to Prometheus.
import swagger from '@fastify/swagger';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
} from 'fastify';
import type pg from 'pg';
import type { Registry } from 'prom-client';
import type { Logger } from '../logger.js';
import type { ApiContext } from './context.js';
import { ApiError, formatSchemaErrors } from './http-errors.js';
import { UNMATCHED_ROUTE, createApiMetrics } from './metrics.js';
import { alertRoutes } from './routes/alerts.js';
import { machineTypeRoutes } from './routes/machine-types.js';
import { machineRoutes } from './routes/machines.js';

export interface ApiServerOptions {
  readonly twinPool: pg.Pool;
  readonly analyticsPool: pg.Pool;
  readonly logger: Logger;
  /** The process's registry: the API's request metrics are added to it. */
  readonly registry: Registry;
  /** Epoch ms: the time of operator actions and the default end of metric ranges. */
  readonly now?: () => number;
}

/** The API's version (its contract), not the package's. */
export const API_VERSION = '1.0.0';

/** Builds the server with every route registered; the caller listens (port 0 in tests) and closes it. */
export async function buildApiServer(options: ApiServerOptions): Promise<FastifyInstance> {
  const context: ApiContext = {
    twinPool: options.twinPool,
    analyticsPool: options.analyticsPool,
    now: options.now ?? Date.now,
  };
  const metrics = createApiMetrics(options.registry);
  const logger: FastifyBaseLogger = options.logger.child({ component: 'api' });
  const app = Fastify({
    loggerInstance: logger,
    // Per-request lines would drown the log; requests are counted in metrics, failures are logged below.
    logController: new LogController({ disableRequestLogging: true }),
    schemaErrorFormatter: formatSchemaErrors,
    ajv: {
      // Unknown fields are refused, not silently dropped (Fastify's default strips them).
      customOptions: { removeAdditional: false, allowUnionTypes: true },
    },
    bodyLimit: 256 * 1024,
    routerOptions: { ignoreTrailingSlash: true },
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
    const method = request.method;
    metrics.requests.inc({ route, method, status: String(reply.statusCode) });
    metrics.duration.observe({ route, method }, reply.elapsedTime / 1000);
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ApiError) return reply.code(error.statusCode).send({ error: error.message });
    if (error.validation) return reply.code(400).send({ error: error.message });
    // Fastify's own client errors: malformed JSON, wrong content type, body too large.
    const status = error.statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      return reply.code(status).send({ error: error.message });
    }
    request.log.error({ err: error, route: request.routeOptions.url }, 'request failed');
    return reply
      .code(500)
      .send({ error: `internal error (request ${request.id}; the API log has the cause)` });
  });

  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: `no route for ${request.method} ${request.url.split('?')[0]}` }),
  );

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Twinstream query API',
        description:
          'Digital twins of industrial machines: current twin state, anomalies, performance metrics, alerts ' +
          'and operator actions, machine type configurations. Times are ISO-8601 UTC. Errors are ' +
          '`{ "error": "<one line>" }`.',
        version: API_VERSION,
      },
      tags: [
        { name: 'machines', description: 'Current twins, anomalies and performance metrics' },
        { name: 'alerts', description: 'Alerts and operator actions' },
        { name: 'machine types', description: 'Per machine type configuration: baselines and thresholds' },
      ],
    },
  });

  machineRoutes(app, context);
  alertRoutes(app, context);
  machineTypeRoutes(app, context);
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());

  await app.ready();
  return app;
}
