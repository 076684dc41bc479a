// The maintenance rules: each looks at one machine's figures for the period and, when they cross its bar,
// recommends an action with the numbers and times that made it. The bars are data (ReportRules), so a plant
// can tune them; the defaults are set so a healthy simulated fleet raises none (see the README).
import type { AnomalyTally, Recommendation, StuckSensorRun, VibrationTrend } from './report-types.js';
import { round } from './statistics.js';

export interface ReportRules {
  /** Bearings: at least this many hourly vibration averages behind the trend… */
  readonly vibrationMinHours: number;
  /** …a least-squares slope this many standard errors above zero… */
  readonly vibrationMinT: number;
  /** …and a rise over the period of at least this share of where the line starts. */
  readonly vibrationMinRelativeRise: number;
  /**
   * Cooling: at least this many overheating detections (TEMPERATURE_HIGH rows of anomaly_records, which holds
   * each anomaly's opening and its escalations).
   */
  readonly overheatingMinDetections: number;
  /** Calibration: a sensor's hourly average unchanged over this many running hours in a row. */
  readonly stuckMinHours: number;
  /** Gateway: the machine's data went stale (STALE_DATA) at least this often. */
  readonly staleDataMinCount: number;
  /** Faults: STATUS_FAULT and UNPLANNED_STOP anomalies together, at least. */
  readonly faultMinCount: number;
  /** Availability: mean uptime below this percentage. */
  readonly minMeanUptime: number;
}

export const DEFAULT_REPORT_RULES: ReportRules = {
  vibrationMinHours: 24,
  vibrationMinT: 4,
  vibrationMinRelativeRise: 0.25,
  overheatingMinDetections: 3,
  stuckMinHours: 8,
  staleDataMinCount: 3,
  faultMinCount: 3,
  minMeanUptime: 50,
};

/** What the rules look at. */
export interface MachineFindings {
  readonly machineId: string;
  readonly anomalies: readonly AnomalyTally[];
  readonly vibrationTrend: VibrationTrend | null;
  readonly stuckSensors: readonly StuckSensorRun[];
  readonly meanUptime: number | null;
  /** The day (or hour) with the lowest uptime, when there is one. */
  readonly worstUptime: { readonly start: string; readonly uptime: number } | null;
}

