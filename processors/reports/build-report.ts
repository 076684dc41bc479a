// A whole report from its machines' sections: the fleet's figures (metrics_summary), the fleet charts' data
// and top offenders (content), and every recommendation. Deterministic: the same sections give the same
// report, byte for byte once serialized, so a rerun over unchanged data changes nothing.
import { reportIdFor, type ReportPeriod } from './report-period.js';
import type {
  MachineSection,
  MaintenanceReport,
  MetricsSummary,
  Priority,
  Recommendation,
  TopOffender,
} from './report-types.js';
import { meanOf, round } from './statistics.js';

/** How many machines the top-offenders list names. */
export const TOP_OFFENDERS = 5;

const MINUTE_MS = 60_000;
const PRIORITY_ORDER: Record<Priority, number> = { HIGH: 0, MEDIUM: 1, LOW: 2 };

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function addInto(target: Map<string, number>, source: Readonly<Record<string, number>>): void {
  for (const [key, value] of Object.entries(source)) target.set(key, (target.get(key) ?? 0) + value);
}

const sortedRecord = (entries: Map<string, number>) =>
  Object.fromEntries([...entries].sort(([a], [b]) => compareText(a, b)));

export function buildReport(
  period: ReportPeriod,
  machineId: string | null,
  unsortedSections: readonly MachineSection[],
): MaintenanceReport {
  const sections = [...unsortedSections].sort((a, b) => compareText(a.machineId, b.machineId));
  const reportId = reportIdFor(period, machineId);

  const byType = new Map<string, number>();
  const bySeverity = new Map<string, number>();
  const byKind = new Map<string, number>();
  let ackSum = 0;
  let resolveSum = 0;
  const alertTotals = { opened: 0, acknowledged: 0, resolved: 0, openAtEnd: 0, flapping: 0, reopens: 0 };
  for (const section of sections) {
    addInto(byType, section.anomalies.byType);
    addInto(bySeverity, section.anomalies.bySeverity);
    for (const r of section.recommendations) byKind.set(r.kind, (byKind.get(r.kind) ?? 0) + 1);
    for (const key of Object.keys(alertTotals) as (keyof typeof alertTotals)[]) {
      alertTotals[key] += section.alerts[key];
    }
    ackSum += section.alerts.acknowledgeMsSum;
    resolveSum += section.alerts.resolveMsSum;
  }

  const recommendations: Recommendation[] = sections
    .flatMap((section) => section.recommendations)
    .sort(
      (a, b) =>
        PRIORITY_ORDER[a.priority] - PRIORITY_ORDER[b.priority] ||
        compareText(a.machineId, b.machineId) ||
        compareText(a.kind, b.kind),
    );
  const attention = sections.filter((section) => section.needsAttention).map((section) => section.machineId);

  const metricsSummary: MetricsSummary = {
    machines: sections.length,
    machinesNeedingAttention: attention.length,
    meanUptime: round(meanOf(sections.map((s) => s.meanUptime))),
    meanEfficiency: round(meanOf(sections.map((s) => s.meanEfficiency))),
    anomalies: sections.reduce((sum, s) => sum + s.anomalies.total, 0),
    anomaliesBySeverity: sortedRecord(bySeverity),
    alertsOpened: alertTotals.opened,
    alertsAcknowledged: alertTotals.acknowledged,
    alertsResolved: alertTotals.resolved,
    alertsOpenAtEnd: alertTotals.openAtEnd,
    flappingAlerts: alertTotals.flapping,
    reopens: alertTotals.reopens,
    meanTimeToAcknowledgeMinutes:
      alertTotals.acknowledged === 0 ? null : round(ackSum / alertTotals.acknowledged / MINUTE_MS, 1),
    meanTimeToResolveMinutes:
      alertTotals.resolved === 0 ? null : round(resolveSum / alertTotals.resolved / MINUTE_MS, 1),
    recommendations: recommendations.length,
    recommendationsByKind: sortedRecord(byKind),
  };

  return {
    reportId,
    reportType: period.type,
    generatedTime: period.end,
    machineId,
    content: {
      reportId,
      reportType: period.type,
      period: {
        label: period.label,
        start: new Date(period.start).toISOString(),
        end: new Date(period.end).toISOString(),
      },
      machineId,
      anomaliesByType: sortedRecord(byType),
      meanUptimeSeries: meanSeries(sections),
      topOffenders: topOffenders(sections),
      machinesNeedingAttention: attention,
      machines: sections,
    },
    metricsSummary,
    recommendations,
  };
}

/** The fleet's mean uptime and efficiency per series point (day, or hour in a daily report). */
function meanSeries(sections: readonly MachineSection[]) {
  const byStart = new Map<string, { uptime: (number | null)[]; efficiency: (number | null)[] }>();
  for (const section of sections) {
    for (const point of section.series.points) {
      const entry = byStart.get(point.start) ?? { uptime: [], efficiency: [] };
      entry.uptime.push(point.uptime);
      entry.efficiency.push(point.efficiency);
      byStart.set(point.start, entry);
    }
  }
  return [...byStart]
    .sort(([a], [b]) => compareText(a, b))
    .map(([start, values]) => ({
      start,
      uptime: round(meanOf(values.uptime)),
      efficiency: round(meanOf(values.efficiency)),
    }));
}

/** Machines with the most alerts, then the most anomalies; machines with neither are no offenders. */
function topOffenders(sections: readonly MachineSection[]): TopOffender[] {
  return sections
    .map((s) => ({ machineId: s.machineId, alerts: s.alerts.opened, anomalies: s.anomalies.total }))
    .filter((o) => o.alerts + o.anomalies > 0)
    .sort((a, b) => b.alerts - a.alerts || b.anomalies - a.anomalies || compareText(a.machineId, b.machineId))
    .slice(0, TOP_OFFENDERS);
}
