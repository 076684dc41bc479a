// A real Prometheus scraping the real processes: the processor and the projector behind an isolated pipeline,
// plus the query API and the notifier on the same databases. Prometheus (Debian's /usr/bin/prometheus) scrapes
// them every second; the test asks it, through its HTTP API, what an operator's dashboard would ask: are the
// targets up, how many readings were applied, is the lag back to zero. `promtool check metrics` lints every
// process's exposition (it prints nothing and exits 0 when the names, types and help texts are clean).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { encodeReading } from '../../schemas/sensor-reading-codec.js';
import type { SensorReading } from '../../processors/readings/reading.js';
import { createIsolatedPipeline, type IsolatedPipeline } from '../support/pipeline.js';
import { freePort } from '../support/ports.js';
import { dashboardExpressions } from './metric-catalogue.js';

const PROMETHEUS = '/usr/bin/prometheus';
const PROMTOOL = '/usr/bin/promtool';
const CLI = new URL('../../src/apps/cli.ts', import.meta.url).pathname;
const RULES = new URL('../../k8s/base/prometheus-rules.yaml', import.meta.url).pathname;
const ROUTES_EXAMPLE = new URL('../../config/notification-routes.example.json', import.meta.url).pathname;
const MACHINES = 30;
const READINGS_PER_MACHINE = 10;
const N = MACHINES * READINGS_PER_MACHINE;

