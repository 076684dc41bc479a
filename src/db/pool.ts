// Connection pools for the two databases. Queries are hand-written pg SQL in the repositories; the drizzle
// tables only define the schema and feed drizzle-kit (see docs/architecture.md, Database access).
import pg from 'pg';

export function createPool(url: string, options: { max?: number; applicationName: string }): pg.Pool {
  return new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    application_name: options.applicationName,
  });
}

/** host:port/database, never the credentials: safe for logs and error lines. */
export function describeDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return '(unparseable URL)';
  }
}
