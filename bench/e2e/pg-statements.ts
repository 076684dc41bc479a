// Where PostgreSQL's time went over a phase, from pg_stat_statements when the server preloads it (the local
// stack does): reset before, the top statements by total execution time after. Without it, nothing is reported.
import { urlForDatabase, withClient } from '../../test/support/postgres.js';

export interface StatementTime {
  readonly statement: string;
  readonly calls: number;
  readonly rows: number;
  readonly totalMs: number;
}

const ADMIN_URL = urlForDatabase('postgres');

/** Resets the statistics; false when the extension is not available on this server. */
export async function resetStatements(): Promise<boolean> {
  try {
    return await withClient(ADMIN_URL, async (client) => {
      await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      await client.query('SELECT pg_stat_statements_reset()');
      return true;
    });
  } catch {
    return false;
  }
}

export async function topStatements(limit = 8): Promise<StatementTime[]> {
  return withClient(ADMIN_URL, async (client) => {
    const result = await client.query<{ statement: string; calls: string; rows: string; total_ms: number }>(
      `SELECT left(regexp_replace(query, '\\s+', ' ', 'g'), 90) AS statement, calls, rows,
              total_exec_time::float8 AS total_ms
         FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT $1`,
      [limit],
    );
    return result.rows.map((row) => ({
      statement: row.statement,
      calls: Number(row.calls),
      rows: Number(row.rows),
      totalMs: Math.round(row.total_ms),
    }));
  });
}
