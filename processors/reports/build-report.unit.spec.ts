import { describe, expect, it } from 'vitest';
import { assessMachine } from './assess-machine.js';
import { buildReport } from './build-report.js';
import { reportPeriod } from './report-period.js';
import type { AlertFacts, MachineInput, MachineSection } from './report-types.js';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const WEEK = reportPeriod('WEEKLY', Date.parse('2026-03-09T06:00:00Z'));
const T0 = WEEK.start;

function day(d: number, uptime: number) {
  return {
    start: T0 + d * 24 * HOUR,
    uptimePercentage: uptime,
    efficiencyRating: uptime / 2,
    averageTemperature: 50,
    averageVibration: 3,
    averageLoad: 70,
    anomalyCount: 0,
  };
}

function acked(id: string, minutes: number): AlertFacts {
  return {
    alertId: id,
    alertType: 'TEMPERATURE_HIGH',
    severity: 'HIGH',
    openedAt: T0,
    raisedAt: T0,
    flapping: false,
    transitions: [
      { action: 'open', at: T0, to: 'NEW' },
      { action: 'acknowledge', at: T0 + minutes * MINUTE, to: 'ACKNOWLEDGED' },
    ],
  };
}

function section(machineId: string, overrides: Partial<MachineInput> = {}): MachineSection {
  return assessMachine(
    {
      machineId,
      machineType: 'compressor',
      daily: [0, 1, 2, 3, 4, 5, 6].map((d) => day(d, 80)),
      hourly: [],
      anomalies: [],
      alerts: [],
      ...overrides,
    },
    WEEK,
  );
}

const overheating = (count: number) => [
  { anomalyType: 'TEMPERATURE_HIGH', severity: 'MEDIUM', count, first: T0, last: T0 + HOUR, peakValue: 90 },
];

describe('building a report from machine sections', () => {
  const sections = [
    section('c-3', { anomalies: overheating(4), alerts: [acked('c-3:1', 30)] }),
    section('c-1', { alerts: [acked('c-1:1', 10), acked('c-1:2', 10), acked('c-1:3', 10)] }),
    section('c-2', { daily: [0, 1, 2, 3, 4, 5, 6].map((d) => day(d, 20)) }),
    section('c-4'),
  ];

  it('given sections in any order, when built, then the report is identical: a rerun over the same data changes nothing', () => {
    const once = JSON.stringify(buildReport(WEEK, null, sections));
    const again = JSON.stringify(buildReport(WEEK, null, [...sections].reverse()));
    expect(again).toBe(once);
  });

  it('given the sections, when built, then id, period and generated time come from the period, not the clock', () => {
    const report = buildReport(WEEK, null, sections);
    expect(report).toMatchObject({
      reportId: 'WEEKLY-2026-W10',
      reportType: 'WEEKLY',
      generatedTime: WEEK.end,
      machineId: null,
    });
    expect(report.content.period).toEqual({
      label: '2026-W10',
      start: '2026-03-02T00:00:00.000Z',
      end: '2026-03-09T00:00:00.000Z',
    });
    expect(report.content.machines.map((m) => m.machineId)).toEqual(['c-1', 'c-2', 'c-3', 'c-4']);
  });

  it('given alert times on several machines, when summarized, then the fleet mean weighs every alert, not every machine', () => {
    const summary = buildReport(WEEK, null, sections).metricsSummary;
    // (10 + 10 + 10 + 30) / 4 alerts, where a mean of the machines' means would say 20.
    expect(summary.meanTimeToAcknowledgeMinutes).toBe(15);
    expect(summary).toMatchObject({
      machines: 4,
      machinesNeedingAttention: 2,
      alertsOpened: 4,
      alertsAcknowledged: 4,
      alertsOpenAtEnd: 4,
      anomalies: 4,
      anomaliesBySeverity: { MEDIUM: 4 },
      recommendations: 2,
      recommendationsByKind: { CHECK_COOLING: 1, REVIEW_AVAILABILITY: 1 },
      meanUptime: 65,
    });
  });

  it('given recommendations of several priorities, when built, then the most urgent come first', () => {
    const report = buildReport(WEEK, null, sections);
    expect(report.recommendations.map((r) => `${r.priority} ${r.machineId} ${r.kind}`)).toEqual([
      'MEDIUM c-2 REVIEW_AVAILABILITY',
      'MEDIUM c-3 CHECK_COOLING',
    ]);
    expect(report.content.machinesNeedingAttention).toEqual(['c-2', 'c-3']);
  });

  it('given alerts and anomalies, when top offenders are listed, then most alerts first, then most anomalies, quiet machines left out', () => {
    const report = buildReport(WEEK, null, sections);
    expect(report.content.topOffenders).toEqual([
      { machineId: 'c-1', alerts: 3, anomalies: 0 },
      { machineId: 'c-3', alerts: 1, anomalies: 4 },
    ]);
    expect(report.content.anomaliesByType).toEqual({ TEMPERATURE_HIGH: 4 });
  });

  it('given the fleet series, when built, then each day is the mean over the machines that have it', () => {
    const series = buildReport(WEEK, null, sections).content.meanUptimeSeries;
    expect(series).toHaveLength(7);
    expect(series[0]).toEqual({ start: '2026-03-02T00:00:00.000Z', uptime: 65, efficiency: 32.5 });
  });

  it('given no machine at all, when built, then it is an empty report, not an error', () => {
    const report = buildReport(WEEK, null, []);
    expect(report.metricsSummary).toMatchObject({
      machines: 0,
      meanUptime: null,
      meanTimeToAcknowledgeMinutes: null,
    });
    expect(report.recommendations).toEqual([]);
  });
});
