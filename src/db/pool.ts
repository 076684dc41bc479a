// Connection pools for the two databases. Queries are hand-written pg SQL in the repositories; the drizzle
// tables only define the schema and feed drizzle-kit (see docs/architecture.md, Database access).
import pg from 'pg';

/**
 * The startup options of every session the product opens: TimeZone UTC. The seed's TIMESTAMP (without time
 * zone) columns hold UTC, and a CURRENT_TIMESTAMP default (or an explicit CURRENT_TIMESTAMP) is converted to a
 * TIMESTAMP in the session's time zone; set here at connect, that is UTC whatever the server's or the
 * database's TimeZone setting.
 */
export const UTC_SESSION_OPTIONS = '-c TimeZone=UTC';

/**
 * pg connection settings for `url` whose sessions run in UTC. pg lets a URL's `options` parameter win over the
 * config's, so a URL's own options are moved out of it and kept, ahead of ours (the last `-c TimeZone` wins).
 */
export function utcConnection(url: string): { connectionString: string; options: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { connectionString: url, options: UTC_SESSION_OPTIONS };
  }
  const own = parsed.searchParams.get('options');
  if (own === null) return { connectionString: url, options: UTC_SESSION_OPTIONS };
  parsed.searchParams.delete('options');
  return { connectionString: parsed.toString(), options: `${own} ${UTC_SESSION_OPTIONS}`.trim() };
}

export function createPool(url: string, options: { max?: number; applicationName: string }): pg.Pool {
  return new pg.Pool({
    ...utcConnection(url),
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
