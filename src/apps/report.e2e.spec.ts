// A simulated week of a small fleet with faults placed by hand, through the real processor and projector, then
// `twin report --type WEEKLY`: the report must name exactly the faulty machines (from the ground truth), each
// with the recommendation its fault calls for and evidence that matches it, render as HTML with SVG charts,
// and be one row however often it runs.
import { runTwin } from '../../test/support/cli.js';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeReading } from '../../schemas/sensor-reading-codec.js';
import type { RecommendationKind } from '../../processors/reports/index.js';
import { createIsolatedPipeline, type IsolatedPipeline } from '../../test/support/pipeline.js';
import { takeAlertAction } from '../alerts/alert-actions.js';
import { alertFigures, reportPeriod } from '../../processors/reports/index.js';
import { generateReport, UnknownMachineError } from '../reports/generate-report.js';
import { loadMachineInputs } from '../reports/report-queries.js';
import { createFleet, generateReadings, type FaultPlan, type FaultType } from '../simulator/index.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MINUTE = 60_000;

// The ISO week before last: wholly in the past, so no reading is refused as stamped in the future.
const thisMonday = (() => {
  const midnight = Math.floor(Date.now() / DAY) * DAY;
  return midnight - ((new Date(midnight).getUTCDay() + 6) % 7) * DAY;
})();
const T0 = thisMonday - 14 * DAY;
const AT = T0 + 7 * DAY + 6 * HOUR;

// Long and repeated, as a week-long report needs them: the simulator's own draws last minutes.
const FAULTS: FaultPlan[] = [
  { machineId: 'pump-0001', fault: 'bearing_wear', startTime: T0 + 1.5 * DAY, endTime: T0 + 7 * DAY },
  ...[0, 1, 2, 3, 4].map((day) => ({
    machineId: 'compressor-0001',
    fault: 'overheating' as const,
    startTime: T0 + day * DAY + 10 * HOUR,
    endTime: T0 + day * DAY + 10 * HOUR + 20 * MINUTE,
  })),
  {
    machineId: 'cnc_mill-0002',
    fault: 'stuck_sensor',
    sensor: 'temperature',
    startTime: T0 + 3 * DAY,
    endTime: T0 + 4 * DAY,
  },
  ...[1, 3, 5].map((day) => ({
    machineId: 'conveyor-0002',
    fault: 'dropout' as const,
    startTime: T0 + day * DAY + 15 * HOUR,
    endTime: T0 + day * DAY + 15 * HOUR + 15 * MINUTE,
  })),
];

const EXPECTED: Record<Exclude<FaultType, 'vibration_spike'>, RecommendationKind> = {
  bearing_wear: 'INSPECT_BEARINGS',
  overheating: 'CHECK_COOLING',
  stuck_sensor: 'CALIBRATE_SENSOR',
  dropout: 'CHECK_GATEWAY',
};

