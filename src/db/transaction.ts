// One transaction on a pooled connection: BEGIN, the work, COMMIT; ROLLBACK and rethrow on any failure.
import type pg from 'pg';

export interface TransactionOptions {
  /**
   * false: COMMIT returns before the WAL reaches disk. Only for rows derived from a log that is replayed from a
   * checkpoint committed in the same transaction (a lost commit loses its checkpoint too).
   */
  readonly durable?: boolean;
}

export async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    if (options.durable === false) await client.query('SET LOCAL synchronous_commit TO OFF');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
