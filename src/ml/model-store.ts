// The ML detector's stored models, in its own terms: ACTIVE rows parsed and validated into models, and a fitted
// model serialized and stored as its type's next version (ACTIVE or, below the activation gate, INACTIVE),
// and a rollback to the previous one. The SQL is in src/db/repositories/ml-models.ts.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import {
  MlModelError,
  parseModel,
  serializeModel,
  type MlModel,
  type MlModelParameters,
} from '../../processors/ml-detection/index.js';
import {
  insertModel,
  loadActiveModelRows,
  rollbackModel,
  type RollbackResult,
} from '../db/repositories/ml-models.js';
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
  /** 0..1: the held-out quiet share (HeldOutEvaluation.quietShare). */
  readonly accuracyScore: number;
  /** Wall clock of the training, epoch ms (training_date and activated_at). */
  readonly trainedAt: number;
}

export interface StoredModel {
  readonly modelId: string;
  readonly modelVersion: string;
  readonly status: 'ACTIVE' | 'INACTIVE';
  /** The version it replaced as ACTIVE (now ARCHIVED), if any. */
  readonly replaced: string | null;
}

/**
 * Stores a model as its type's next version (v1, v2, …). `activate`: it becomes the ACTIVE one and the previous
 * ACTIVE one is ARCHIVED in the same transaction; otherwise it is stored INACTIVE and nothing changes for the
 * processors.
 */
export async function storeNewModel(pool: pg.Pool, model: NewModel, activate: boolean): Promise<StoredModel> {
  const type = model.parameters.machineType;
  const modelId = randomUUID();
  const stored = await insertModel(
    pool,
    {
      modelId,
      machineType: type,
      modelName: `${model.parameters.algorithm} ${type}`.slice(0, 100),
      modelData: Buffer.from(serializeModel(model.parameters)),
      trainingDataInfo: model.trainingDataInfo,
      accuracyScore: model.accuracyScore,
      trainedAt: model.trainedAt,
    },
    activate,
  );
  return { modelId, ...stored };
}

/** Stores a model as its type's next version and makes it the ACTIVE one (the previous one is ARCHIVED). */
export function activateNewModel(pool: pg.Pool, model: NewModel): Promise<StoredModel> {
  return storeNewModel(pool, model, true);
}

/** Makes the previous model of a type ACTIVE again and archives the one it replaces (see rollbackModel). */
export function rollBack(pool: pg.Pool, machineType: string, at: number): Promise<RollbackResult> {
  return rollbackModel(pool, machineType, at);
}
