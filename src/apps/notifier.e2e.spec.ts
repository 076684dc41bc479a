// `twin notifier` as an operator runs it, behind the real processor and projector: readings overheat two
// ovens, the projector opens their alerts, and the notifier (a child process) tells each matching route once,
// retries a receiver that first answers 500, escalates when nobody acknowledges, is killed with -9 in the
// middle of a send and restarted, and tells everyone when the alerts resolve. Receivers count hits per
// idempotency key: nothing is processed twice. A bad routes file stops it with one line.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeReading } from '../../schemas/sensor-reading-codec.js';
import type { SensorReading } from '../../processors/readings/reading.js';
import { createIsolatedPipeline, type IsolatedPipeline } from '../../test/support/pipeline.js';
import { freePort } from '../../test/support/ports.js';
import {
  startHttpReceiver,
  startSmtpReceiver,
  type HttpReceiver,
  type SmtpReceiver,
} from '../../test/support/receivers.js';
import { takeAlertAction } from '../alerts/alert-actions.js';

const CLI = new URL('./cli.ts', import.meta.url).pathname;
const T0 = Date.UTC(2026, 2, 2, 8, 0, 0);
const SECOND = 1_000;

/** One reading per second per oven (unknown type: the default config, temperature MEDIUM from 80 °C). */
function readings(fromS: number, toS: number, temperature: number): SensorReading[] {
  const out: SensorReading[] = [];
  for (let s = fromS; s < toS; s++) {
    for (const machineId of ['oven-1', 'oven-2']) {
      out.push({
        machineId,
        machineType: 'test_oven',
        timestamp: T0 + s * SECOND,
        temperature,
        vibration: 2,
        load: 60,
        status: 'RUNNING',
        seq: s,
      });
    }
  }
  return out;
}

