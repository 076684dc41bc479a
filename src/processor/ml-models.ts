// The ML models the processor judges readings with: the ACTIVE row of ml_models per machine type, re-read every
// CONFIG_REFRESH_MS (as machine configurations are) so a model activated by `twin train` reaches running
// processors without a restart. The swap happens between batches: a batch is folded with one set of models.
// A type without an ACTIVE model is judged by thresholds only.
import type pg from 'pg';
import type { MlModel, ModelLookup } from '../../processors/ml-detection/index.js';
import type { Logger } from '../logger.js';
import { loadActiveModels } from '../ml/model-store.js';

export interface MlModelSource {
  readonly lookup: ModelLookup;
  stop(): void;
}

export async function startMlModelSource(
  pool: pg.Pool,
  refreshMs: number,
  logger: Logger,
): Promise<MlModelSource> {
  let current: Map<string, MlModel> = await loadActiveModels(pool, logger);
  logger.info(
    { models: Object.fromEntries([...current].map(([type, model]) => [type, model.version])) },
    'ML models loaded',
  );
  const timer = setInterval(() => {
    loadActiveModels(pool, logger).then(
      (next) => {
        for (const [type, model] of next) {
          if (current.get(type)?.version !== model.version) {
            logger.info({ machineType: type, modelVersion: model.version }, 'ML model activated');
          }
        }
        for (const type of current.keys()) {
          if (!next.has(type)) logger.info({ machineType: type }, 'ML model deactivated');
        }
        current = next;
      },
      (error: unknown) => logger.warn({ err: error }, 'refreshing ML models failed; keeping the last ones'),
    );
  }, refreshMs);
  timer.unref();
  return { lookup: (machineType) => current.get(machineType), stop: () => clearInterval(timer) };
}
