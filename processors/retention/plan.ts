// Which rows each table gives up in a run: a cutoff from its period and the injected "now", held back where
// the pipeline may still need rows (days the projector has not closed, rows a processor recovery replays).
import type { RetentionPeriod } from './period.js';
import {
  RETENTION_TABLES,
  RETENTION_TABLE_NAMES,
  type RetentionMode,
  type RetentionRule,
  type RetentionTableName,
} from './tables.js';

const DAY_MS = 86_400_000;

export interface TablePolicy {
  readonly period: RetentionPeriod;
  readonly mode: RetentionMode;
}

export type RetentionPolicies = Readonly<Record<RetentionTableName, TablePolicy>>;

/**
 * How far a processor recovery can reach back. Recovery restarts a partition from its latest snapshot and
 * writes the anomaly rows of what follows again (skipping event ids already live): a row moved to the archive
 * would come back. Rows created before every partition's latest snapshot are out of reach.
 */
export type ReplayGuard =
  /** No checkpoint of the processor's group: nothing of its own to replay. */
  | { readonly kind: 'none' }
  /** Rows created before this (epoch ms: the oldest of the partitions' latest snapshots) are out of reach. */
  | { readonly kind: 'created-before'; readonly at: number }
  /** A partition has no snapshot yet, so its recovery replays from offset 0: only rows without an event id. */
  | { readonly kind: 'hold'; readonly reason: string };

export interface RetentionWatermarks {
  /**
   * The projector's readings stream time on its slowest partition minus the window grace (epoch ms): windows
   * ending by then take no more readings. null when the projector has no stream time yet.
   */
  readonly closedUpTo: number | null;
  readonly replay: ReplayGuard;
}

export interface TablePlan {
  readonly table: RetentionTableName;
  readonly database: 'twin' | 'analytics';
  readonly rule: RetentionRule;
  readonly ageOf: string;
  readonly mode: RetentionMode;
  readonly period: string;
  /** Rows aged before this go (epoch ms); null: none goes this run. */
  readonly cutoff: number | null;
  /** For `replayable` tables. */
  readonly replay: ReplayGuard;
  /** Why the cutoff is earlier than now − period, or why nothing goes. */
  readonly note: string | null;
}

export const startOfUtcDay = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;

export type TableSelection = { ok: true; table: RetentionTableName } | { ok: false; message: string };

export function selectTable(name: string): TableSelection {
  const found = RETENTION_TABLE_NAMES.find((table) => table === name.trim().toLowerCase());
  return found
    ? { ok: true, table: found }
    : { ok: false, message: `unknown table "${name}": expected one of ${RETENTION_TABLE_NAMES.join(', ')}` };
}

export function planRetention(input: {
  readonly policies: RetentionPolicies;
  readonly now: number;
  readonly watermarks: RetentionWatermarks;
  readonly only?: RetentionTableName;
}): TablePlan[] {
  const { policies, now, watermarks } = input;
  return RETENTION_TABLES.filter(({ table }) => input.only === undefined || input.only === table).map(
    (spec) => {
      const policy = policies[spec.table];
      const base = {
        table: spec.table,
        database: spec.database,
        rule: spec.rule,
        ageOf: spec.ageOf,
        mode: policy.mode,
        period: policy.period.text,
        replay: spec.rule === 'replayable' ? watermarks.replay : ({ kind: 'none' } as const),
      };
      if (policy.period.ms === null) return { ...base, cutoff: null, note: 'retention is off' };
      const cutoff = now - policy.period.ms;
      if (spec.rule !== 'final-days') return { ...base, cutoff, note: replayNote(base.replay) };
      // Whole UTC days only, and only days the projector has closed: a day's roll-up is recomputed from
      // all its windows, so a window must not go while its day can still change.
      if (watermarks.closedUpTo === null)
        return { ...base, cutoff: null, note: 'the projector has no stream time yet: no day is final' };
      const finalUpTo = startOfUtcDay(Math.min(cutoff, watermarks.closedUpTo));
      return {
        ...base,
        cutoff: finalUpTo,
        note:
          watermarks.closedUpTo < cutoff
            ? `held back to ${new Date(finalUpTo).toISOString()}: the projector has not closed later days`
            : null,
      };
    },
  );
}

function replayNote(replay: ReplayGuard): string | null {
  if (replay.kind === 'hold') return `rows with an event id held back: ${replay.reason}`;
  if (replay.kind === 'created-before')
    return `rows created since ${new Date(replay.at).toISOString()} (the oldest latest snapshot) are kept`;
  return null;
}

/** A batch that moved fewer rows than it asked for found no more (unlocked) rows: the table is done. */
export const tableDone = (rowsInBatch: number, batchSize: number) => rowsInBatch < batchSize;
