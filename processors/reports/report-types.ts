// What a report is built from (rows already read from the analytics database, times as epoch ms) and what it
// is: the three JSONB columns of maintenance_reports. Plain JSON-friendly data, times as ISO-8601 strings.
import type { ReportType } from './report-period.js';

/** One performance_metrics row (P1D or PT1H): numbers as the projector computed them, null where undefined. */
export interface MetricPoint {
  /** window_start, epoch ms. */
  readonly start: number;
  readonly uptimePercentage: number | null;
  readonly efficiencyRating: number | null;
  readonly averageTemperature: number | null;
  readonly averageVibration: number | null;
  readonly averageLoad: number | null;
  readonly anomalyCount: number | null;
}

/** anomaly_records of one machine, type and severity in the period, counted. */
export interface AnomalyTally {
  readonly anomalyType: string;
  readonly severity: string;
  readonly count: number;
  /** Event times of the first and last, epoch ms. */
  readonly first: number;
  readonly last: number;
  /** The largest judged value (calculated_metrics.value: °C, mm/s, ms of silence…), when rows carry one. */
  readonly peakValue: number | null;
}

/** An alert opened in the period, with the transitions its details keep. */
export interface AlertFacts {
  readonly alertId: string;
  readonly alertType: string;
  readonly severity: string;
  /** When the condition began (event time): puts the alert in a period. */
  readonly openedAt: number;
  /** When it was raised (arrival clock): where time to acknowledge and to resolve start (docs/time.md). */
  readonly raisedAt: number;
  readonly flapping: boolean;
  /** details.transitions: `to` is the status after it. */
  readonly transitions: readonly { readonly action: string; readonly at: number; readonly to: string }[];
}

/** Everything read for one machine. */
export interface MachineInput {
  readonly machineId: string;
  readonly machineType: string | null;
  /** P1D rows in the period. */
  readonly daily: readonly MetricPoint[];
  /** PT1H rows in the period. */
  readonly hourly: readonly MetricPoint[];
  readonly anomalies: readonly AnomalyTally[];
  readonly alerts: readonly AlertFacts[];
}

export const RECOMMENDATION_KINDS = [
  'INSPECT_BEARINGS',
  'CHECK_COOLING',
  'CALIBRATE_SENSOR',
  'CHECK_GATEWAY',
  'INVESTIGATE_FAULTS',
  'REVIEW_AVAILABILITY',
] as const;
export type RecommendationKind = (typeof RECOMMENDATION_KINDS)[number];

export type Priority = 'HIGH' | 'MEDIUM' | 'LOW';

export type EvidenceValue = number | string | null | Readonly<Record<string, number>>;

export interface Recommendation {
  readonly machineId: string;
  readonly kind: RecommendationKind;
  readonly priority: Priority;
  /** What to do, for the work order. */
  readonly action: string;
  /** Why, in one sentence with the numbers. */
  readonly reason: string;
  /** The numbers and times behind it. */
  readonly evidence: Readonly<Record<string, EvidenceValue>>;
}

/** Alert figures; the sums and counts let the fleet's means be exact rather than means of means. */
export interface AlertFigures {
  readonly opened: number;
  readonly acknowledged: number;
  readonly resolved: number;
  /** Opened in the period and not resolved by its end. */
  readonly openAtEnd: number;
  readonly flapping: number;
  /** Flapping reopens (`reopen` transitions) in the period. */
  readonly reopens: number;
  readonly meanTimeToAcknowledgeMinutes: number | null;
  readonly meanTimeToResolveMinutes: number | null;
  readonly acknowledgeMsSum: number;
  readonly resolveMsSum: number;
}

export interface AnomalyFigures {
  readonly total: number;
  readonly byType: Readonly<Record<string, number>>;
  readonly bySeverity: Readonly<Record<string, number>>;
  readonly tallies: readonly {
    readonly anomalyType: string;
    readonly severity: string;
    readonly count: number;
    readonly first: string;
    readonly last: string;
    readonly peakValue: number | null;
  }[];
}

export interface SeriesPoint {
  readonly start: string;
  readonly uptime: number | null;
  readonly efficiency: number | null;
  readonly temperature: number | null;
  readonly vibration: number | null;
  readonly load: number | null;
  readonly anomalies: number | null;
}

export interface VibrationTrend {
  readonly hours: number;
  /** mm/s per day, from the least-squares line through the hourly averages. */
  readonly slopePerDay: number;
  readonly tStatistic: number;
  readonly rSquared: number;
  /** The line's values at the first and last hour. */
  readonly fittedStart: number;
  readonly fittedEnd: number;
  /** Hourly averages [hours since the period start, mm/s]: kept for machines told to inspect bearings. */
  readonly points?: readonly (readonly [number, number])[];
}

export interface StuckSensorRun {
  readonly sensor: 'temperature' | 'vibration' | 'load';
  readonly value: number;
  readonly from: string;
  /** End of the last hour of the run. */
  readonly to: string;
  readonly hours: number;
}

export interface MachineSection {
  readonly machineId: string;
  readonly machineType: string | null;
  readonly needsAttention: boolean;
  /** P1D points for weekly and monthly reports, PT1H for daily ones. */
  readonly series: { readonly resolution: 'P1D' | 'PT1H'; readonly points: readonly SeriesPoint[] };
  readonly meanUptime: number | null;
  readonly meanEfficiency: number | null;
  readonly anomalies: AnomalyFigures;
  readonly alerts: AlertFigures;
  readonly vibrationTrend: VibrationTrend | null;
  readonly stuckSensors: readonly StuckSensorRun[];
  readonly recommendations: readonly Recommendation[];
}

export interface MetricsSummary {
  readonly machines: number;
  readonly machinesNeedingAttention: number;
  readonly meanUptime: number | null;
  readonly meanEfficiency: number | null;
  readonly anomalies: number;
  readonly anomaliesBySeverity: Readonly<Record<string, number>>;
  readonly alertsOpened: number;
  readonly alertsAcknowledged: number;
  readonly alertsResolved: number;
  readonly alertsOpenAtEnd: number;
  readonly flappingAlerts: number;
  readonly reopens: number;
  readonly meanTimeToAcknowledgeMinutes: number | null;
  readonly meanTimeToResolveMinutes: number | null;
  readonly recommendations: number;
  readonly recommendationsByKind: Readonly<Record<string, number>>;
}

export interface TopOffender {
  readonly machineId: string;
  readonly alerts: number;
  readonly anomalies: number;
}

export interface ReportContent {
  readonly reportId: string;
  readonly reportType: ReportType;
  readonly period: { readonly label: string; readonly start: string; readonly end: string };
  /** null: the whole fleet. */
  readonly machineId: string | null;
  readonly anomaliesByType: Readonly<Record<string, number>>;
  readonly meanUptimeSeries: readonly {
    readonly start: string;
    readonly uptime: number | null;
    readonly efficiency: number | null;
  }[];
  readonly topOffenders: readonly TopOffender[];
  readonly machinesNeedingAttention: readonly string[];
  readonly machines: readonly MachineSection[];
}

/** One maintenance_reports row. */
export interface MaintenanceReport {
  readonly reportId: string;
  readonly reportType: ReportType;
  /** The period's end, epoch ms: a report is of its period, not of when it ran, so a rerun writes the same row. */
  readonly generatedTime: number;
  readonly machineId: string | null;
  readonly content: ReportContent;
  readonly metricsSummary: MetricsSummary;
  readonly recommendations: readonly Recommendation[];
}
