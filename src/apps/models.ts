// `twin models rollback --type <machine_type>`: makes the previous ML model of a machine type ACTIVE again and
// marks the one it replaces ARCHIVED, in one transaction (src/db/repositories/ml-models.ts, rollbackModel).
// "Previous" is the newest earlier model of the type that went live once and was not itself rolled back, so a
// model stored INACTIVE by `twin train`'s activation gate is never restored, and rolling back twice steps back
// twice. Running processors re-read ml_models every CONFIG_REFRESH_MS and switch without a restart.
import { loadConfig } from '../config.js';
import { createPool } from '../db/pool.js';
import { checkDatabase } from '../lifecycle/preflight.js';
import { rollBack } from '../ml/model-store.js';

export interface RawModelsRollbackOptions {
  type?: string;
}

/** The machine type to roll back; throws an Error with one line. */
export function parseRollbackOptions(raw: RawModelsRollbackOptions): string {
  const type = raw.type?.trim();
  if (type === undefined || type.length === 0) throw new Error('give --type <machine_type>');
  if (type.length > 50) throw new Error('--type: 1..50 characters');
  return type;
}

export async function runModelsRollback(raw: RawModelsRollbackOptions): Promise<void> {
  const config = loadConfig();
  const machineType = parseRollbackOptions(raw);
  await checkDatabase('analytics', config.databases.analyticsUrl, config.startupTimeoutMs);
  const pool = createPool(config.databases.analyticsUrl, { max: 1, applicationName: 'twin-models' });
  try {
    const result = await rollBack(pool, machineType, Date.now());
    if (!result.ok) throw new Error(result.reason);
    process.stdout.write(
      `${machineType}: ${result.restored} ACTIVE again, ${result.archived} now ARCHIVED; running processors ` +
        `switch within CONFIG_REFRESH_MS (${config.processor.configRefreshMs} ms)\n`,
    );
  } finally {
    await pool.end();
  }
}
