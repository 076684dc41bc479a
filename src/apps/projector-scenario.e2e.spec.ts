// A scripted day in the life of one machine, through the real processor and projector: it overheats,
// escalates, is acknowledged, clears, then flaps. The alert rows and their transitions must tell that story
// without a storm of alerts; and an out-of-order reading inside LATE_GRACE_MS of its machine's latest event time
// corrects its window, one beyond does not.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeReading } from '../../schemas/sensor-reading-codec.js';
import type { SensorReading } from '../../processors/readings/reading.js';
import { createIsolatedPipeline, type IsolatedPipeline } from '../../test/support/pipeline.js';
import { takeAlertAction } from '../alerts/alert-actions.js';
import { alertFromRecord, ALERT_COLUMNS, type AlertRecord } from '../db/repositories/alerts.js';

const T0 = Date.UTC(2026, 2, 2, 8, 0, 0);
const SECOND = 1_000;

/** One reading per second of an unknown machine type (the default config: temperature MEDIUM 80, HIGH 95). */
function segment(fromS: number, toS: number, temperature: number, seqBase = 0): SensorReading[] {
  const readings: SensorReading[] = [];
  for (let s = fromS; s < toS; s++) {
    readings.push({
      machineId: 'oven-1',
      machineType: 'test_oven',
      timestamp: T0 + s * SECOND,
      temperature,
      vibration: 2,
      load: 60,
      status: 'RUNNING',
      seq: seqBase + s,
    });
  }
  return readings;
}