/** Ordinary readings, in order per machine, a few minutes old (well inside every skew and grace bound). */
function readings(): SensorReading[] {
  const t0 = Date.now() - 10 * 60_000;
  const out: SensorReading[] = [];
  for (let s = 0; s < READINGS_PER_MACHINE; s++) {
    for (let m = 0; m < MACHINES; m++) {
      out.push({
        machineId: `scrape-${String(m).padStart(3, '0')}`,
        machineType: 'cnc_mill',
        timestamp: t0 + s * 1_000,
        temperature: 45,
        vibration: 2,
        load: 60,
        status: 'RUNNING',
        seq: s + 1,
      });
    }
  }
  return out;
}

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last error: ${String(last)})`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

interface PromVector {
  status: string;
  data: { resultType: string; result: Array<{ metric: Record<string, string>; value: [number, string] }> };
}

describe('Prometheus scraping the running processes', () => {
  let pipeline: IsolatedPipeline;
  let folder: string;
  let prometheusUrl: string;
  const targets: Record<'processor' | 'projector' | 'api' | 'notifier', number> = {
    processor: 0,
    projector: 0,
    api: 0,
    notifier: 0,
  };
  const children = new Set<ChildProcess>();

  const spawnTwin = (command: string, env: Record<string, string>) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, command], {
      env: { ...process.env, ...pipeline.env, HTTP_HOST: '127.0.0.1', ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.add(child);
    child.once('exit', () => children.delete(child));
    return child;
  };
  const ready = (port: number, child: ChildProcess, what: string) =>
    waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
      const status = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status);
      return status === 200 ? true : undefined;
    }, `${what} to be ready`);

  const query = async (promql: string) => {
    const response = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(promql)}`);
    const body = (await response.json()) as PromVector;
    if (body.status !== 'success') throw new Error(`query ${promql}: ${JSON.stringify(body)}`);
    return body.data.result;
  };
  const scalar = async (promql: string) => {
    const result = await query(promql);
    return result.length === 0 ? undefined : Number(result[0]!.value[1]);
  };

  beforeAll(async () => {
    pipeline = await createIsolatedPipeline(3);
    folder = await mkdtemp(join(tmpdir(), 'twin-prometheus-'));
    await pipeline.produce(
      readings().map((reading) => ({ key: reading.machineId, value: encodeReading(reading, 'json') })),
    );

    const processor = await pipeline.startProcessor();
    const projector = await pipeline.startProjector();
    targets.processor = processor.port;
    targets.projector = projector.port;
    targets.api = await freePort();
    const api = spawnTwin('api', {
      HTTP_PORT: String(targets.api),
      API_PORT: String(await freePort()),
    });
    targets.notifier = await freePort();
    const notifier = spawnTwin('notifier', {
      NOTIFIER_HTTP_PORT: String(targets.notifier),
      NOTIFY_ROUTES_FILE: ROUTES_EXAMPLE,
    });
    await Promise.all([
      processor.ready(),
      projector.ready(),
      ready(targets.api, api, 'api'),
      ready(targets.notifier, notifier, 'notifier'),
    ]);

    const scrapeConfigs = Object.entries(targets)
      .map(
        ([job, port]) =>
          `  - job_name: twin-${job}\n    static_configs:\n      - targets: ['127.0.0.1:${port}']\n`,
      )
      .join('');
    const configFile = join(folder, 'prometheus.yml');
    await writeFile(
      configFile,
      `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n${scrapeConfigs}`,
    );
    const prometheusPort = await freePort();
    prometheusUrl = `http://127.0.0.1:${prometheusPort}`;
    const prometheus = spawn(
      PROMETHEUS,
      [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${join(folder, 'data')}`,
        `--web.listen-address=127.0.0.1:${prometheusPort}`,
      ],
      { stdio: ['ignore', 'ignore', 'ignore'] },
    );
    children.add(prometheus);
    prometheus.once('exit', () => children.delete(prometheus));
    await waitFor(async () => {
      if (prometheus.exitCode !== null) throw new Error(`prometheus exited with ${prometheus.exitCode}`);
      const status = await fetch(`${prometheusUrl}/-/ready`).then((r) => r.status);
      return status === 200 ? true : undefined;
    }, 'prometheus to be ready');
  });

  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await pipeline?.dispose();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('given four processes in the scrape config, when Prometheus scrapes them, then every target is up', async () => {
    const up = await waitFor(async () => {
      const response = await fetch(`${prometheusUrl}/api/v1/targets?state=active`);
      const body = (await response.json()) as {
        data: { activeTargets: Array<{ labels: { job: string }; health: string; lastError: string }> };
      };
      const active = body.data.activeTargets;
      return active.length === 4 && active.every((target) => target.health === 'up') ? active : undefined;
    }, 'all four targets up');
    expect(up.map((target) => target.labels.job).sort()).toEqual([
      'twin-api',
      'twin-notifier',
      'twin-processor',
      'twin-projector',
    ]);
  });

  it(`given ${N} readings produced, when the processor has caught up, then Prometheus sees ${N} applied readings and zero lag on every partition`, async () => {
    await pipeline.waitUntilCaughtUp(90_000);
    const applied = await waitFor(async () => {
      const value = await scalar('sum(twin_readings_total{job="twin-processor",outcome="applied"})');
      return value === N ? value : undefined;
    }, `${N} applied readings in Prometheus`);
    expect(applied).toBe(N);

    const lag = await waitFor(async () => {
      const series = await query('twin_consumer_lag_messages{job="twin-processor"}');
      return series.length === pipeline.partitions && series.every((s) => Number(s.value[1]) === 0)
        ? series
        : undefined;
    }, 'zero lag on every partition');
    expect(lag.map((s) => s.metric.partition).sort()).toEqual(['0', '1', '2']);
    expect(await scalar('max(twin_consumer_lag_messages)')).toBe(0);
    // The end-to-end latency histogram saw the batches that committed them.
    expect(await scalar('sum(twin_processing_latency_seconds_count)')).toBeGreaterThan(0);
  });

  it('given the projector on both topics, when it has caught up, then Prometheus sees its readings applied and zero projector lag', async () => {
    await pipeline.waitUntilProjected(90_000);
    await waitFor(async () => {
      const value = await scalar('sum(twin_projector_readings_total{outcome="applied"})');
      return value === N ? value : undefined;
    }, `${N} readings applied by the projector`);
    await waitFor(async () => {
      const series = await query('twin_projector_consumer_lag_messages');
      return series.length > 0 && series.every((s) => Number(s.value[1]) === 0) ? series : undefined;
    }, 'zero projector lag');
  });

  it('given every process, when its /metrics text is piped to promtool check metrics, then promtool reports nothing', async () => {
    for (const [name, port] of Object.entries(targets)) {
      const text = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text());
      expect(text, name).toMatch(/^process_cpu_seconds_total\{[^}]*\} /m);
      expect(text, name).toMatch(/^nodejs_heap_size_used_bytes\{[^}]*\} /m);
      const check = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' });
      expect({ name, status: check.status, output: `${check.stdout}${check.stderr}`.trim() }).toEqual({
        name,
        status: 0,
        output: '',
      });
    }
  });

  it('given the dashboard and the alert rules, when each expression is evaluated by this Prometheus, then every one is valid PromQL and the pipeline panels have data', async () => {
    const rules = parse(await readFile(RULES, 'utf8')) as {
      spec: { groups: Array<{ rules: Array<{ alert: string; expr: string }> }> };
    };
    const expressions = [
      ...dashboardExpressions(),
      ...rules.spec.groups.flatMap((group) =>
        group.rules.map((rule) => ({ panel: rule.alert, expr: rule.expr })),
      ),
    ];
    // Grafana's variables, as Grafana would substitute them.
    const concrete = (expr: string) => expr.replaceAll('$__rate_interval', '1m').replaceAll('$job', '.+');
    for (const { panel, expr } of expressions) {
      await query(concrete(expr)).catch((error: unknown) => {
        throw new Error(`${panel}: ${String(error)}`);
      });
    }
    // Rates need two scrapes inside their window: poll until the pipeline's panels show data.
    const panels = [
      'Readings/s by outcome',
      'Consumer lag per partition',
      'Processing latency (event time to commit)',
      'Snapshot age per partition',
      'Projector lag per partition',
      'CPU per process',
      'Memory per process',
    ];
    for (const panel of panels) {
      const exprs = expressions.filter((entry) => entry.panel === panel).map((entry) => concrete(entry.expr));
      expect(exprs.length, panel).toBeGreaterThan(0);
      const series = await waitFor(async () => {
        const counts = await Promise.all(exprs.map(async (expr) => (await query(expr)).length));
        return counts.every((count) => count > 0) ? counts : undefined;
      }, `data in the panel ${panel}`);
      expect(series.every((count) => count > 0)).toBe(true);
    }
  });
});
