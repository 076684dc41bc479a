// Real-database test helpers: each test gets its own database on the configured server and drops it after.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '../../src/config.js';
import { utcConnection } from '../../src/db/pool.js';

const config = loadConfig();

/** A URL for `database` on the same server as the twin database. */
export function urlForDatabase(database: string, base = config.databases.twinUrl): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

/** `url` with the product's session options in it: a pool or client opened on it runs in UTC, as the product's do. */
function withUtcSession(url: string): string {
  const { connectionString, options } = utcConnection(url);
  const parsed = new URL(connectionString);
  parsed.searchParams.set('options', options);
  return parsed.toString();
}

async function onServer<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({
    ...utcConnection(urlForDatabase('postgres')),
    connectionTimeoutMillis: 10_000,
  });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface ScratchDatabase {
  readonly name: string;
  /**
   * The database's URL, with `options=-c TimeZone=UTC` (UTC_SESSION_OPTIONS) in it: whatever a test opens on it
   * (its own pools, the processes it spawns) runs in UTC, as the product's pools do.
   */
  readonly url: string;
  drop(): Promise<void>;
}

export async function createScratchDatabase(prefix: string): Promise<ScratchDatabase> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`.toLowerCase();
  await onServer((client) => client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`));
  return {
    name,
    url: withUtcSession(urlForDatabase(name)),
    drop: () =>
      onServer(async (client) => {
        // A pool's end() returns before its connections have closed; FORCE terminating one that is still closing
        // makes its client emit an error nobody listens to any more. Give them a moment to go first.
        for (let attempt = 0; attempt < 40; attempt++) {
          const open = await client.query<{ count: number }>(
            'SELECT count(*)::int AS count FROM pg_stat_activity WHERE datname = $1',
            [name],
          );
          if (open.rows[0]!.count === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
      }),
  };
}

/**
 * A pool whose database is dropped with FORCE at the end of a test: an idle connection terminated by the drop
 * (57P01) is expected, not a failure; any other error still surfaces.
 */
export function toleratingDrop(pool: pg.Pool): pg.Pool {
  pool.on('error', (error: Error & { code?: string }) => {
    if (error.code !== '57P01') throw error;
  });
  return pool;
}

/** Runs `work` with a client on `url` (its session in UTC), closing it after. */
export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ ...utcConnection(url), connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