describe('twin report over a simulated week', () => {
  let pipeline: IsolatedPipeline;
  let analytics: pg.Pool;
  let outDir: string;
  const fleet = createFleet({ machines: 8, seed: 11, startTime: T0, intervalMs: MINUTE, faults: FAULTS });
  const groundTruth = fleet.groundTruth();

  beforeAll(async () => {
    pipeline = await createIsolatedPipeline(3);
    analytics = new pg.Pool({ connectionString: pipeline.analytics.url, max: 2 });
    outDir = await mkdtemp(join(tmpdir(), 'twin-report-'));
    const readings = generateReadings(fleet, { until: T0 + 7 * DAY });
    await pipeline.produce(readings.map((r) => ({ key: r.machineId, value: encodeReading(r, 'json') })));
    const processor = await pipeline.startProcessor();
    const projector = await pipeline.startProjector();
    await Promise.all([processor.ready(), projector.ready()]);
    await pipeline.waitUntilCaughtUp(120_000);
    await pipeline.waitUntilProjected(120_000);
    processor.kill('SIGTERM');
    projector.kill('SIGTERM');
  });
  afterAll(async () => {
    await analytics?.end();
    await pipeline?.dispose();
    if (outDir !== undefined) await rm(outDir, { recursive: true, force: true });
  });

  it('given a week with injected faults, when the weekly report runs, then it names the faulty machines with matching evidence and no healthy one', async () => {
    // An operator acknowledges the compressor's overheating alert 10 minutes after it was raised (created_at: the
    // arrival clock, i.e. when the week's history reached the broker, today; timestamp is its event time).
    const [alert] = (
      await analytics.query<{ alert_id: string; raised: number; opened: number }>(
        `SELECT alert_id, (extract(epoch from created_at) * 1000)::float8 AS raised,
                (extract(epoch from timestamp) * 1000)::float8 AS opened FROM alerts
          WHERE machine_id = 'compressor-0001' AND alert_type = 'TEMPERATURE_HIGH' ORDER BY timestamp LIMIT 1`,
      )
    ).rows;
    expect(alert).toBeDefined();
    expect(alert!.opened).toBeLessThan(T0 + 7 * DAY);
    expect(alert!.raised).toBeGreaterThan(Date.now() - HOUR);
    const acked = await takeAlertAction(analytics, alert!.alert_id, {
      action: 'acknowledge',
      actor: 'ana',
      at: alert!.raised + 10 * MINUTE,
      note: null,
    });
    expect(acked.ok).toBe(true);

    const { report, outcome, htmlFile } = await generateReport(analytics, {
      type: 'WEEKLY',
      machineId: null,
      at: AT,
      outDir,
    });
    expect(outcome).toBe('inserted');
    expect(report.reportId).toMatch(/^WEEKLY-\d{4}-W\d{2}$/);
    expect(report.content.period).toMatchObject({
      start: new Date(T0).toISOString(),
      end: new Date(T0 + 7 * DAY).toISOString(),
    });
    expect(report.metricsSummary.machines).toBe(8);

    const faulty = new Map(groundTruth.map((fault) => [fault.machineId, fault.fault]));
    expect(new Set(report.content.machinesNeedingAttention)).toEqual(new Set(faulty.keys()));
    const kinds = (machineId: string) =>
      report.recommendations.filter((r) => r.machineId === machineId).map((r) => r.kind);
    for (const [machineId, fault] of faulty) {
      expect(kinds(machineId), machineId).toEqual([EXPECTED[fault as keyof typeof EXPECTED]]);
    }
    const healthy = fleet.machines.filter((m) => !faulty.has(m.machineId));
    expect(healthy).toHaveLength(4);
    for (const machine of healthy) expect(kinds(machine.machineId), machine.machineId).toEqual([]);

    const evidence = (machineId: string) =>
      report.recommendations.find((r) => r.machineId === machineId)!.evidence as Record<string, unknown>;
    // Bearings: a clear rising trend, many standard errors above zero.
    expect(evidence('pump-0001')).toMatchObject({ hours: 168 });
    expect(evidence('pump-0001').slopePerDay).toBeGreaterThan(0.3);
    expect(evidence('pump-0001').tStatistic).toBeGreaterThan(10);
    // Cooling: at least one detection per injected overheating, hotter than the compressor's 82 °C bound.
    expect(evidence('compressor-0001').detections).toBeGreaterThanOrEqual(5);
    expect(evidence('compressor-0001').peakTemperature).toBeGreaterThan(82);
    // Calibration: the temperature, frozen inside the fault's day.
    const stuck = evidence('cnc_mill-0002');
    expect(stuck).toMatchObject({ sensor: 'temperature' });
    expect(stuck.hours).toBeGreaterThanOrEqual(20);
    expect(Date.parse(stuck.from as string)).toBeGreaterThanOrEqual(T0 + 3 * DAY);
    expect(Date.parse(stuck.to as string)).toBeLessThanOrEqual(T0 + 4 * DAY);
    // Gateway: each dropout went stale.
    expect(evidence('conveyor-0002').dropouts).toBeGreaterThanOrEqual(3);

    // Alert figures, on the lifecycle clock: the week's history arrived after the week had ended, so at its end
    // no alert was even raised: the weekly report counts them opened, none acknowledged. As of now, the
    // acknowledgement ran 10 minutes from when the alert was raised, not two weeks from its event time.
    const compressor = report.content.machines.find((m) => m.machineId === 'compressor-0001')!;
    expect(compressor.alerts.opened).toBeGreaterThan(0);
    expect(compressor.alerts.acknowledged).toBe(0);
    expect(compressor.alerts.meanTimeToAcknowledgeMinutes).toBeNull();
    const [input] = await loadMachineInputs(analytics, reportPeriod('WEEKLY', AT), [
      { machineId: 'compressor-0001', machineType: 'compressor' },
    ]);
    expect(alertFigures(input!.alerts, Date.now() + DAY)).toMatchObject({
      acknowledged: 1,
      meanTimeToAcknowledgeMinutes: 10,
    });
    expect(report.content.topOffenders.map((o) => o.machineId)).toContain('compressor-0001');
    expect(compressor.series).toMatchObject({ resolution: 'P1D' });
    expect(compressor.series.points).toHaveLength(7);

    // The page: named after the report, charts inline, every machine named, nothing external.
    expect(htmlFile).toBe(join(outDir, `${report.reportId}.html`));
    const html = await readFile(htmlFile, 'utf8');
    expect(html.match(/<svg /g)?.length ?? 0).toBeGreaterThanOrEqual(10);
    expect(html).toContain('hourly vibration (mm/s) and its trend');
    for (const machine of fleet.machines) expect(html).toContain(machine.machineId);
    expect(html).toContain('Inspect the bearings');
    expect(html).not.toMatch(/<script|<link |src="http/);

    // Run again through the CLI, as the schedule would: same row, unchanged, exit 0.
    const again = await runTwin(
      ['report', '--type', 'WEEKLY', '--at', new Date(AT).toISOString(), '--out', outDir],
      {
        ANALYTICS_DATABASE_URL: pipeline.analytics.url,
        LOG_LEVEL: 'warn',
      },
    );
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`${report.reportId} (`);
    expect(again.stdout).toContain('unchanged');
    const rows = await analytics.query<{ report_id: string; generated_time_ms: number; content: unknown }>(
      `SELECT report_id, (extract(epoch from generated_time) * 1000)::float8 AS generated_time_ms, content
         FROM maintenance_reports`,
    );
    expect(rows.rows.map((row) => row.report_id)).toEqual([report.reportId]);
    expect(rows.rows[0]!.generated_time_ms).toBe(T0 + 7 * DAY);
    expect(rows.rows[0]!.content).toEqual(JSON.parse(JSON.stringify(report.content)));
  });

  it('given one machine, when its weekly report runs, then it is its own row with only that machine', async () => {
    const { report } = await generateReport(analytics, {
      type: 'WEEKLY',
      machineId: 'pump-0001',
      at: AT,
      outDir,
    });
    expect(report.reportId).toMatch(/^WEEKLY-\d{4}-W\d{2}-pump-0001$/);
    expect(report.content.machines.map((m) => m.machineId)).toEqual(['pump-0001']);
    expect(report.recommendations.map((r) => r.kind)).toEqual(['INSPECT_BEARINGS']);
    const rows = await analytics.query<{ machine_id: string | null }>(
      'SELECT machine_id FROM maintenance_reports ORDER BY report_id',
    );
    expect(rows.rows.map((row) => row.machine_id)).toEqual([null, 'pump-0001']);

    await expect(
      generateReport(analytics, { type: 'WEEKLY', machineId: 'no-such-machine', at: AT, outDir }),
    ).rejects.toThrow(UnknownMachineError);
  });

  it('given bad flags, when twin report runs, then it exits 1 with one clear line', async () => {
    for (const [args, message] of [
      [['--type', 'HOURLY'], '--type takes DAILY, WEEKLY or MONTHLY, got "HOURLY"'],
      [['--type', 'WEEKLY', '--at', 'last tuesday'], '--at takes an ISO-8601 time with zone'],
      [['--type', 'WEEKLY', '--at', '2026-02-30'], '--at takes an ISO-8601 time with zone'],
    ] as const) {
      const result = await runTwin(['report', ...args], { ANALYTICS_DATABASE_URL: pipeline.analytics.url });
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toContain(`twin report: ${message}`);
    }
  });
});
