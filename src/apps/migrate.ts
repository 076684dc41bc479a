// `twin migrate`: applies the committed drizzle migrations to both databases. Idempotent.
import { loadConfig } from '../config.js';
import { migrateDatabases } from '../db/migrate.js';

export async function runMigrate(): Promise<void> {
  const config = loadConfig();
  await migrateDatabases({ twinUrl: config.databases.twinUrl, analyticsUrl: config.databases.analyticsUrl });
  process.stdout.write('twin migrate: twin and analytics databases are up to date\n');
}
