import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.js';

const DAY = 86_400_000;

describe('retention configuration', () => {
  it('given no RETENTION_ variables, when loaded, then every table has its documented default', () => {
    const { retention } = loadConfig({});
    expect(retention.batchSize).toBe(5_000);
    expect(
      Object.fromEntries(
        Object.entries(retention.policies).map(([table, p]) => [table, `${p.period.text} ${p.mode}`]),
      ),
    ).toEqual({
      anomaly_history: 'P90D ARCHIVE',
      state_snapshots: 'P7D DELETE',
      anomaly_records: 'P180D ARCHIVE',
      alerts: 'P90D ARCHIVE',
      performance_metrics: 'P365D ARCHIVE',
      performance_windows: 'P7D DELETE',
      notification_logs: 'P90D ARCHIVE',
      maintenance_reports: 'P730D ARCHIVE',
    });
  });

  it('given periods as durations, days and off, and a mode, when loaded, then they are taken', () => {
    const { retention } = loadConfig({
      RETENTION_BATCH_SIZE: '250',
      RETENTION_ANOMALY_HISTORY: 'P2W',
      RETENTION_ANOMALY_RECORDS: '30',
      RETENTION_ANOMALY_RECORDS_MODE: 'delete',
      RETENTION_MAINTENANCE_REPORTS: 'off',
    });
    expect(retention.batchSize).toBe(250);
    expect(retention.policies.anomaly_history.period).toEqual({ text: 'P2W', ms: 14 * DAY });
    expect(retention.policies.anomaly_records).toEqual({
      period: { text: 'P30D', ms: 30 * DAY },
      mode: 'DELETE',
    });
    expect(retention.policies.maintenance_reports.period).toEqual({ text: 'off', ms: null });
  });

  it.each([
    [{ RETENTION_ALERTS: 'P1Y' }, 'RETENTION_ALERTS: "P1Y": months and years have no fixed length'],
    [{ RETENTION_ALERTS_MODE: 'DELETE' }, 'RETENTION_ALERTS_MODE: DELETE is not possible for alerts'],
    [{ RETENTION_STATE_SNAPSHOTS_MODE: 'ARCHIVE' }, 'state_snapshots has no archive table'],
    [{ RETENTION_BATCH_SIZE: '0' }, 'RETENTION_BATCH_SIZE'],
  ])('given %j, when loaded, then it stops with one line naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    try {
      loadConfig(env);
    } catch (error) {
      expect((error as Error).message).toContain(message);
      expect((error as Error).message).not.toContain('\n');
    }
  });
});
