// The fold's options from the configuration: one place, so the processor and anything that re-folds the log to
// check it (the test oracle, the benchmarks) judge every reading alike.
import type { FoldOptions } from '../../processors/partition/index.js';
import { MAX_ID_CHARACTERS } from '../../processors/readings/validate-reading.js';
import type { Config } from '../config.js';

export function foldOptionsOf(config: Pick<Config, 'processor' | 'arrival'>): FoldOptions {
  const { processor, arrival } = config;
  return {
    graceMs: arrival.lateGraceMs,
    twinPublishIntervalMs: processor.twinPublishIntervalMs,
    maxAheadMs: arrival.maxAheadMs,
    backlogHorizonMs: arrival.backlogHorizonMs,
    clockSkewBehindMs: processor.clockSkewBehindMs,
    clockSkewConfirmMs: processor.clockSkewConfirmMs,
  };
}

/**
 * The options for one partition: with its name for PARTITION_SILENT rows (`<topic>:<partition>`, the pseudo
 * machine id; its last 50 characters when longer, as machine_id is VARCHAR(50)).
 */
export function partitionFoldOptions(
  base: FoldOptions,
  silentAfterMs: number,
  topic: string,
  partition: number,
): FoldOptions {
  if (silentAfterMs <= 0) return base;
  const name = `${topic}:${partition}`;
  return { ...base, partitionSilence: { name: name.slice(-MAX_ID_CHARACTERS), silentAfterMs } };
}
