// One-shot jobs push their metrics to a Pushgateway when PUSHGATEWAY_URL is set. The gateway here is a real
// HTTP server speaking the Pushgateway's push API (it records each request); the jobs are the real `twin report`
// and `twin retention` commands against a scratch database. What they push must pass `promtool check metrics`.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Counter, Registry } from 'prom-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { migrateDatabases } from '../../src/db/migrate.js';
import { withJobMetrics } from '../../src/metrics/push-job-metrics.js';
import { createScratchDatabase, type ScratchDatabase } from '../support/postgres.js';
import { freePort } from '../support/ports.js';

const CLI = new URL('../../src/apps/cli.ts', import.meta.url).pathname;

interface Push {
  method: string;
  path: string;
  body: string;
}

function promtoolCheck(text: string) {
  const check = spawnSync('/usr/bin/promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { status: check.status, output: `${check.stdout}${check.stderr}`.trim() };
}

function twin(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) => resolve({ code, stderr }));
  });
}

describe('one-shot jobs pushing to a Pushgateway', () => {
  let gateway: Server;
  let gatewayUrl: string;
  const pushes: Push[] = [];
  let twinDb: ScratchDatabase;
  let analyticsDb: ScratchDatabase;
  let folder: string;

  beforeAll(async () => {
    const port = await freePort();
    gateway = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        pushes.push({ method: request.method ?? '', path: request.url ?? '', body });
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => gateway.listen(port, '127.0.0.1', resolve));
    gatewayUrl = `http://127.0.0.1:${port}`;
    twinDb = await createScratchDatabase('twin_push');
    analyticsDb = await createScratchDatabase('analytics_push');
    await migrateDatabases({ twinUrl: twinDb.url, analyticsUrl: analyticsDb.url });
    folder = await mkdtemp(join(tmpdir(), 'twin-push-'));
  });
  beforeEach(() => {
    pushes.length = 0;
  });
  afterAll(async () => {
    await new Promise((resolve) => gateway?.close(resolve));
    await Promise.allSettled([twinDb?.drop(), analyticsDb?.drop()]);
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  const env = () => ({
    TWIN_DATABASE_URL: twinDb.url,
    ANALYTICS_DATABASE_URL: analyticsDb.url,
    PUSHGATEWAY_URL: gatewayUrl,
  });

  it('given PUSHGATEWAY_URL, when `twin report --type DAILY` succeeds, then it POSTs its duration and success time under job report-daily', async () => {
    const run = await twin(['report', '--type', 'DAILY', '--out', folder], env());
    expect(run).toEqual({ code: 0, stderr: '' });
    expect(pushes.map(({ method, path }) => ({ method, path }))).toEqual([
      { method: 'POST', path: '/metrics/job/report-daily' },
    ]);
    const body = pushes[0]!.body;
    expect(body).toMatch(/^twin_job_duration_seconds\{job="report-daily"\} \d/m);
    expect(body).toMatch(/^twin_job_last_success_timestamp_seconds\{job="report-daily"\} \d{10}/m);
    expect(body).not.toMatch(/twin_job_last_failure_timestamp_seconds/);
    expect(body).not.toMatch(/^process_|^nodejs_/m);
    expect(promtoolCheck(body)).toEqual({ status: 0, output: '' });
  });

  it('given PUSHGATEWAY_URL, when `twin retention` succeeds, then its push carries the retention metrics beside the job metrics', async () => {
    const run = await twin(['retention'], env());
    expect(run.code).toBe(0);
    expect(pushes.map((push) => push.path)).toEqual(['/metrics/job/retention']);
    const body = pushes[0]!.body;
    expect(body).toMatch(/^twin_job_last_success_timestamp_seconds\{job="retention"\} \d/m);
    expect(body).toMatch(/^# TYPE twin_retention_last_success_timestamp_seconds gauge$/m);
    expect(body).toMatch(/^# TYPE twin_retention_rows_total counter$/m);
    expect(promtoolCheck(body)).toEqual({ status: 0, output: '' });
  });

  it('given no PUSHGATEWAY_URL, when a job runs, then nothing is pushed', async () => {
    const { PUSHGATEWAY_URL: _unused, ...withoutGateway } = env();
    const run = await twin(['report', '--type', 'WEEKLY', '--out', folder], withoutGateway);
    expect(run.code).toBe(0);
    expect(pushes).toEqual([]);
  });

  it('given a job body that throws, when it ends, then the failure time is pushed, the success time is not, and the error still propagates', async () => {
    const registry = new Registry();
    new Counter({ name: 'twin_test_items_total', help: 'Items.', registers: [registry] }).inc(3);
    await expect(
      withJobMetrics({ job: 'broken', url: gatewayUrl, command: 'test' }, () =>
        Promise.reject(new Error('boom')),
      ),
    ).rejects.toThrow('boom');
    expect(pushes).toHaveLength(1);
    expect(pushes[0]!.body).toMatch(/^twin_job_last_failure_timestamp_seconds\{job="broken"\} \d/m);
    expect(pushes[0]!.body).not.toMatch(/twin_job_last_success_timestamp_seconds/);
  });

  it('given an unreachable gateway, when a job succeeds, then the job still succeeds and says on stderr that the push failed', async () => {
    const closedPort = await freePort();
    const run = await twin(['report', '--type', 'MONTHLY', '--out', folder], {
      ...env(),
      PUSHGATEWAY_URL: `http://127.0.0.1:${closedPort}`,
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^twin report: metrics not pushed to http:\/\/127\.0\.0\.1:\d+: /m);
  });

  it('given a malformed PUSHGATEWAY_URL, when a job starts, then it exits non-zero with one line naming the setting', async () => {
    const run = await twin(['report', '--type', 'DAILY', '--out', folder], {
      ...env(),
      PUSHGATEWAY_URL: 'not a url',
    });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/PUSHGATEWAY_URL: expected an http\(s\) URL/);
  });
});
