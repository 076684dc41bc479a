// `twin report`: a maintenance report (DAILY, WEEKLY or MONTHLY) for the whole fleet or one machine, over the
// last complete UTC period ending at or before --at (default now). Upserts maintenance_reports (one row per
// report_id) and writes a self-contained HTML page to --out. Safe on a schedule: a rerun for the same period
// replaces the same row and file, and it exits 0; bad flags exit 1 with one line.
//
//   twin report --type WEEKLY                              # last ISO week (Mon–Sun), whole fleet
//   twin report --type DAILY --machine pump-0001 --at 2026-03-09T06:00:00Z --out /var/reports
import { loadConfig, type Config } from '../config.js';
import { createPool } from '../db/pool.js';
import { withJobMetrics } from '../metrics/push-job-metrics.js';
import { checkDatabase } from '../lifecycle/preflight.js';
import { generateReport } from '../reports/generate-report.js';
import { parseReportOptions, type RawReportOptions, type ReportSettings } from '../reports/report-options.js';

export async function runReport(raw: RawReportOptions): Promise<void> {
  const settings = parseReportOptions(raw, Date.now());
  const config = loadConfig();
  const job = `report-${settings.type.toLowerCase()}`;
  await withJobMetrics({ job, url: config.pushgatewayUrl, command: 'twin report' }, () =>
    report(config, settings),
  );
}

async function report(config: Config, settings: ReportSettings): Promise<void> {
  await checkDatabase('analytics', config.databases.analyticsUrl, config.startupTimeoutMs);
  const pool = createPool(config.databases.analyticsUrl, { max: 4, applicationName: 'twin-report' });
  try {
    const { report, outcome, htmlFile } = await generateReport(pool, settings);
    const s = report.metricsSummary;
    const { start, end } = report.content.period;
    process.stdout.write(
      `twin report: ${report.reportId} (${start.slice(0, 10)} to ${end.slice(0, 10)} exclusive, ` +
        `${s.machines} machines, ${s.machinesNeedingAttention} need attention, ${s.recommendations} recommendations) ` +
        `${outcome} in maintenance_reports; page ${htmlFile}\n`,
    );
  } finally {
    await pool.end();
  }
}
