// The Grafana dashboard (monitoring/grafana-dashboard.json) is plain JSON an operator imports. It must parse,
// be a current schema with a Prometheus datasource variable every panel uses, cover what an operator watches,
// and ask only for metrics the processes really register (so a renamed metric fails here, not on a wall screen).
// test/ops/prometheus.e2e.spec.ts also runs every expression against a real Prometheus.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allMetricNames, dashboardExpressions, metricNamesIn } from './metric-catalogue.js';

interface Target {
  datasource?: { type: string; uid: string };
}
interface Panel {
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  targets?: Target[];
}
interface Dashboard {
  schemaVersion: number;
  uid: string;
  title: string;
  templating: { list: Array<{ name: string; type: string; query: unknown }> };
  panels: Panel[];
}

const FILE = new URL('../../monitoring/grafana-dashboard.json', import.meta.url);

describe('the Grafana dashboard', () => {
  const dashboard = JSON.parse(readFileSync(FILE, 'utf8')) as Dashboard;
  const queryPanels = dashboard.panels.filter((panel) => panel.type !== 'row');

  it('given the file, when parsed, then it is a schemaVersion 36+ dashboard with a Prometheus datasource variable', () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(dashboard.uid).toBe('twinstream-overview');
    const variable = dashboard.templating.list.find((entry) => entry.name === 'datasource');
    expect(variable).toMatchObject({ type: 'datasource', query: 'prometheus' });
  });

  it('given every panel, when read, then it and each of its queries use the ${datasource} variable', () => {
    expect(queryPanels.length).toBeGreaterThan(0);
    for (const panel of queryPanels) {
      expect(panel.datasource, panel.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets ?? [])
        expect(target.datasource, panel.title).toEqual(panel.datasource);
    }
  });

  it('given the panel queries, when their metric names are read, then every one is registered by a process or job', () => {
    const known = allMetricNames();
    const unknown = dashboardExpressions().flatMap(({ panel, expr }) =>
      metricNamesIn(expr)
        .filter((name) => !known.has(name))
        .map((name) => `${panel}: ${name}`),
    );
    expect(unknown).toEqual([]);
  });

  it('given what an operator watches, when the queries are listed, then each is on the dashboard', () => {
    const used = new Set(dashboardExpressions().flatMap(({ expr }) => metricNamesIn(expr)));
    const watched = [
      'twin_readings_total',
      'twin_consumer_lag_messages',
      'twin_processing_latency_seconds_bucket',
      'twin_dead_letters_total',
      'twin_anomaly_events_total',
      'twin_snapshot_age_seconds',
      'twin_projector_consumer_lag_messages',
      'twin_projector_latency_seconds_bucket',
      'twin_alerts',
      'twin_notifications_sent_total',
      'twin_api_requests_total',
      'twin_api_request_duration_seconds_bucket',
      'twin_database_write_errors_total',
      'twin_projector_database_write_errors_total',
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
    ];
    expect(watched.filter((name) => !used.has(name))).toEqual([]);
  });
});
