// Makes sure each configured database exists on a server that answers: created when missing, never altered.
import pg from 'pg';
import { utcConnection } from '../../src/db/pool.js';
import { StackError } from './processes.js';

const DATABASE_MISSING = '3D000';
const DATABASE_EXISTS = '42P04';

/** Connects to the URL's database; creates it through the `postgres` maintenance database if it is missing. */
export async function ensureDatabase(name: string, url: string): Promise<'exists' | 'created'> {
  const target = new URL(url);
  const database = decodeURIComponent(target.pathname.slice(1));
  try {
    await withClient(url, () => Promise.resolve());
    return 'exists';
  } catch (error) {
    if ((error as { code?: string }).code !== DATABASE_MISSING) {
      throw new StackError(`${name}: PostgreSQL at ${target.host} does not answer: ${reason(error)}`);
    }
  }
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  try {
    await withClient(maintenance.toString(), async (client) => {
      await client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
    });
  } catch (error) {
    // Another stack:up (or a test) may have created it a moment ago.
    if ((error as { code?: string }).code === DATABASE_EXISTS) return 'exists';
    throw new StackError(
      `${name}: could not create database ${database} on ${target.host}: ${reason(error)}`,
    );
  }
  return 'created';
}

async function withClient(url: string, use: (client: pg.Client) => Promise<void>): Promise<void> {
  const client = new pg.Client({ ...utcConnection(url), connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    await use(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function reason(error: unknown): string {
  if (error instanceof AggregateError) return error.errors.map(reason).join('; ');
  return error instanceof Error
    ? error.message || (error as { code?: string }).code || error.name
    : String(error);
}

/** The URL with its password masked, for printing. */
export function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
