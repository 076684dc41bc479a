// Connection pools and drizzle handles for the two databases.
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import * as analyticsTables from './tables/analytics/index.js';
import * as twinTables from './tables/twin/index.js';

export function createPool(url: string, options: { max?: number; applicationName: string }): pg.Pool {
  return new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    application_name: options.applicationName,
  });
}

export const createTwinDb = (pool: pg.Pool) => drizzle(pool, { schema: twinTables });
export const createAnalyticsDb = (pool: pg.Pool) => drizzle(pool, { schema: analyticsTables });
export type TwinDb = ReturnType<typeof createTwinDb>;
export type AnalyticsDb = ReturnType<typeof createAnalyticsDb>;

/** host:port/database, never the credentials: safe for logs and error lines. */
export function describeDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return '(unparseable URL)';
  }
}
