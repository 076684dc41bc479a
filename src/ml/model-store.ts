// The ML detector's stored models, in its own terms: ACTIVE rows parsed and validated into models, and a fitted
// model serialized and activated as its type's next version. The SQL is in src/db/repositories/ml-models.ts.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import {
  MlModelError,
  parseModel,
  serializeModel,
  type MlModel,
  type MlModelParameters,
} from '../../processors/ml-detection/index.js';
import { insertActiveModel, loadActiveModelRows } from '../db/repositories/ml-models.js';
import type { Logger } from '../logger.js';

/** The ACTIVE models by type, parsed; rows that fail validation are reported and skipped (the type runs without). */
export async function loadActiveModels(pool: pg.Pool, logger?: Logger): Promise<Map<string, MlModel>> {
  const models = new Map<string, MlModel>();
  for (const row of await loadActiveModelRows(pool)) {
    try {
      const model = parseModel(row.modelData, row.modelVersion);
      if (model.machineType !== row.machineType) {
        throw new MlModelError(`model ${row.modelVersion} was fitted for ${model.machineType}`);
      }
      models.set(row.machineType, model);
    } catch (error) {
      if (!(error instanceof MlModelError)) throw error;
      logger?.error(
        { machineType: row.machineType, modelId: row.modelId },
        `ignoring invalid ML model: ${error.message}`,
      );
    }
  }
  return models;
}

export interface NewModel {
  readonly parameters: MlModelParameters;
  readonly trainingDataInfo: unknown;
  /** 0..1, see TrainingSummary.normalShare. */
  readonly accuracyScore: number;
  /** Wall clock of the training, epoch ms (training_date and activated_at). */
  readonly trainedAt: number;
}

export interface StoredModel {
  readonly modelId: string;
  readonly modelVersion: string;
  /** The version it replaced as ACTIVE, if any. */
  readonly replaced: string | null;
}

/**
 * Stores a model as its type's next version (v1, v2, …) and makes it the ACTIVE one; the previous ACTIVE one
 * becomes INACTIVE in the same transaction.
 */
export async function activateNewModel(pool: pg.Pool, model: NewModel): Promise<StoredModel> {
  const type = model.parameters.machineType;
  const modelId = randomUUID();
  const activated = await insertActiveModel(pool, {
    modelId,
    machineType: type,
    modelName: `${model.parameters.algorithm} ${type}`.slice(0, 100),
    modelData: Buffer.from(serializeModel(model.parameters)),
    trainingDataInfo: model.trainingDataInfo,
    accuracyScore: model.accuracyScore,
    trainedAt: model.trainedAt,
  });
  return { modelId, ...activated };
}