async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, what: string): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('twin notifier behind the real pipeline, under kill -9', () => {
  let pipeline: IsolatedPipeline;
  let analytics: pg.Pool;
  let http: HttpReceiver;
  let smtp: SmtpReceiver;
  let folder: string;
  let releaseChat: (() => void) | undefined;
  const children = new Set<ChildProcess>();

  beforeAll(async () => {
    pipeline = await createIsolatedPipeline(1);
    analytics = new pg.Pool({ connectionString: pipeline.analytics.url, max: 2 });
    folder = await mkdtemp(join(tmpdir(), 'twin-notifier-'));
    // /ops fails its first request; /chat holds its first request open until the test lets go.
    http = await startHttpReceiver(async (request, hitsForKey) => {
      if (request.path === '/ops' && http.hits.filter((h) => h.path === '/ops').length === 1) return 500;
      if (request.path === '/chat' && hitsForKey === 1 && String(request.body.text).includes('Escalated'))
        await new Promise<void>((resolve) => (releaseChat = resolve));
      return 200;
    });
    smtp = await startSmtpReceiver();
  });
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    releaseChat?.();
    await analytics.end();
    await Promise.all([http.close(), smtp.close()]);
    await rm(folder, { recursive: true, force: true });
    await pipeline.dispose();
  });

  const startNotifier = async (routesFile: string, extraEnv: Record<string, string> = {}) => {
    const port = await freePort();
    let stderr = '';
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'notifier'], {
      env: {
        ...process.env,
        ...pipeline.env,
        HTTP_HOST: '127.0.0.1',
        NOTIFIER_HTTP_PORT: String(port),
        NOTIFY_ROUTES_FILE: routesFile,
        NOTIFIER_POLL_MS: '200',
        NOTIFIER_LEASE_MS: '4500',
        ...extraEnv,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    children.add(child);
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => {
        children.delete(child);
        resolve(code);
      }),
    );
    const ready = () =>
      waitFor(async () => {
        if (child.exitCode !== null) throw new Error(`notifier exited with ${child.exitCode}: ${stderr}`);
        const status = await fetch(`http://127.0.0.1:${port}/readyz`).then(
          (response) => response.status,
          () => 0,
        );
        return status === 200 ? true : undefined;
      }, 'the notifier to be ready');
    const metrics = () => fetch(`http://127.0.0.1:${port}/metrics`).then((response) => response.text());
    return { child, exited, ready, metrics, stderr: () => stderr };
  };

  it('given a bad routes file, when started, then it exits 1 with one line naming the path and the problem', async () => {
    const bad = join(folder, 'bad-routes.json');
    await writeFile(
      bad,
      JSON.stringify({
        routes: [{ id: 'x', contacts: [{ name: 'x', channel: 'WEBHOOK', url: 'ftp://x' }] }],
      }),
    );
    const notifier = await startNotifier(bad);
    expect(await notifier.exited).toBe(1);
    expect(notifier.stderr()).toBe(
      `twin notifier: notification routes ${bad}: routes[0].contacts[0].url: expected an http(s) URL\n`,
    );
  });

  it('given overheating ovens, when alerts open, escalate, the notifier is killed -9 mid-send and they resolve, then every step reaches each route once', async () => {
    const routesFile = join(folder, 'routes.json');
    await writeFile(
      routesFile,
      JSON.stringify({
        email: { smtpUrl: smtp.url, from: 'twinstream@plant.example' },
        delivery: { maxAttempts: 5, initialBackoffMs: 200, maxBackoffMs: 1_000, timeoutMs: 2_000 },
        routes: [
          {
            id: 'ovens',
            match: { minSeverity: 'MEDIUM', machineTypes: ['test_oven'] },
            groupWaitMs: 1_000,
            escalateAfterMs: 3_000,
            repeatIntervalMs: null,
            contacts: [
              { name: 'ops-hook', channel: 'WEBHOOK', url: http.url('/ops') },
              { name: 'plant-chat', channel: 'WEBHOOK', format: 'slack', url: http.url('/chat') },
            ],
          },
          {
            id: 'temperature-mail',
            match: { alertTypes: ['TEMPERATURE_HIGH'] },
            groupWaitMs: 1_000,
            escalateAfterMs: null,
            repeatIntervalMs: null,
            contacts: [{ name: 'ops-mail', channel: 'EMAIL', to: 'ops@plant.example' }],
          },
          {
            id: 'pumps',
            match: { machineTypes: ['pump'] },
            groupWaitMs: 0,
            contacts: [{ name: 'pump-hook', channel: 'WEBHOOK', url: http.url('/pumps') }],
          },
        ],
      }),
    );
    const processor = await pipeline.startProcessor();
    const projector = await pipeline.startProjector();
    await Promise.all([processor.ready(), projector.ready()]);
    await pipeline.produce(
      [...readings(0, 30, 60), ...readings(30, 100, 85)].map((r) => ({
        key: r.machineId,
        value: encodeReading(r, 'json'),
      })),
    );
    const alertIds = await waitFor(async () => {
      const rows = await analytics.query<{ alert_id: string }>(
        `SELECT alert_id FROM alerts WHERE status = 'NEW' ORDER BY alert_id`,
      );
      return rows.rows.length === 2 ? rows.rows.map((r) => r.alert_id) : undefined;
    }, 'two open alerts');
    expect(alertIds).toEqual(['oven-1:TEMPERATURE_HIGH:1', 'oven-2:TEMPERATURE_HIGH:1']);

    // Open: one message per matching route, both alerts in it; /ops answers 500 first, then the retry lands.
    let notifier = await startNotifier(routesFile);
    await notifier.ready();
    await waitFor(
      () => (http.processed.length >= 1 && smtp.mails.length >= 1 ? true : undefined),
      'open messages',
    );
    const opsOpen = http.hits.filter((h) => h.path === '/ops');
    expect(opsOpen.map((h) => h.body.kind)).toEqual(['OPEN', 'OPEN']);
    expect(opsOpen[1]!.idempotencyKey).toBe(opsOpen[0]!.idempotencyKey);
    expect((opsOpen[0]!.body.alerts as unknown[]).length).toBe(2);
    expect(smtp.mails[0]!.subject).toBe('[MEDIUM] New: 2 alerts (TEMPERATURE_HIGH) on 2 machines');

    // Nobody acknowledges: the escalation goes to plant-chat. Kill -9 while that send is in flight.
    const escalation = await http.next('/chat');
    notifier.child.kill('SIGKILL');
    await notifier.exited;
    releaseChat!();
    notifier = await startNotifier(routesFile);
    await notifier.ready();
    // The restarted notifier re-sends the unrecorded escalation with the same key once the lease runs out.
    await waitFor(
      () =>
        http.hits.filter((h) => h.idempotencyKey === escalation.idempotencyKey).length === 2
          ? true
          : undefined,
      'the escalation retried after the restart',
    );

    for (const alertId of alertIds)
      expect(
        (
          await takeAlertAction(analytics, alertId, {
            action: 'resolve',
            actor: 'ana',
            at: T0 + 200 * SECOND,
            note: 'cooled',
          })
        ).ok,
      ).toBe(true);
    // Done when the three resolve messages (ops-hook, plant-chat, ops-mail) are out and nothing is left to say.
    await waitFor(async () => {
      const state = await analytics.query<{ resolved: string; open: string }>(
        `SELECT (SELECT count(*) FROM notification_outbox WHERE kind = 'RESOLVED' AND status <> 'PENDING') AS resolved,
                (SELECT count(*) FROM notification_outbox WHERE status = 'PENDING')
                  + (SELECT count(*) FROM notification_route_states WHERE NOT done) AS open`,
      );
      return state.rows[0]!.resolved === '3' && state.rows[0]!.open === '0' ? true : undefined;
    }, 'the resolve messages');
    const metrics = await notifier.metrics();
    notifier.child.kill('SIGTERM');
    expect(await notifier.exited).toBe(0);

    // What each receiver saw, in order: the kind (generic JSON), or the headline of the Slack text.
    const seen = (path: string) =>
      http.hits
        .filter((h) => h.path === path)
        .map((h) => (typeof h.body.kind === 'string' ? h.body.kind : String(h.body.text).split(':')[0]));
    expect(seen('/ops')).toEqual(['OPEN', 'OPEN', 'RESOLVED']);
    expect(seen('/chat')).toEqual(['[MEDIUM] Escalated', '[MEDIUM] Escalated', '[MEDIUM] Resolved']);
    expect(seen('/pumps')).toEqual([]);
    expect(smtp.mails.map((m) => m.subject)).toEqual([
      '[MEDIUM] New: 2 alerts (TEMPERATURE_HIGH) on 2 machines',
      '[MEDIUM] Resolved: 2 alerts (TEMPERATURE_HIGH) on 2 machines',
    ]);
    expect(new Set(smtp.mails.map((m) => m.messageId)).size).toBe(2);

    // Hits per idempotency key: 2 only for the 500-then-200 retry and for the send cut by kill -9; every key
    // was processed exactly once by the receiver.
    const hitsPerKey = new Map<string, number>();
    for (const hit of http.hits)
      hitsPerKey.set(hit.idempotencyKey!, (hitsPerKey.get(hit.idempotencyKey!) ?? 0) + 1);
    expect([...hitsPerKey.values()].sort()).toEqual([1, 1, 2, 2]);
    expect(hitsPerKey.get(escalation.idempotencyKey!)).toBe(2);
    expect(http.processed.sort()).toEqual([...hitsPerKey.keys()].sort());

    // notification_logs: every recorded attempt, one row per alert. The attempt cut by kill -9 left no row;
    // its retry is attempt 2.
    const logs = await analytics.query<{
      type: string;
      kind: string;
      attempt: number;
      status: string;
      n: string;
    }>(
      `SELECT notification_type AS type, response_details->>'kind' AS kind,
              (response_details->>'attempt')::int AS attempt, status, count(*) AS n
         FROM notification_logs GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
    );
    expect(logs.rows.map((r) => `${r.type} ${r.kind}#${r.attempt} ${r.status} ×${r.n}`)).toEqual([
      'EMAIL OPEN#1 SENT ×2',
      'EMAIL RESOLVED#1 SENT ×2',
      'SLACK ESCALATION#2 DELIVERED ×2',
      'SLACK RESOLVED#1 DELIVERED ×2',
      'WEBHOOK OPEN#1 FAILED ×2',
      'WEBHOOK OPEN#2 DELIVERED ×2',
      'WEBHOOK RESOLVED#1 DELIVERED ×2',
    ]);
    expect(metrics).toMatch(
      /^twin_notifications_sent_total\{[^}]*channel="SLACK"[^}]*status="DELIVERED"[^}]*\} 2$/m,
    );
    expect(metrics).toMatch(/^twin_notifications_pending\{[^}]*\} 0$/m);
    expect(metrics).toMatch(/^twin_notifications_delivery_seconds_bucket\{/m);
  });
});
