// What the pipeline still needs, read before planning: how far the projector has closed its windows, and how
// far back a processor recovery would write anomaly rows again. Both only move forward, so reading them once
// at the start of a run is conservative for the whole run.
import type pg from 'pg';
import type { ReplayGuard, RetentionWatermarks } from '../../processors/retention/index.js';
import { loadProjectorProgress, loadSnapshotProgress } from '../db/repositories/retention.js';

export interface WatermarkSources {
  readonly twin: pg.Pool;
  readonly analytics: pg.Pool;
  readonly processorGroup: string;
  readonly projectorGroup: string;
  readonly readingsTopic: string;
  /** The projector's window grace: a window takes readings until stream time passes its end plus this. */
  readonly windowGraceMs: number;
}

export async function readWatermarks(sources: WatermarkSources): Promise<RetentionWatermarks> {
  const [closedUpTo, replay] = await Promise.all([projectorClosedUpTo(sources), replayGuard(sources)]);
  return { closedUpTo, replay };
}

async function projectorClosedUpTo(sources: WatermarkSources): Promise<number | null> {
  const progress = await loadProjectorProgress(
    sources.analytics,
    sources.projectorGroup,
    sources.readingsTopic,
  );
  if (progress.partitions === 0 || progress.timed !== progress.partitions || progress.slowest === null)
    return null;
  return progress.slowest - sources.windowGraceMs;
}

async function replayGuard(sources: WatermarkSources): Promise<ReplayGuard> {
  const progress = await loadSnapshotProgress(sources.twin, sources.processorGroup, sources.readingsTopic);
  if (progress.partitions === 0) return { kind: 'none' };
  const without = progress.partitions - progress.snapshotted;
  if (without > 0 || progress.oldest === null) {
    return {
      kind: 'hold',
      reason: `${without} partition(s) of ${sources.readingsTopic} have no snapshot yet, so recovery replays them from offset 0`,
    };
  }
  return { kind: 'created-before', at: progress.oldest };
}
