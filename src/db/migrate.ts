// Applies the committed drizzle-kit migrations: drizzle/twin to the twin database, drizzle/analytics to the
// analytics database. drizzle records what it applied (schema `drizzle`), so a second run changes nothing.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { TwinError, oneLine } from '../errors.js';
import { createPool, describeDatabaseUrl } from './pool.js';

export type DatabaseName = 'twin' | 'analytics';

/** Migrating one database failed; `message` is one line naming the database (never its credentials) and why. */
export class MigrationError extends TwinError {
  constructor(
    readonly database: DatabaseName,
    message: string,
    canRetry: boolean,
    options?: { cause?: unknown },
  ) {
    super('MIGRATION_FAILED', message, canRetry, options);
  }
}

/**
 * The drizzle/ folder at the repository root. Walks up from this file, so it is found from src/db under tsx
 * and from dist/src/db after `tsc` alike (dist/ holds no drizzle/ of its own).
 */
function migrationsRoot(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  while (!(existsSync(join(folder, 'package.json')) && existsSync(join(folder, 'drizzle')))) {
    const parent = dirname(folder);
    if (parent === folder) throw new Error('cannot find the drizzle/ migrations folder above src/db');
    folder = parent;
  }
  return join(folder, 'drizzle');
}

/** The first line of `error` (or of its cause, where drizzle wraps the driver's error), minus any password. */
function reasonOf(error: unknown, url: string): string {
  const cause = (error as { cause?: unknown } | null)?.cause;
  const line = oneLine(cause instanceof Error ? cause : error);
  const password = safePassword(url);
  return password ? line.split(password).join('***') : line;
}

function safePassword(url: string): string {
  try {
    return decodeURIComponent(new URL(url).password);
  } catch {
    return '';
  }
}

export async function migrateDatabase(database: DatabaseName, url: string): Promise<void> {
  const where = `the ${database} database at ${describeDatabaseUrl(url)}`;
  const migrationsFolder = join(migrationsRoot(), database);
  const pool = createPool(url, { max: 1, applicationName: `twinstream-migrate-${database}` });
  // An idle client's error (the server going away) must not crash the process; the next query fails instead.
  pool.on('error', () => undefined);
  try {
    // Connect first, so "cannot reach it" and "a migration broke" read differently to the operator.
    try {
      const client = await pool.connect();
      client.release();
    } catch (error) {
      // Same wording as the start-up check; the server may simply not be up yet, so a retry can help.
      throw new MigrationError(database, `cannot reach ${where}: ${reasonOf(error, url)}`, true, {
        cause: error,
      });
    }
    try {
      await migrate(drizzle(pool), { migrationsFolder });
    } catch (error) {
      throw new MigrationError(database, `migrating ${where} failed: ${reasonOf(error, url)}`, false, {
        cause: error,
      });
    }
  } finally {
    await pool.end();
  }
}

/** Migrates the twin database, then the analytics database; stops at the first that fails. */
export async function migrateDatabases(urls: { twinUrl: string; analyticsUrl: string }): Promise<void> {
  await migrateDatabase('twin', urls.twinUrl);
  await migrateDatabase('analytics', urls.analyticsUrl);
}
