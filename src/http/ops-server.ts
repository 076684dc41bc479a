// The operations endpoints every process serves: liveness, readiness and Prometheus metrics.
// Plain node:http: three fixed routes need no framework, and this server must stay up while the rest is sick.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** A readiness check: resolves when the dependency is usable, rejects (with a reason) when not. */
export type ReadinessCheck = () => Promise<void>;

export interface OpsServerOptions {
  host: string;
  port: number;
  registry: Registry;
  readinessChecks?: Record<string, ReadinessCheck>;
  /** Extra routes (later: the query API) tried before the built-in 404. */
  fallback?: (request: IncomingMessage, response: ServerResponse) => boolean | Promise<boolean>;
}

export interface OpsServer {
  readonly port: number;
  /** Readiness starts false; the runtime sets it once started and clears it first thing on shutdown. */
  setReady(ready: boolean): void;
  close(): Promise<void>;
}

export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  let ready = false;
  const checks = Object.entries(options.readinessChecks ?? {});

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path === '/healthz' || path === '/readyz' || path === '/metrics') {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        return sendJson(response, 405, { error: `method ${request.method} not allowed on ${path}` });
      }
    }
    if (path === '/healthz') return sendJson(response, 200, { status: 'ok' });
    if (path === '/readyz') {
      if (!ready) return sendJson(response, 503, { status: 'not ready' });
      const failures = await failingChecks(checks);
      if (failures.length > 0) return sendJson(response, 503, { status: 'not ready', failures });
      return sendJson(response, 200, { status: 'ready' });
    }
    if (path === '/metrics') {
      const body = await options.registry.metrics();
      response.writeHead(200, { 'content-type': options.registry.contentType });
      response.end(body);
      return;
    }
    if (options.fallback && (await options.fallback(request, response))) return;
    sendJson(response, 404, { error: `no route for ${request.method} ${path}` });
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { error: errorMessage(error) });
      else response.destroy();
    });
  });
  // Keep-alive sockets from scrapers must not hold shutdown open.
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  return {
    port: (server.address() as AddressInfo).port,
    setReady(value) {
      ready = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function failingChecks(
  checks: [string, ReadinessCheck][],
): Promise<{ check: string; reason: string }[]> {
  const results = await Promise.allSettled(checks.map(([, check]) => check()));
  return results.flatMap((result, index) =>
    result.status === 'rejected'
      ? [{ check: checks[index]?.[0] ?? '?', reason: errorMessage(result.reason) }]
      : [],
  );
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
