import { describe, expect, it } from 'vitest';
import { assessMachine } from './assess-machine.js';
import { buildReport } from './build-report.js';
import { renderReportHtml } from './render-html.js';
import { reportPeriod } from './report-period.js';
import { barChart, escapeHtml, lineChart } from './svg-charts.js';

const HOUR = 3_600_000;
const WEEK = reportPeriod('WEEKLY', Date.parse('2026-03-09T06:00:00Z'));
const T0 = WEEK.start;

function hourly(vibration: (i: number) => number) {
  return Array.from({ length: 168 }, (_, i) => ({
    start: T0 + i * HOUR,
    uptimePercentage: 95,
    efficiencyRating: 60,
    averageTemperature: 55 + (i % 3) * 0.1,
    averageVibration: Math.round(vibration(i) * 100) / 100,
    averageLoad: 70 + (i % 5) * 0.1,
    anomalyCount: 0,
  }));
}

const daily = Array.from({ length: 7 }, (_, d) => ({
  start: T0 + d * 24 * HOUR,
  uptimePercentage: 95 - d,
  efficiencyRating: 60,
  averageTemperature: 55,
  averageVibration: 3,
  averageLoad: 70,
  anomalyCount: 1,
}));

const HOSTILE = '<script>alert("x")</script>&';

function report() {
  const worn = assessMachine(
    {
      machineId: 'pump-0001',
      machineType: 'pump',
      daily,
      hourly: hourly((i) => 3 + i / 30 + (i % 2) * 0.1),
      anomalies: [
        {
          anomalyType: 'VIBRATION_HIGH',
          severity: 'HIGH',
          count: 2,
          first: T0,
          last: T0 + HOUR,
          peakValue: 7.4,
        },
      ],
      alerts: [],
    },
    WEEK,
  );
  const hostile = assessMachine(
    {
      machineId: HOSTILE,
      machineType: `"${HOSTILE}`,
      daily,
      hourly: hourly((i) => 3 + (i % 2) * 0.1),
      anomalies: [],
      alerts: [],
    },
    WEEK,
  );
  return buildReport(WEEK, null, [worn, hostile]);
}

describe('the HTML report', () => {
  const html = renderReportHtml(report());

  it('given a report, when rendered, then the summary comes first, then the machines needing attention, then every machine', () => {
    const summary = html.indexOf('class="cards"');
    const attention = html.indexOf('Machines needing attention (1)');
    const machines = html.indexOf('<h2>Machines</h2>');
    expect(summary).toBeGreaterThan(0);
    expect(attention).toBeGreaterThan(summary);
    expect(machines).toBeGreaterThan(attention);
    expect(html).toContain('<title>Weekly maintenance report 2026-W10</title>');
    expect(html).toContain('Inspect the bearings');
  });

  it('given a bearing recommendation, when rendered, then its vibration trend is an inline SVG chart beside the fleet charts', () => {
    expect(html).toContain('pump-0001: hourly vibration (mm/s) and its trend');
    expect(html).toContain('Fleet uptime and efficiency per day');
    expect(html).toContain('Anomalies by type');
    // Trend, fleet uptime, anomalies, and one uptime chart per machine.
    expect(html.match(/<svg /g)).toHaveLength(5);
    expect(html.match(/<circle [^>]*class="point"/g)).toHaveLength(168);
  });

  it('given text from the data with markup in it, when rendered, then it is escaped everywhere and nothing external is loaded', () => {
    expect(html).not.toContain('<script');
    expect(html).toContain(escapeHtml(HOSTILE));
    expect(html).not.toMatch(/<link |src=|@import|url\(/);
  });

  it('given the same report, when rendered twice, then the page is the same', () => {
    expect(renderReportHtml(report())).toBe(html);
  });

  it('given a quiet week, when rendered, then it says no machine needs attention', () => {
    const empty = renderReportHtml(buildReport(WEEK, 'pump-0002', []));
    expect(empty).toContain('No machine needs attention');
    expect(empty).toContain('machine pump-0002');
  });
});

describe('SVG charts', () => {
  it('given a line with a gap, when drawn, then the line breaks there instead of joining across', () => {
    const svg = lineChart({
      title: 'uptime',
      xLabels: ['a', 'b', 'c', 'd'],
      series: [{ name: 'uptime', color: '#000', values: [10, 20, null, 40] }],
      unit: '%',
      yMin: 0,
      yMax: 100,
    });
    const path = /<path d="([^"]+)"/.exec(svg)?.[1] ?? '';
    expect(path.match(/M/g)).toHaveLength(2);
    expect(path.match(/L/g)).toHaveLength(1);
  });

  it('given bars, when drawn, then each has its escaped label and value and the longest fills the width', () => {
    const svg = barChart({
      title: 'a<b',
      bars: [
        { label: 'X&Y', value: 4 },
        { label: 'Z', value: 2 },
      ],
    });
    expect(svg).toContain('X&amp;Y');
    expect(svg).toContain('<title>a&lt;b</title>');
    const widths = [...svg.matchAll(/class="bar"/g)].length;
    expect(widths).toBe(2);
    const [first, second] = [...svg.matchAll(/<rect x="\d+" y="[\d.]+" width="([\d.]+)"/g)].map((m) =>
      Number(m[1]),
    );
    expect(first).toBeCloseTo(2 * second!, 5);
  });
});
