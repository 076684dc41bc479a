import { describe, expect, it } from 'vitest';
import { alertFigures, assessMachine, stuckSensorRuns } from './assess-machine.js';
import { reportPeriod } from './report-period.js';
import type { AlertFacts, AnomalyTally, MachineInput, MetricPoint } from './report-types.js';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const WEEK = reportPeriod('WEEKLY', Date.parse('2026-03-09T06:00:00Z'));
const T0 = WEEK.start;

/** A deterministic wobble in [-1, 1]: noise without a generator. */
const wobble = (i: number) => Math.sin(i * 12.9898) * 0.5 + Math.sin(i * 78.233) * 0.5;

function hour(i: number, fields: Partial<MetricPoint> = {}): MetricPoint {
  return {
    start: T0 + i * HOUR,
    uptimePercentage: 90 + 5 * wobble(i),
    efficiencyRating: 60 + 5 * wobble(i + 1),
    averageTemperature: Math.round((55 + wobble(i + 2)) * 100) / 100,
    averageVibration: Math.round((3 + 0.2 * wobble(i + 3)) * 100) / 100,
    averageLoad: Math.round((70 + 2 * wobble(i + 4)) * 100) / 100,
    anomalyCount: 0,
    ...fields,
  };
}

const week = (fields: (i: number) => Partial<MetricPoint> = () => ({})) =>
  Array.from({ length: 168 }, (_, i) => hour(i, fields(i)));
const days = Array.from({ length: 7 }, (_, d) => ({ ...hour(d * 24), start: T0 + d * 24 * HOUR }));

function machine(overrides: Partial<MachineInput> = {}): MachineInput {
  return {
    machineId: 'pump-0001',
    machineType: 'pump',
    daily: days,
    hourly: week(),
    anomalies: [],
    alerts: [],
    ...overrides,
  };
}

function anomalies(
  type: string,
  severity: string,
  count: number,
  peakValue: number | null = null,
): AnomalyTally {
  return { anomalyType: type, severity, count, first: T0 + 10 * HOUR, last: T0 + 100 * HOUR, peakValue };
}

const kinds = (input: MachineInput) => assessMachine(input, WEEK).recommendations.map((r) => r.kind);

describe('assessing a machine for a weekly report', () => {
  it('given a healthy week, when assessed, then nothing is recommended and the series is its seven days', () => {
    const section = assessMachine(machine(), WEEK);
    expect(section.recommendations).toEqual([]);
    expect(section.needsAttention).toBe(false);
    expect(section.series.resolution).toBe('P1D');
    expect(section.series.points).toHaveLength(7);
    expect(section.vibrationTrend?.points).toBeUndefined();
  });

  it('given hourly vibration climbing over the week, when assessed, then inspect bearings, with the slope as evidence', () => {
    const input = machine({
      hourly: week((i) => ({
        averageVibration: Math.round((3 + (i / 24) * 0.8 + 0.2 * wobble(i)) * 100) / 100,
      })),
    });
    const section = assessMachine(input, WEEK);
    const [recommendation] = section.recommendations;
    expect(recommendation).toMatchObject({
      kind: 'INSPECT_BEARINGS',
      priority: 'HIGH',
      machineId: 'pump-0001',
    });
    expect(recommendation!.evidence.slopePerDay).toBeCloseTo(0.8, 1);
    expect(recommendation!.evidence.tStatistic).toBeGreaterThan(10);
    expect(recommendation!.evidence.hours).toBe(168);
    expect(recommendation!.reason).toMatch(/^hourly vibration rose from 3\.\d+ to 8\.\d+ mm\/s/);
    // The hourly points stay with the machine: they are the chart behind the recommendation.
    expect(section.vibrationTrend?.points).toHaveLength(168);
  });

  it('given a small but steady rise, when assessed, then no bearing alarm: a rise must be a real share of the level', () => {
    const input = machine({
      hourly: week((i) => ({ averageVibration: Math.round((3 + (i / 168) * 0.3) * 100) / 100 })),
    });
    expect(kinds(input)).toEqual([]);
  });

  it('given three or more overheating detections, when assessed, then check the cooling, with count, severities and peak', () => {
    const input = machine({
      anomalies: [
        anomalies('TEMPERATURE_HIGH', 'MEDIUM', 2, 70.5),
        anomalies('TEMPERATURE_HIGH', 'HIGH', 1, 74.2),
      ],
    });
    const [recommendation] = assessMachine(input, WEEK).recommendations;
    expect(recommendation).toMatchObject({
      kind: 'CHECK_COOLING',
      priority: 'HIGH',
      evidence: { detections: 3, bySeverity: { HIGH: 1, MEDIUM: 2 }, peakTemperature: 74.2 },
    });
    expect(kinds(machine({ anomalies: [anomalies('TEMPERATURE_HIGH', 'MEDIUM', 2)] }))).toEqual([]);
    // Rate-of-change alarms are not overheating: at coarse reporting they follow noise.
    expect(kinds(machine({ anomalies: [anomalies('TEMPERATURE_RATE', 'MEDIUM', 30)] }))).toEqual([]);
  });

  it('given a temperature average frozen for a day while running, when assessed, then calibrate that sensor', () => {
    const input = machine({
      hourly: week((i) => (i >= 72 && i < 96 ? { averageTemperature: 47.23 } : {})),
    });
    const [recommendation] = assessMachine(input, WEEK).recommendations;
    expect(recommendation).toMatchObject({
      kind: 'CALIBRATE_SENSOR',
      evidence: {
        sensor: 'temperature',
        value: 47.23,
        hours: 24,
        from: new Date(T0 + 72 * HOUR).toISOString(),
        to: new Date(T0 + 96 * HOUR).toISOString(),
      },
    });
  });

  it('given load and vibration at 0 for a day while stopped, when assessed, then no sensor is called stuck', () => {
    const input = machine({
      hourly: week((i) =>
        i >= 72 && i < 96 ? { uptimePercentage: 0, averageVibration: 0, averageLoad: 0 } : {},
      ),
    });
    expect(kinds(input)).toEqual([]);
  });

  it('given a frozen run broken by a missing hour, when runs are found, then they are counted apart', () => {
    const hourly = week((i) => (i >= 10 && i < 20 ? { averageLoad: 61 } : {})).filter((_, i) => i !== 15);
    const load = stuckSensorRuns(hourly).find((run) => run.sensor === 'load');
    expect(load).toMatchObject({ value: 61, hours: 5 });
  });

  it('given repeated stale data and repeated faults, when assessed, then check the gateway and investigate the faults', () => {
    const input = machine({
      anomalies: [
        anomalies('STALE_DATA', 'MEDIUM', 3, 180_000),
        anomalies('STATUS_FAULT', 'HIGH', 2),
        anomalies('UNPLANNED_STOP', 'MEDIUM', 1),
      ],
    });
    const section = assessMachine(input, WEEK);
    expect(section.recommendations.map((r) => r.kind)).toEqual(['CHECK_GATEWAY', 'INVESTIGATE_FAULTS']);
    expect(section.recommendations[1]!.evidence).toMatchObject({
      count: 3,
      byType: { STATUS_FAULT: 2, UNPLANNED_STOP: 1 },
    });
    expect(section.anomalies).toMatchObject({
      total: 6,
      byType: { STALE_DATA: 3, STATUS_FAULT: 2, UNPLANNED_STOP: 1 },
      bySeverity: { HIGH: 2, MEDIUM: 4 },
    });
  });

  it('given a machine that ran well under half its planned time, when assessed, then review availability with its worst day', () => {
    const low = days.map((d, i) => ({ ...d, uptimePercentage: i === 3 ? 12 : 40 }));
    const [recommendation] = assessMachine(machine({ daily: low }), WEEK).recommendations;
    expect(recommendation).toMatchObject({
      kind: 'REVIEW_AVAILABILITY',
      evidence: { meanUptime: 36, worstUptime: 12, worstStart: new Date(T0 + 72 * HOUR).toISOString() },
    });
  });

  it('given a daily report, when assessed, then the series is the day hour by hour', () => {
    const day = reportPeriod('DAILY', T0 + 24 * HOUR);
    const section = assessMachine(machine(), day);
    expect(section.series.resolution).toBe('PT1H');
    expect(section.series.points).toHaveLength(24);
    expect(section.series.points[0]!.start).toBe(new Date(T0).toISOString());
  });
});

