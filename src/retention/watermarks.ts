// What the pipeline still needs, read before planning: how far the projector has closed its windows, and how
// far back a processor recovery would write anomaly rows again. Both only move forward, so reading them once
// at the start of a run is conservative for the whole run.
import type pg from 'pg';
import type { ReplayGuard, RetentionWatermarks } from '../../processors/retention/index.js';
import { epochMs } from '../db/sql-time.js';

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
  const result = await sources.analytics.query<{ partitions: string; timed: string; slowest: string | null }>(
    `SELECT count(*) AS partitions, count(stream_time) AS timed, min(stream_time) AS slowest
       FROM projector_checkpoints WHERE consumer_group = $1 AND topic = $2`,
    [sources.projectorGroup, sources.readingsTopic],
  );
  const row = result.rows[0];
  if (!row || Number(row.partitions) === 0 || row.timed !== row.partitions || row.slowest === null)
    return null;
  return Number(row.slowest) - sources.windowGraceMs;
}

async function replayGuard(sources: WatermarkSources): Promise<ReplayGuard> {
  const result = await sources.twin.query<{ partitions: string; snapshotted: string; oldest: number | null }>(
    `SELECT count(*) AS partitions, count(snapshot_offset) AS snapshotted,
            min(${epochMs('snapshot_time')}) AS oldest
       FROM processor_checkpoints WHERE consumer_group = $1 AND topic = $2`,
    [sources.processorGroup, sources.readingsTopic],
  );
  const row = result.rows[0];
  const partitions = Number(row?.partitions ?? 0);
  if (partitions === 0) return { kind: 'none' };
  const without = partitions - Number(row?.snapshotted ?? 0);
  if (without > 0 || row?.oldest === null || row?.oldest === undefined) {
    return {
      kind: 'hold',
      reason: `${without} partition(s) of ${sources.readingsTopic} have no snapshot yet, so recovery replays them from offset 0`,
    };
  }
  return { kind: 'created-before', at: row.oldest };
}
