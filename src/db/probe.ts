// Is a database there? The start-up check opens its own connection (a pool would retry and hide the reason);
// readiness asks a pool that is already serving.
import pg from 'pg';
import { utcConnection } from './pool.js';

/** Connects to `url`, runs `SELECT 1` and disconnects; throws the driver's error when it cannot. */
export async function probeDatabase(url: string, timeoutMs: number): Promise<void> {
  const client = new pg.Client({ ...utcConnection(url), connectionTimeoutMillis: timeoutMs });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Throws when the pool cannot answer a trivial query (a readiness check). */
export async function pingDatabase(pool: pg.Pool): Promise<void> {
  await pool.query('SELECT 1');
}
