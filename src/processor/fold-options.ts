// The fold's options from the configuration: one place, so the processor and anything that re-folds the log to
// check it (the test oracle, the benchmarks) judge every reading alike.
import type { FoldOptions } from '../../processors/partition/index.js';
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
