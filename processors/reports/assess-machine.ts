// One machine's part of a report: its figures for the period (series, anomalies, alerts), the trends and
// patterns the rules look for (vibration slope, frozen sensors), and the recommendations they make.
import type { ReportPeriod } from './report-period.js';
import type {
  AlertFacts,
  AlertFigures,
  AnomalyFigures,
  AnomalyTally,
  MachineInput,
  MachineSection,
  MetricPoint,
  SeriesPoint,
  StuckSensorRun,
  VibrationTrend,
} from './report-types.js';
import { DEFAULT_REPORT_RULES, recommend, type ReportRules } from './recommendations.js';
import { linearFit, meanOf, round } from './statistics.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

const isoOf = (ms: number) => new Date(ms).toISOString();
const byStart = (a: MetricPoint, b: MetricPoint) => a.start - b.start;

export function assessMachine(
  input: MachineInput,
  period: ReportPeriod,
  rules: ReportRules = DEFAULT_REPORT_RULES,
): MachineSection {
  const inPeriod = (point: MetricPoint) => point.start >= period.start && point.start < period.end;
  const hourly = input.hourly.filter(inPeriod).sort(byStart);
  // A daily report's trend is its hours; longer ones show one point per day.
  const resolution = period.type === 'DAILY' ? 'PT1H' : 'P1D';
  const seriesSource = resolution === 'PT1H' ? hourly : input.daily.filter(inPeriod).sort(byStart);
  const points = seriesSource.map(seriesPoint);
  const meanUptime = meanOf(points.map((p) => p.uptime));
  const meanEfficiency = meanOf(points.map((p) => p.efficiency));
  const worst = points
    .filter((p): p is SeriesPoint & { uptime: number } => p.uptime !== null)
    .reduce<{ start: string; uptime: number } | null>(
      (low, p) => (low === null || p.uptime < low.uptime ? { start: p.start, uptime: p.uptime } : low),
      null,
    );
  const trend = vibrationTrend(hourly, period);
  const stuckSensors = stuckSensorRuns(hourly);
  const recommendations = recommend(
    {
      machineId: input.machineId,
      anomalies: input.anomalies,
      vibrationTrend: trend,
      stuckSensors,
      meanUptime,
      worstUptime: worst,
    },
    rules,
  );
  // The hourly points are the evidence of a bearing recommendation (its chart); elsewhere they'd only weigh.
  const keepPoints = recommendations.some((r) => r.kind === 'INSPECT_BEARINGS');
  return {
    machineId: input.machineId,
    machineType: input.machineType,
    needsAttention: recommendations.length > 0,
    series: { resolution, points },
    meanUptime: round(meanUptime),
    meanEfficiency: round(meanEfficiency),
    anomalies: anomalyFigures(input.anomalies),
    alerts: alertFigures(input.alerts, period.end),
    vibrationTrend: trend === null ? null : keepPoints ? trend : withoutPoints(trend),
    stuckSensors,
    recommendations,
  };
}

function seriesPoint(point: MetricPoint): SeriesPoint {
  return {
    start: isoOf(point.start),
    uptime: point.uptimePercentage,
    efficiency: point.efficiencyRating,
    temperature: point.averageTemperature,
    vibration: point.averageVibration,
    load: point.averageLoad,
    anomalies: point.anomalyCount,
  };
}

/** Least-squares line through the hourly vibration averages, x in days since the period start. */
export function vibrationTrend(hourly: readonly MetricPoint[], period: ReportPeriod): VibrationTrend | null {
  const points = hourly
    .filter((p): p is MetricPoint & { averageVibration: number } => p.averageVibration !== null)
    .map((p) => [(p.start - period.start) / DAY_MS, p.averageVibration] as const);
  const fit = linearFit(points);
  if (fit === undefined) return null;
  const firstX = points[0]?.[0] ?? 0;
  const lastX = points.at(-1)?.[0] ?? 0;
  return {
    hours: fit.n,
    slopePerDay: round(fit.slope, 4),
    tStatistic: round(fit.tStatistic, 2),
    rSquared: round(fit.rSquared, 4),
    fittedStart: round(fit.intercept + fit.slope * firstX, 3),
    fittedEnd: round(fit.intercept + fit.slope * lastX, 3),
    points: points.map(([x, y]) => [round(x * 24, 0), y] as const),
  };
}

function withoutPoints(trend: VibrationTrend): VibrationTrend {
  const { points: _points, ...rest } = trend;
  return rest;
}

const STUCK_SENSORS = [
  ['temperature', 'averageTemperature'],
  ['vibration', 'averageVibration'],
  ['load', 'averageLoad'],
] as const;

