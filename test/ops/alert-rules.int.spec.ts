// The alert rules as Kubernetes and Prometheus will see them: k8s/base/prometheus-rules.yaml must be a valid
// monitoring.coreos.com/v1 PrometheusRule (the operator's schema, via kubernetes-models), its spec must pass
// `promtool check rules`, every alert must pass its unit tests in monitoring/alert-rules.test.yaml (`promtool
// test rules`: each alert fires on one series and stays quiet on another), and every metric an alert reads
// must be one the processes or jobs really expose.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { allMetricNames, metricNamesIn } from './metric-catalogue.js';

const PROMTOOL = '/usr/bin/promtool';
const RULES = new URL('../../k8s/base/prometheus-rules.yaml', import.meta.url).pathname;
const RULE_TESTS = new URL('../../monitoring/alert-rules.test.yaml', import.meta.url).pathname;

interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface RuleDocument {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: { groups: Array<{ name: string; rules: AlertRule[] }> };
}

function promtool(args: string[], cwd: string) {
  const run = spawnSync(PROMTOOL, args, { cwd, encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('the Prometheus alert rules', () => {
  let document: RuleDocument;
  let folder: string;
  let rulesFile: string;
  const alerts = () => document.spec.groups.flatMap((group) => group.rules);

  beforeAll(async () => {
    document = parse(await readFile(RULES, 'utf8')) as RuleDocument;
    folder = await mkdtemp(join(tmpdir(), 'twin-alert-rules-'));
    rulesFile = join(folder, 'twinstream.rules.yaml');
    await writeFile(rulesFile, stringify(document.spec));
  });
  afterAll(async () => {
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('given the manifest, when validated as a PrometheusRule, then the operator schema accepts it', () => {
    expect(document.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(document.kind).toBe('PrometheusRule');
    const rule = new PrometheusRule(document);
    expect(() => rule.validate()).not.toThrow();
  });

  it('given every alert, when read, then it has a for duration, a warning or critical severity, a summary and a description', () => {
    for (const rule of alerts()) {
      expect(rule.for, rule.alert).toMatch(/^\d+[smh]$/);
      expect(['warning', 'critical'], rule.alert).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary, rule.alert).toBeTruthy();
      expect(rule.annotations?.description, rule.alert).toBeTruthy();
    }
  });

  it('given the spec extracted to a rules file, when promtool checks it, then it passes', () => {
    const check = promtool(['check', 'rules', rulesFile], folder);
    expect(check.output).toContain(`SUCCESS: ${alerts().length} rules found`);
    expect(check.status).toBe(0);
  });

  it('given the alert unit tests, when promtool runs them, then every alert fires where it should and nowhere else', async () => {
    const tests = (await readFile(RULE_TESTS, 'utf8')).replace(/^(\s*- )RULES_FILE$/m, `$1${rulesFile}`);
    const testFile = join(folder, 'alert-rules.test.yaml');
    await writeFile(testFile, tests);
    const run = promtool(['test', 'rules', testFile], folder);
    expect(run.output).toContain('SUCCESS');
    expect(run.status).toBe(0);
  });

  it('given the unit tests, when listed, then every alert has a test where it fires and one where a series stays quiet', async () => {
    const parsed = parse(await readFile(RULE_TESTS, 'utf8')) as {
      tests: Array<{
        input_series: Array<{ series: string }>;
        alert_rule_test: Array<{ alertname: string; exp_alerts: unknown[] }>;
      }>;
    };
    for (const rule of alerts()) {
      const cases = parsed.tests.filter((test) =>
        test.alert_rule_test.some((entry) => entry.alertname === rule.alert),
      );
      const fires = cases.some((test) =>
        test.alert_rule_test.some((entry) => entry.alertname === rule.alert && entry.exp_alerts.length > 0),
      );
      // Quiet: an evaluation expecting nothing, or more input series than expected alerts.
      const quiet = cases.some((test) =>
        test.alert_rule_test.some(
          (entry) =>
            entry.alertname === rule.alert &&
            (entry.exp_alerts.length === 0 || entry.exp_alerts.length < test.input_series.length),
        ),
      );
      expect({ alert: rule.alert, fires, quiet }).toEqual({ alert: rule.alert, fires: true, quiet: true });
    }
  });

  it('given the metrics the processes and jobs register, when the alert expressions are read, then they only use those metrics', () => {
    const known = allMetricNames();
    const unknown = alerts().flatMap((rule) =>
      metricNamesIn(rule.expr)
        .filter((name) => !known.has(name))
        .map((name) => `${rule.alert}: ${name}`),
    );
    expect(unknown).toEqual([]);
  });
});