describe('projector scenario: overheat, escalate, acknowledge, clear, flap', () => {
  let pipeline: IsolatedPipeline;
  let analytics: pg.Pool;
  beforeAll(async () => {
    pipeline = await createIsolatedPipeline(1);
    analytics = new pg.Pool({ connectionString: pipeline.analytics.url, max: 2 });
  });
  afterAll(async () => {
    await analytics.end();
    await pipeline.dispose();
  });

  const produce = (readings: SensorReading[]) =>
    pipeline.produce(readings.map((r) => ({ key: r.machineId, value: encodeReading(r, 'json') })));

  const alerts = async () =>
    (
      await analytics.query<AlertRecord>(
        `SELECT ${ALERT_COLUMNS} FROM alerts WHERE alert_type = 'TEMPERATURE_HIGH' ORDER BY timestamp, id`,
      )
    ).rows.map(alertFromRecord);

  const waitFor = async <T>(probe: () => Promise<T | undefined>, what: string): Promise<T> => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };

  it('tells the story in the alert rows, and windows take late readings only inside the grace', async () => {
    const env = {
      ALERT_AUTO_RESOLVE: 'TEMPERATURE_HIGH',
      METRICS_WINDOW_MS: '60000',
      LATE_GRACE_MS: '30000',
    };
    const processor = await pipeline.startProcessor(env);
    const projector = await pipeline.startProjector(env);
    await Promise.all([processor.ready(), projector.ready()]);

    // Normal, then 85 °C (MEDIUM after 30 s), then 100 °C (escalates to HIGH).
    await produce([...segment(0, 60, 60), ...segment(60, 120, 85), ...segment(120, 180, 100)]);
    const first = await waitFor(async () => {
      const [alert] = await alerts();
      return alert?.severity === 'HIGH' ? alert : undefined;
    }, 'the escalated alert');
    expect(first.status).toBe('NEW');

    // Two operators acknowledge at once: one wins, one gets a conflict.
    const [a, b] = await Promise.all([
      takeAlertAction(analytics, first.alertId, {
        action: 'acknowledge',
        actor: 'ana',
        at: T0 + 181 * SECOND,
        note: 'checking',
      }),
      takeAlertAction(analytics, first.alertId, {
        action: 'acknowledge',
        actor: 'ben',
        at: T0 + 181 * SECOND,
        note: null,
      }),
    ]);
    expect([a.ok, b.ok].sort()).toEqual([false, true]);
    const loser = a.ok ? b : a;
    expect(loser.ok === false && loser.reason).toBe('conflict');

    // Back to normal long enough to clear (auto-resolve for this type), then four overheats in ten minutes.
    let s = 180;
    const flaps: SensorReading[] = [...segment(s, s + 90, 60)];
    s += 90;
    for (let flap = 0; flap < 4; flap++) {
      flaps.push(...segment(s, s + 40, 85), ...segment(s + 40, s + 110, 60));
      s += 110;
    }
    await produce(flaps);
    await pipeline.waitUntilCaughtUp(60_000);
    await pipeline.waitUntilProjected(60_000);

    // Five overheats, three alerts: the fourth and fifth opens (four within ten minutes) reopen the third.
    const story = await alerts();
    const summary = story.map((alert) => ({
      alertId: alert.alertId,
      status: alert.status,
      severity: alert.severity,
      flapping: alert.flapping,
      repeatCount: alert.repeatCount,
      transitions: alert.transitions.map((t) => `${t.action} by ${t.by}: ${t.from ?? '-'} → ${t.to}`),
    }));
    expect(summary).toEqual([
      {
        alertId: 'oven-1:TEMPERATURE_HIGH:1',
        status: 'RESOLVED',
        severity: 'HIGH',
        flapping: false,
        repeatCount: 0,
        transitions: [
          'open by system: - → NEW',
          'escalate by system: NEW → NEW',
          `acknowledge by ${a.ok ? 'ana' : 'ben'}: NEW → ACKNOWLEDGED`,
          'auto_resolve by system: ACKNOWLEDGED → RESOLVED',
        ],
      },
      {
        alertId: 'oven-1:TEMPERATURE_HIGH:2',
        status: 'RESOLVED',
        severity: 'MEDIUM',
        flapping: false,
        repeatCount: 0,
        transitions: ['open by system: - → NEW', 'auto_resolve by system: NEW → RESOLVED'],
      },
      {
        alertId: 'oven-1:TEMPERATURE_HIGH:3',
        status: 'RESOLVED',
        severity: 'MEDIUM',
        flapping: true,
        repeatCount: 2,
        transitions: [
          'open by system: - → NEW',
          'auto_resolve by system: NEW → RESOLVED',
          'reopen by system: RESOLVED → NEW',
          'auto_resolve by system: NEW → RESOLVED',
          'reopen by system: RESOLVED → NEW',
          'auto_resolve by system: NEW → RESOLVED',
        ],
      },
    ]);
    expect(story[0]!.transitions[2]!.note).toBe(a.ok ? 'checking' : null);
    expect(story[0]!.resolutionTime).not.toBeNull();

    // Windows: 20 s more of readings put the machine at T0 + 739 s. A reading of 719.5 s is 19.5 s behind it
    // (inside the 30 s grace): it corrects the window [660 s, 720 s). One of 0.5 s is late.
    await produce(segment(s, 740, 60));
    await pipeline.waitUntilProjected(60_000);
    const windowRows = async (start: number) =>
      (
        await analytics.query<{ readings: number }>(
          `SELECT readings FROM performance_windows WHERE machine_id = 'oven-1'
              AND window_start = timestamp 'epoch' + $1::bigint * interval '1 millisecond'`,
          [start],
        )
      ).rows[0]?.readings;
    const recentStart = T0 + 660 * SECOND;
    const oldStart = T0;
    const before = { recent: await windowRows(recentStart), old: await windowRows(oldStart) };
    await produce([
      { ...segment(0, 1, 61)[0]!, timestamp: T0 + 719_500, seq: 100_000 },
      { ...segment(0, 1, 61)[0]!, timestamp: oldStart + 500, seq: 100_001 },
    ]);
    await pipeline.waitUntilProjected(60_000);
    expect(await windowRows(recentStart)).toBe((before.recent ?? 0) + 1);
    expect(await windowRows(oldStart)).toBe(before.old);

    processor.kill('SIGTERM');
    projector.kill('SIGTERM');
  });
});