interface Run {
  readonly from: number;
  readonly to: number;
  readonly value: number;
  readonly hours: number;
}

/**
 * The longest run per sensor of consecutive running hours (uptime above 0) whose hourly average did not move
 * (equal to the two decimals performance_metrics keeps). A live sensor's average moves with its noise every
 * hour; a stopped machine's load and vibration sit at 0 legitimately, so only running hours count.
 */
export function stuckSensorRuns(hourly: readonly MetricPoint[]): StuckSensorRun[] {
  const runs: StuckSensorRun[] = [];
  for (const [sensor, field] of STUCK_SENSORS) {
    let best: Run | null = null;
    let current: Run | null = null;
    for (const point of hourly) {
      const value = point[field];
      const running = (point.uptimePercentage ?? 0) > 0;
      if (value === null || !running) {
        current = null;
        continue;
      }
      if (current !== null && point.start === current.to && Math.abs(value - current.value) < 0.005) {
        const extended: Run = {
          from: current.from,
          to: point.start + HOUR_MS,
          value,
          hours: current.hours + 1,
        };
        current = extended;
      } else {
        current = { from: point.start, to: point.start + HOUR_MS, value, hours: 1 };
      }
      if (best === null || current.hours > best.hours) best = current;
    }
    if (best !== null && best.hours > 1) {
      runs.push({ sensor, value: best.value, from: isoOf(best.from), to: isoOf(best.to), hours: best.hours });
    }
  }
  return runs;
}

const sortedRecord = (entries: Map<string, number>) =>
  Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

function anomalyFigures(anomalies: readonly AnomalyTally[]): AnomalyFigures {
  const byType = new Map<string, number>();
  const bySeverity = new Map<string, number>();
  for (const a of anomalies) {
    byType.set(a.anomalyType, (byType.get(a.anomalyType) ?? 0) + a.count);
    bySeverity.set(a.severity, (bySeverity.get(a.severity) ?? 0) + a.count);
  }
  const tallies = [...anomalies]
    .sort((a, b) =>
      a.anomalyType === b.anomalyType
        ? a.severity < b.severity
          ? -1
          : 1
        : a.anomalyType < b.anomalyType
          ? -1
          : 1,
    )
    .map((a) => ({
      anomalyType: a.anomalyType,
      severity: a.severity,
      count: a.count,
      first: isoOf(a.first),
      last: isoOf(a.last),
      peakValue: round(a.peakValue),
    }));
  return {
    total: anomalies.reduce((sum, a) => sum + a.count, 0),
    byType: sortedRecord(byType),
    bySeverity: sortedRecord(bySeverity),
    tallies,
  };
}

/**
 * Alerts whose condition began in the period, as of its end (later operator actions belong to the next report):
 * time to acknowledge runs from when the alert was raised to the first acknowledge, time to resolve to the first
 * resolve or auto-resolve; an alert's status at the end is the `to` of its last transition before the end. All on
 * the lifecycle clock (raised: the broker's arrival clock; actions: the API's wall clock), never a gateway's: an
 * alert about a backlog that arrived after the period ended was not yet raised at its end.
 */
export function alertFigures(alerts: readonly AlertFacts[], periodEnd: number): AlertFigures {
  let acknowledged = 0;
  let resolved = 0;
  let openAtEnd = 0;
  let flapping = 0;
  let reopens = 0;
  let acknowledgeMsSum = 0;
  let resolveMsSum = 0;
  for (const alert of alerts) {
    const before = alert.transitions.filter((t) => t.at < periodEnd);
    const ack = before.find((t) => t.action === 'acknowledge');
    if (ack !== undefined) {
      acknowledged += 1;
      acknowledgeMsSum += Math.max(0, ack.at - alert.raisedAt);
    }
    const resolution = before.find((t) => t.action === 'resolve' || t.action === 'auto_resolve');
    if (resolution !== undefined) {
      resolved += 1;
      resolveMsSum += Math.max(0, resolution.at - alert.raisedAt);
    }
    if ((before.at(-1)?.to ?? 'NEW') !== 'RESOLVED') openAtEnd += 1;
    if (alert.flapping) flapping += 1;
    reopens += before.filter((t) => t.action === 'reopen').length;
  }
  return {
    opened: alerts.length,
    acknowledged,
    resolved,
    openAtEnd,
    flapping,
    reopens,
    meanTimeToAcknowledgeMinutes:
      acknowledged === 0 ? null : round(acknowledgeMsSum / acknowledged / MINUTE_MS, 1),
    meanTimeToResolveMinutes: resolved === 0 ? null : round(resolveMsSum / resolved / MINUTE_MS, 1),
    acknowledgeMsSum,
    resolveMsSum,
  };
}