/** `2026-03-02 10:12 UTC`. */
export function readableTime(ms: number | string): string {
  const iso = typeof ms === 'number' ? new Date(ms).toISOString() : ms;
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

const isoOf = (ms: number) => new Date(ms).toISOString();

interface Tallied {
  readonly count: number;
  readonly first: number;
  readonly last: number;
  readonly peakValue: number | null;
  readonly bySeverity: Record<string, number>;
}

function tally(anomalies: readonly AnomalyTally[], types: readonly string[]): Tallied | undefined {
  const matching = anomalies.filter((a) => types.includes(a.anomalyType));
  if (matching.length === 0) return undefined;
  const bySeverity: Record<string, number> = {};
  for (const a of matching) bySeverity[a.severity] = (bySeverity[a.severity] ?? 0) + a.count;
  const peaks = matching.map((a) => a.peakValue).filter((v): v is number => v !== null);
  return {
    count: matching.reduce((sum, a) => sum + a.count, 0),
    first: Math.min(...matching.map((a) => a.first)),
    last: Math.max(...matching.map((a) => a.last)),
    peakValue: peaks.length === 0 ? null : Math.max(...peaks),
    bySeverity: Object.fromEntries(Object.entries(bySeverity).sort(([a], [b]) => (a < b ? -1 : 1))),
  };
}

const severe = (bySeverity: Record<string, number>) =>
  (bySeverity.HIGH ?? 0) + (bySeverity.CRITICAL ?? 0) > 0;

/** Every recommendation the rules make for one machine, in a fixed order. */
export function recommend(
  findings: MachineFindings,
  rules: ReportRules = DEFAULT_REPORT_RULES,
): Recommendation[] {
  const { machineId } = findings;
  const out: Recommendation[] = [];

  const trend = findings.vibrationTrend;
  if (trend !== null && risingVibration(trend, rules)) {
    const rise = relativeRise(trend);
    const vibrationAnomalies = tally(findings.anomalies, ['VIBRATION_HIGH', 'VIBRATION_RATE']);
    out.push({
      machineId,
      kind: 'INSPECT_BEARINGS',
      priority: rise >= 1 ? 'HIGH' : 'MEDIUM',
      action: 'Inspect the bearings: vibration has been rising steadily (wear, lubrication, alignment)',
      reason:
        `hourly vibration rose from ${round(trend.fittedStart)} to ${round(trend.fittedEnd)} mm/s ` +
        `(+${round(trend.slopePerDay)} mm/s per day, t = ${round(trend.tStatistic, 1)}, over ${trend.hours} h)`,
      evidence: {
        slopePerDay: round(trend.slopePerDay, 3),
        tStatistic: round(trend.tStatistic, 1),
        rSquared: round(trend.rSquared, 3),
        hours: trend.hours,
        fittedStart: round(trend.fittedStart),
        fittedEnd: round(trend.fittedEnd),
        relativeRise: round(rise, 3),
        vibrationAnomalies: vibrationAnomalies?.count ?? 0,
      },
    });
  }

  const overheating = tally(findings.anomalies, ['TEMPERATURE_HIGH']);
  if (overheating !== undefined && overheating.count >= rules.overheatingMinDetections) {
    const peak = overheating.peakValue === null ? '' : `, peak ${round(overheating.peakValue, 1)} °C`;
    out.push({
      machineId,
      kind: 'CHECK_COOLING',
      priority: severe(overheating.bySeverity) ? 'HIGH' : 'MEDIUM',
      action: 'Check the cooling: fans, coolant level and flow, filters, heat exchanger',
      reason:
        `${overheating.count} overheating detections (TEMPERATURE_HIGH opened or escalated)${peak}, ` +
        `from ${readableTime(overheating.first)} to ${readableTime(overheating.last)}`,
      evidence: {
        detections: overheating.count,
        bySeverity: overheating.bySeverity,
        first: isoOf(overheating.first),
        last: isoOf(overheating.last),
        peakTemperature: round(overheating.peakValue),
      },
    });
  }

  for (const run of findings.stuckSensors) {
    if (run.hours < rules.stuckMinHours) continue;
    out.push({
      machineId,
      kind: 'CALIBRATE_SENSOR',
      priority: 'MEDIUM',
      action: `Calibrate or replace the ${run.sensor} sensor: it reports the same value while the machine runs`,
      reason:
        `${run.sensor} averaged exactly ${run.value} in ${run.hours} running hours in a row ` +
        `(${readableTime(run.from)} to ${readableTime(run.to)})`,
      evidence: { sensor: run.sensor, value: run.value, hours: run.hours, from: run.from, to: run.to },
    });
  }

  const stale = tally(findings.anomalies, ['STALE_DATA']);
  if (stale !== undefined && stale.count >= rules.staleDataMinCount) {
    out.push({
      machineId,
      kind: 'CHECK_GATEWAY',
      priority: 'MEDIUM',
      action: 'Check the edge gateway, its power and its network link: the machine stopped reporting',
      reason:
        `data stopped ${stale.count} times (STALE_DATA), ` +
        `from ${readableTime(stale.first)} to ${readableTime(stale.last)}`,
      evidence: {
        dropouts: stale.count,
        first: isoOf(stale.first),
        last: isoOf(stale.last),
        // The silence when each was detected (about the stale-data timeout), not how long it lasted.
        silenceWhenDetectedMs: stale.peakValue,
      },
    });
  }

  const faults = tally(findings.anomalies, ['STATUS_FAULT', 'UNPLANNED_STOP']);
  if (faults !== undefined && faults.count >= rules.faultMinCount) {
    const byType = Object.fromEntries(
      ['STATUS_FAULT', 'UNPLANNED_STOP'].map((type) => [type, tally(findings.anomalies, [type])?.count ?? 0]),
    );
    out.push({
      machineId,
      kind: 'INVESTIGATE_FAULTS',
      priority: 'HIGH',
      action: 'Investigate the root cause of the repeated faults and unplanned stops',
      reason:
        `${faults.count} faults and unplanned stops, ` +
        `from ${readableTime(faults.first)} to ${readableTime(faults.last)}`,
      evidence: { count: faults.count, byType, first: isoOf(faults.first), last: isoOf(faults.last) },
    });
  }

  if (findings.meanUptime !== null && findings.meanUptime < rules.minMeanUptime) {
    const worst = findings.worstUptime;
    out.push({
      machineId,
      kind: 'REVIEW_AVAILABILITY',
      priority: 'MEDIUM',
      action: 'Review availability: the machine ran far less than planned',
      reason:
        `mean uptime ${round(findings.meanUptime, 1)} % (below ${rules.minMeanUptime} %)` +
        (worst === null ? '' : `, lowest ${round(worst.uptime, 1)} % from ${readableTime(worst.start)}`),
      evidence: {
        meanUptime: round(findings.meanUptime),
        worstStart: worst?.start ?? null,
        worstUptime: worst === null ? null : round(worst.uptime),
      },
    });
  }
  return out;
}

function relativeRise(trend: VibrationTrend): number {
  return (trend.fittedEnd - trend.fittedStart) / Math.max(trend.fittedStart, 0.1);
}

function risingVibration(trend: VibrationTrend, rules: ReportRules): boolean {
  return (
    trend.hours >= rules.vibrationMinHours &&
    trend.slopePerDay > 0 &&
    trend.tStatistic >= rules.vibrationMinT &&
    relativeRise(trend) >= rules.vibrationMinRelativeRise
  );
}
