// The report as one self-contained HTML page for a plant manager: the summary first, then the machines that
// need attention with the evidence, then every machine in detail. Inline CSS and SVG only (no scripts, no
// external assets), so it can be mailed or archived as it is; all text from the data is escaped.
import type { MachineSection, MaintenanceReport, Recommendation } from './report-types.js';
import { readableTime } from './recommendations.js';
import { barChart, escapeHtml, lineChart, trendChart } from './svg-charts.js';

const TITLES = { DAILY: 'Daily', WEEKLY: 'Weekly', MONTHLY: 'Monthly' } as const;

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1f2933;background:#f5f7fa}
main{max-width:1000px;margin:0 auto;padding:24px}
h1{margin:0 0 4px;font-size:26px}h2{margin:32px 0 12px;font-size:20px;border-bottom:2px solid #d9e2ec;padding-bottom:4px}
h3{margin:0 0 8px;font-size:17px}.muted{color:#616e7c;font-size:13px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:10px;margin-top:16px}
.card{background:#fff;border:1px solid #d9e2ec;border-radius:6px;padding:10px 12px}
.card .value{font-size:22px;font-weight:600}.card .label{font-size:12px;color:#616e7c}
.card.alert .value{color:#b42318}
table{border-collapse:collapse;width:100%;background:#fff;margin:8px 0;font-size:14px}
th,td{border:1px solid #d9e2ec;padding:5px 8px;text-align:left;vertical-align:top}th{background:#eef2f7}
.priority-HIGH{color:#b42318;font-weight:700}.priority-MEDIUM{color:#b54708;font-weight:600}.priority-LOW{color:#475467}
article{background:#fff;border:1px solid #d9e2ec;border-radius:6px;padding:14px;margin:12px 0}
article.attention{border-left:5px solid #b42318}
.chart{display:block;max-width:100%;height:auto;margin:8px 0;background:#fff}
.chart-title{font-size:13px;font-weight:600;fill:#1f2933}.axis{font-size:11px;fill:#616e7c}
.grid{stroke:#e4e7eb;stroke-width:1}.bar{fill:#3e7bfa}.point{fill:#3e7bfa}.fit{stroke:#b42318;stroke-width:2}
.ok{color:#027a48}code{font-size:12px}`;

const UPTIME_COLOR = '#3e7bfa';
const EFFICIENCY_COLOR = '#12b76a';

function number(value: number | null, unit = '', decimals = 1): string {
  if (value === null) return '—';
  return `${value.toFixed(decimals)}${unit}`;
}

function minutes(value: number | null): string {
  return value === null ? '—' : `${value.toFixed(1)} min`;
}

const text = escapeHtml;

function card(label: string, value: string, alert = false): string {
  return `<div class="card${alert ? ' alert' : ''}"><div class="value">${text(value)}</div><div class="label">${text(label)}</div></div>`;
}

function evidenceText(recommendation: Recommendation): string {
  return Object.entries(recommendation.evidence)
    .map(([key, value]) => {
      const shown =
        value === null
          ? '—'
          : typeof value === 'object'
            ? Object.entries(value)
                .map(([k, v]) => `${k} ${v}`)
                .join(', ')
            : String(value);
      return `${key}: ${shown}`;
    })
    .join('; ');
}

const anchor = (machineId: string) => `machine-${encodeURIComponent(machineId)}`;

function seriesLabels(section: { series: MachineSection['series'] }): string[] {
  return section.series.points.map((p) =>
    section.series.resolution === 'PT1H' ? p.start.slice(11, 16) : p.start.slice(5, 10),
  );
}

function vibrationChart(section: MachineSection): string {
  const trend = section.vibrationTrend;
  if (trend?.points === undefined || trend.points.length === 0) return '';
  const first = trend.points[0]?.[0] ?? 0;
  const last = trend.points.at(-1)?.[0] ?? 0;
  return trendChart({
    title: `${section.machineId}: hourly vibration (mm/s) and its trend, +${trend.slopePerDay.toFixed(2)} mm/s per day`,
    points: trend.points,
    line: { x0: first, y0: trend.fittedStart, x1: last, y1: trend.fittedEnd },
    unit: '',
    xUnit: ' h',
  });
}

function attentionSection(report: MaintenanceReport): string {
  const { recommendations } = report;
  if (recommendations.length === 0) {
    return `<h2>Machines needing attention</h2><p class="ok">No machine needs attention: no rule was triggered in this period.</p>`;
  }
  const sections = new Map(report.content.machines.map((m) => [m.machineId, m]));
  const rows = recommendations
    .map((r) => {
      const type = sections.get(r.machineId)?.machineType ?? '';
      return (
        `<tr><td class="priority-${text(r.priority)}">${text(r.priority)}</td>` +
        `<td><a href="#${text(anchor(r.machineId))}">${text(r.machineId)}</a><br><span class="muted">${text(type)}</span></td>` +
        `<td><strong>${text(r.action)}</strong><br>${text(r.reason)}</td>` +
        `<td class="muted">${text(evidenceText(r))}</td></tr>`
      );
    })
    .join('');
  const charts = report.content.machines.map(vibrationChart).join('');
  return (
    `<h2>Machines needing attention (${report.content.machinesNeedingAttention.length})</h2>` +
    `<table><thead><tr><th>Priority</th><th>Machine</th><th>Recommendation</th><th>Evidence</th></tr></thead>` +
    `<tbody>${rows}</tbody></table>${charts}`
  );
}

function fleetSection(report: MaintenanceReport): string {
  const { content } = report;
  const resolution = content.machines[0]?.series.resolution ?? 'P1D';
  const labels = content.meanUptimeSeries.map((p) =>
    resolution === 'PT1H' ? p.start.slice(11, 16) : p.start.slice(5, 10),
  );
  const uptime = lineChart({
    title: `Fleet uptime and efficiency per ${resolution === 'PT1H' ? 'hour' : 'day'} (mean over machines, %)`,
    xLabels: labels,
    series: [
      { name: 'uptime', color: UPTIME_COLOR, values: content.meanUptimeSeries.map((p) => p.uptime) },
      {
        name: 'efficiency',
        color: EFFICIENCY_COLOR,
        values: content.meanUptimeSeries.map((p) => p.efficiency),
      },
    ],
    unit: '%',
    yMin: 0,
    yMax: 100,
  });
  const bars = barChart({
    title: 'Anomalies by type',
    bars: Object.entries(content.anomaliesByType)
      .map(([label, value]) => ({ label, value }))
      .sort((a, b) => b.value - a.value || (a.label < b.label ? -1 : 1)),
  });
  const offenders =
    content.topOffenders.length === 0
      ? '<p class="muted">No alerts or anomalies in this period.</p>'
      : `<table><thead><tr><th>Machine</th><th>Alerts opened</th><th>Anomalies</th></tr></thead><tbody>${content.topOffenders
          .map(
            (o) =>
              `<tr><td><a href="#${text(anchor(o.machineId))}">${text(o.machineId)}</a></td><td>${o.alerts}</td><td>${o.anomalies}</td></tr>`,
          )
          .join('')}</tbody></table>`;
  return `<h2>Fleet trends</h2>${uptime}${bars}<h3>Top offenders</h3>${offenders}`;
}

function machineArticle(section: MachineSection): string {
  const chart =
    section.series.points.length === 0
      ? '<p class="muted">No performance metrics in this period.</p>'
      : lineChart({
          title: `${section.machineId}: uptime and efficiency (%)`,
          xLabels: seriesLabels(section),
          series: [
            { name: 'uptime', color: UPTIME_COLOR, values: section.series.points.map((p) => p.uptime) },
            {
              name: 'efficiency',
              color: EFFICIENCY_COLOR,
              values: section.series.points.map((p) => p.efficiency),
            },
          ],
          unit: '%',
          yMin: 0,
          yMax: 100,
        });
  const a = section.alerts;
  const anomalies =
    section.anomalies.tallies.length === 0
      ? '<p class="muted">No anomalies.</p>'
      : `<table><thead><tr><th>Anomaly</th><th>Severity</th><th>Count</th><th>First</th><th>Last</th><th>Peak value</th></tr></thead><tbody>${section.anomalies.tallies
          .map(
            (t) =>
              `<tr><td>${text(t.anomalyType)}</td><td>${text(t.severity)}</td><td>${t.count}</td>` +
              `<td>${text(readableTime(t.first))}</td><td>${text(readableTime(t.last))}</td><td>${text(number(t.peakValue, '', 2))}</td></tr>`,
          )
          .join('')}</tbody></table>`;
  const trend = section.vibrationTrend;
  const figures =
    `<table><tbody>` +
    `<tr><th>Mean uptime</th><td>${text(number(section.meanUptime, ' %'))}</td><th>Mean efficiency</th><td>${text(number(section.meanEfficiency, ' %'))}</td></tr>` +
    `<tr><th>Anomalies</th><td>${section.anomalies.total}</td><th>Alerts opened / open at end</th><td>${a.opened} / ${a.openAtEnd}</td></tr>` +
    `<tr><th>Mean time to acknowledge</th><td>${text(minutes(a.meanTimeToAcknowledgeMinutes))}</td><th>Mean time to resolve</th><td>${text(minutes(a.meanTimeToResolveMinutes))}</td></tr>` +
    `<tr><th>Flapping alerts / reopens</th><td>${a.flapping} / ${a.reopens}</td><th>Vibration trend</th><td>${
      trend === null
        ? '—'
        : text(`${trend.slopePerDay} mm/s per day (t = ${trend.tStatistic}, ${trend.hours} h)`)
    }</td></tr>` +
    `</tbody></table>`;
  const advice =
    section.recommendations.length === 0
      ? '<p class="ok">No recommendation.</p>'
      : `<ul>${section.recommendations
          .map(
            (r) =>
              `<li><span class="priority-${text(r.priority)}">${text(r.priority)}</span> ${text(r.action)}: ${text(r.reason)}</li>`,
          )
          .join('')}</ul>`;
  return (
    `<article id="${text(anchor(section.machineId))}"${section.needsAttention ? ' class="attention"' : ''}>` +
    `<h3>${text(section.machineId)} <span class="muted">${text(section.machineType ?? 'unknown type')}</span></h3>` +
    `${advice}${figures}${chart}${anomalies}</article>`
  );
}

export function renderReportHtml(report: MaintenanceReport): string {
  const { content, metricsSummary: s } = report;
  const scope = content.machineId === null ? 'whole fleet' : `machine ${content.machineId}`;
  const title = `${TITLES[report.reportType]} maintenance report ${content.period.label}`;
  const cards = [
    card('machines', String(s.machines)),
    card('need attention', String(s.machinesNeedingAttention), s.machinesNeedingAttention > 0),
    card('mean uptime', number(s.meanUptime, ' %')),
    card('mean efficiency', number(s.meanEfficiency, ' %')),
    card('anomalies', String(s.anomalies)),
    card('alerts opened', String(s.alertsOpened)),
    card('open at period end', String(s.alertsOpenAtEnd)),
    card('mean time to acknowledge', minutes(s.meanTimeToAcknowledgeMinutes)),
    card('mean time to resolve', minutes(s.meanTimeToResolveMinutes)),
    card('flapping alerts', String(s.flappingAlerts)),
  ].join('');
  return (
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1"><title>${text(title)}</title>` +
    `<style>${STYLE}</style></head><body><main>` +
    `<header><h1>${text(title)}</h1><p class="muted">${text(scope)} · ${text(readableTime(content.period.start))} to ` +
    `${text(readableTime(content.period.end))} · report <code>${text(report.reportId)}</code></p></header>` +
    `<section><div class="cards">${cards}</div></section>` +
    `<section>${attentionSection(report)}</section>` +
    `<section>${fleetSection(report)}</section>` +
    `<section><h2>Machines</h2>${content.machines.map(machineArticle).join('')}</section>` +
    `</main></body></html>\n`
  );
}