describe('alert figures', () => {
  const opened = T0 + 10 * HOUR;
  const alert = (
    transitions: AlertFacts['transitions'],
    flapping = false,
    raisedAt = opened,
  ): AlertFacts => ({
    alertId: 'a',
    alertType: 'TEMPERATURE_HIGH',
    severity: 'HIGH',
    openedAt: opened,
    raisedAt,
    flapping,
    transitions: [{ action: 'open', at: raisedAt, to: 'NEW' }, ...transitions],
  });

  it('given an alert about a backlog, raised two hours after its condition began, when figured, then time to acknowledge runs from when it was raised', () => {
    const raised = opened + 2 * HOUR;
    const figures = alertFigures(
      [alert([{ action: 'acknowledge', at: raised + 5 * MINUTE, to: 'ACKNOWLEDGED' }], false, raised)],
      WEEK.end,
    );
    expect(figures).toMatchObject({ acknowledged: 1, meanTimeToAcknowledgeMinutes: 5 });
  });

  it('given acknowledged and resolved alerts, when figured, then the means run from the open to the first of each', () => {
    const figures = alertFigures(
      [
        alert([
          { action: 'acknowledge', at: opened + 10 * MINUTE, to: 'ACKNOWLEDGED' },
          { action: 'resolve', at: opened + 60 * MINUTE, to: 'RESOLVED' },
        ]),
        alert(
          [
            { action: 'acknowledge', at: opened + 20 * MINUTE, to: 'ACKNOWLEDGED' },
            { action: 'reopen', at: opened + 25 * MINUTE, to: 'ACKNOWLEDGED' },
          ],
          true,
        ),
        alert([{ action: 'auto_resolve', at: opened + 30 * MINUTE, to: 'RESOLVED' }]),
      ],
      WEEK.end,
    );
    expect(figures).toMatchObject({
      opened: 3,
      acknowledged: 2,
      resolved: 2,
      openAtEnd: 1,
      flapping: 1,
      reopens: 1,
      meanTimeToAcknowledgeMinutes: 15,
      meanTimeToResolveMinutes: 45,
    });
  });

  it('given actions after the period ended, when figured, then the report is as of its end', () => {
    const late = WEEK.end + HOUR;
    const figures = alertFigures(
      [
        alert([
          { action: 'acknowledge', at: late, to: 'ACKNOWLEDGED' },
          { action: 'resolve', at: late, to: 'RESOLVED' },
        ]),
      ],
      WEEK.end,
    );
    expect(figures).toMatchObject({
      acknowledged: 0,
      resolved: 0,
      openAtEnd: 1,
      meanTimeToAcknowledgeMinutes: null,
    });
  });
});
