import { describe, expect, it } from 'vitest';
import { parseRetentionPeriod, type RetentionPeriod } from './period.js';
import {
  planRetention,
  selectTable,
  tableDone,
  type RetentionPolicies,
  type RetentionWatermarks,
  type TablePlan,
} from './plan.js';
import { RETENTION_TABLES, RETENTION_TABLE_NAMES, type RetentionTableName } from './tables.js';

const DAY = 86_400_000;
/** 2026-03-10T15:30:00Z */
const NOW = Date.UTC(2026, 2, 10, 15, 30);

function period(text: string): RetentionPeriod {
  const parsed = parseRetentionPeriod(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.period;
}

const defaults = Object.fromEntries(
  RETENTION_TABLES.map((t) => [t.table, { period: period(t.defaultPeriod), mode: t.defaultMode }]),
) as RetentionPolicies;

const settled: RetentionWatermarks = {
  closedUpTo: NOW - 60_000,
  replay: { kind: 'created-before', at: NOW - 30_000 },
};

function planOf(table: RetentionTableName, watermarks = settled, policies = defaults): TablePlan {
  const [plan] = planRetention({ policies, now: NOW, watermarks, only: table });
  if (!plan) throw new Error(`no plan for ${table}`);
  return plan;
}

describe('retention plan', () => {
  it('given the defaults, when planned, then every table gets a cutoff its period before now', () => {
    const plans = planRetention({ policies: defaults, now: NOW, watermarks: settled });
    expect(plans.map((p) => p.table)).toEqual(RETENTION_TABLE_NAMES);
    expect(planOf('anomaly_history')).toMatchObject({
      cutoff: NOW - 90 * DAY,
      mode: 'ARCHIVE',
      period: 'P90D',
    });
    expect(planOf('alerts')).toMatchObject({ cutoff: NOW - 90 * DAY, rule: 'resolved-alerts' });
    expect(planOf('state_snapshots')).toMatchObject({ cutoff: NOW - 7 * DAY, mode: 'DELETE' });
  });

  it('given a table switched off, when planned, then nothing of it goes', () => {
    const policies = { ...defaults, notification_logs: { period: period('off'), mode: 'ARCHIVE' as const } };
    expect(planOf('notification_logs', settled, policies)).toMatchObject({
      cutoff: null,
      note: 'retention is off',
    });
  });

  it('given windows and metrics, when planned, then the cutoff falls back to the start of its UTC day', () => {
    // NOW − 7 days is 2026-03-03T15:30Z: that day is not over at the cutoff, so only days before it go.
    expect(planOf('performance_windows').cutoff).toBe(Date.UTC(2026, 2, 3));
    expect(planOf('performance_metrics').cutoff).toBe(Date.UTC(2025, 2, 10));
  });

  it('given a projector whose stream time lags behind the cutoff, when planned, then only the days it closed go', () => {
    const lagging = { ...settled, closedUpTo: Date.UTC(2026, 1, 20, 8, 0) };
    expect(planOf('performance_windows', lagging)).toMatchObject({
      cutoff: Date.UTC(2026, 1, 20),
      note: expect.stringContaining('has not closed later days') as unknown,
    });
  });

  it('given a projector with no stream time yet, when planned, then no window or metric goes', () => {
    const fresh = { ...settled, closedUpTo: null };
    expect(planOf('performance_windows', fresh).cutoff).toBeNull();
    expect(planOf('performance_metrics', fresh).cutoff).toBeNull();
    expect(planOf('anomaly_records', fresh).cutoff).toBe(NOW - 180 * DAY);
  });

  it('given a partition without a snapshot, when planned, then the anomaly tables carry the hold and others do not', () => {
    const holding: RetentionWatermarks = { ...settled, replay: { kind: 'hold', reason: 'partition 2' } };
    expect(planOf('anomaly_history', holding)).toMatchObject({
      replay: { kind: 'hold' },
      note: expect.stringContaining('held back') as unknown,
    });
    expect(planOf('anomaly_records', holding).replay.kind).toBe('hold');
    expect(planOf('alerts', holding).replay).toEqual({ kind: 'none' });
  });

  it('given table names, when selected, then known names pass in any case and unknown ones list the choices', () => {
    expect(selectTable('Alerts')).toEqual({ ok: true, table: 'alerts' });
    const refused = selectTable('alert');
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.message).toContain('expected one of anomaly_history, state_snapshots');
  });

  it('given batches of 5, when one moves 5 rows, then more may remain; when one moves fewer, then the table is done', () => {
    expect(tableDone(5, 5)).toBe(false);
    expect(tableDone(4, 5)).toBe(true);
    expect(tableDone(0, 5)).toBe(true);
  });
});
