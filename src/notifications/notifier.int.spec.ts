// The notifier's runtime against the real analytics database, a real HTTP receiver and a real SMTP server,
// driven poll by poll on an injected clock (no sleeping): grouping, retries, escalation, resolve messages,
// every attempt in notification_logs, and two replicas sharing the outbox without sending anything twice.
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../processors/alerts/index.js';
import { parseRoutes, type NotificationRoutes } from '../../processors/notifications/index.js';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/postgres.js';
import { saveAlerts } from '../db/repositories/alerts.js';
import { migrateDatabase } from '../db/migrate.js';
import { utcTimestamp } from '../db/sql-time.js';
import { inTransaction } from '../db/transaction.js';
import { createLogger } from '../logger.js';
import { createMetricsRegistry } from '../metrics.js';
import { takeAlertAction } from '../alerts/alert-actions.js';
import { createChannels, type Channels } from './channels.js';
import { createNotifierMetrics } from './metrics.js';
import { Notifier } from './notifier.js';
import {
  startHttpReceiver,
  startSmtpReceiver,
  type HttpReceiver,
  type SmtpReceiver,
} from '../../test/support/receivers.js';

const T0 = Date.UTC(2026, 2, 2, 8, 0, 0);
const S = 1_000;
const quiet = createLogger({ name: 'test', level: 'silent' });

function openAlert(machineId: string, severity: Alert['severity'], alertType = 'TEMPERATURE_HIGH'): Alert {
  return {
    alertId: `${machineId}:${alertType}:1`,
    machineId,
    alertType,
    severity,
    status: 'NEW',
    openedAt: T0,
    raisedAt: T0,
    lastSeen: T0,
    repeatCount: 0,
    assignedTo: null,
    resolutionTime: null,
    shelvedUntil: null,
    shelvedFrom: null,
    cleared: false,
    clearedAt: null,
    flapping: false,
    recentOpens: [T0],
    recentClears: [],
    ruleId: `${alertType}:${severity}`,
    configVersion: 1,
    transitions: [{ action: 'open', by: 'system', at: T0, from: null, to: 'NEW', note: null }],
    transitionsDropped: 0,
  };
}

describe('notifier runtime (real database, HTTP and SMTP receivers)', () => {
  let db: ScratchDatabase;
  let pool: pg.Pool;
  let http: HttpReceiver;
  let smtp: SmtpReceiver;
  let clock = T0;
  let answers: Record<string, number[]>;
  const channelsToClose: Channels[] = [];

  beforeAll(async () => {
    db = await createScratchDatabase('notifier_it');
    await migrateDatabase('analytics', db.url);
    pool = new pg.Pool({ connectionString: db.url, max: 8 });
    // Each path answers from its list in order, then 200; /slow answers after a short pause.
    http = await startHttpReceiver(async (request) => {
      if (request.path === '/slow') await new Promise((resolve) => setTimeout(resolve, 30));
      return answers[request.path]?.shift() ?? 200;
    });
    smtp = await startSmtpReceiver();
  });
  afterAll(async () => {
    await pool.end();
    await Promise.all([http.close(), smtp.close()]);
    await db.drop();
  });
  beforeEach(async () => {
    answers = {};
    clock = T0;
    http.hits.length = 0;
    http.processed.length = 0;
    smtp.mails.length = 0;
    await pool.query(
      'TRUNCATE alerts, machine_twins, alert_actions, projector_positions, notification_logs, notification_outbox, notification_route_states',
    );
  });
  afterEach(() => {
    for (const channels of channelsToClose.splice(0)) channels.close();
  });

  const givenMachines = (types: Record<string, string>) =>
    pool.query(
      `INSERT INTO machine_twins (machine_id, machine_type, status, status_since, last_event_time, twin,
                                  source_partition, source_offset, projected_at)
       SELECT m, t, 'RUNNING', ${utcTimestamp('$3::bigint')}, ${utcTimestamp('$3::bigint')}, '{}', 0, 0,
              ${utcTimestamp('$3::bigint')}
         FROM unnest($1::text[], $2::text[]) AS x(m, t)`,
      [Object.keys(types), Object.values(types), T0],
    );
  const givenAlerts = (...alerts: Alert[]) => inTransaction(pool, (client) => saveAlerts(client, alerts));

  const notifier = (routes: NotificationRoutes, owner = 'replica-a', concurrency = 8) => {
    const channels = createChannels(routes);
    channelsToClose.push(channels);
    return new Notifier({
      pool,
      routes,
      channels,
      metrics: createNotifierMetrics(createMetricsRegistry('notifier-test'), pool),
      logger: quiet,
      owner,
      pollMs: 100,
      leaseMs: 30_000,
      concurrency,
      now: () => clock,
    });
  };
  const pollAt = async (n: Notifier, at: number) => {
    clock = at;
    await n.poll();
  };
  const kindsOn = (path: string) =>
    http.hits.filter((h) => h.path === path).map((h) => `${String(h.body.kind)} ${alertIdsOf(h.body)}`);
  const slackTexts = () => http.hits.filter((h) => h.path === '/chat').map((h) => String(h.body.text));
  const alertIdsOf = (body: Record<string, unknown>) =>
    ((body.alerts as { machineId: string }[] | undefined) ?? []).map((a) => a.machineId).join(',');

  it('given two routes and an unmatched one, when alerts open, go unacknowledged and resolve, then each route tells its contacts once per step, retrying a failing receiver', async () => {
    const routes = parseRoutes({
      email: { smtpUrl: smtp.url, from: 'twinstream@plant.example' },
      delivery: { maxAttempts: 3, initialBackoffMs: 1_000, maxBackoffMs: 4_000, timeoutMs: 2_000 },
      routes: [
        {
          id: 'ovens',
          match: { minSeverity: 'MEDIUM', machineTypes: ['oven'] },
          groupWaitMs: 10 * S,
          escalateAfterMs: 60 * S,
          repeatIntervalMs: null,
          contacts: [
            { name: 'ops-hook', channel: 'WEBHOOK', url: http.url('/ops') },
            { name: 'plant-chat', channel: 'WEBHOOK', url: http.url('/chat'), format: 'slack' },
          ],
        },
        {
          id: 'hot',
          match: { alertTypes: ['TEMPERATURE_HIGH'], severities: ['HIGH', 'CRITICAL'] },
          groupWaitMs: 0,
          escalateAfterMs: 60 * S,
          contacts: [
            { name: 'ops-mail', channel: 'EMAIL', to: 'ops@plant.example' },
            { name: 'shift-lead', channel: 'SMS', url: http.url('/sms'), to: '+4915100000001' },
          ],
        },
        {
          id: 'pumps',
          match: { machineTypes: ['pump'] },
          groupWaitMs: 0,
          contacts: [{ name: 'pump-hook', channel: 'WEBHOOK', url: http.url('/pumps') }],
        },
      ],
    });
    await givenMachines({ 'oven-1': 'oven', 'oven-2': 'oven', 'pump-1': 'pump' });
    await givenAlerts(
      openAlert('oven-1', 'HIGH'),
      openAlert('oven-2', 'MEDIUM'),
      openAlert('pump-1', 'LOW', 'LOAD_HIGH'),
    );
    answers['/ops'] = [500];
    const n = notifier(routes);

    await pollAt(n, T0); // ovens waits for its group; hot (no wait) mails oven-1; pumps opens pump-1
    expect(kindsOn('/ops')).toEqual([]);
    expect(smtp.mails.map((m) => m.subject)).toEqual(['[HIGH] New: TEMPERATURE_HIGH on oven-1']);
    expect(kindsOn('/pumps')).toEqual(['OPEN pump-1']);

    await pollAt(n, T0 + 10 * S); // the group goes out as one message; the receiver answers 500
    expect(kindsOn('/ops')).toEqual(['OPEN oven-1,oven-2']);
    await pollAt(n, T0 + 10.5 * S); // backoff not over: nothing
    expect(kindsOn('/ops')).toHaveLength(1);
    await pollAt(n, T0 + 11 * S); // retried with the same key, 200
    expect(kindsOn('/ops')).toEqual(['OPEN oven-1,oven-2', 'OPEN oven-1,oven-2']);
    const [failed, retried] = http.hits.filter((h) => h.path === '/ops');
    expect(retried!.idempotencyKey).toBe(failed!.idempotencyKey);

    // oven-2 is acknowledged in time; oven-1 is not, so it escalates on both routes.
    const ack = await takeAlertAction(pool, 'oven-2:TEMPERATURE_HIGH:1', {
      action: 'acknowledge',
      actor: 'ana',
      at: T0 + 30 * S,
      note: null,
    });
    expect(ack.ok).toBe(true);
    await pollAt(n, T0 + 70 * S);
    expect(slackTexts()).toEqual(['[HIGH] Escalated: TEMPERATURE_HIGH on oven-1']);
    expect(http.hits.filter((h) => h.path === '/sms').map((h) => h.body.text)).toEqual([
      'Twinstream Escalated: HIGH TEMPERATURE_HIGH on oven-1',
    ]);
    const slack = http.hits.find((h) => h.path === '/chat')!.body as {
      text: string;
      blocks: { type: string }[];
    };
    expect(slack.text).toBe('[HIGH] Escalated: TEMPERATURE_HIGH on oven-1');
    expect(slack.blocks.map((b) => b.type)).toEqual(['header', 'section', 'context']);

    for (const alertId of ['oven-1:TEMPERATURE_HIGH:1', 'oven-2:TEMPERATURE_HIGH:1'])
      await takeAlertAction(pool, alertId, {
        action: 'resolve',
        actor: 'ben',
        at: T0 + 80 * S,
        note: 'fixed',
      });
    await pollAt(n, T0 + 81 * S);
    await pollAt(n, T0 + 200 * S); // nothing more to say
    expect(kindsOn('/ops')).toEqual(['OPEN oven-1,oven-2', 'OPEN oven-1,oven-2', 'RESOLVED oven-1,oven-2']);
    expect(slackTexts()).toEqual([
      '[HIGH] Escalated: TEMPERATURE_HIGH on oven-1',
      '[HIGH] Resolved: TEMPERATURE_HIGH on oven-1',
    ]);
    expect(smtp.mails.map((m) => m.subject)).toEqual([
      '[HIGH] New: TEMPERATURE_HIGH on oven-1',
      '[HIGH] Resolved: TEMPERATURE_HIGH on oven-1',
    ]);
    expect(smtp.mails.every((m) => m.messageId?.endsWith('@twinstream.notifier>'))).toBe(true);
    expect(new Set(smtp.mails.map((m) => m.messageId)).size).toBe(2);
    expect(http.hits.filter((h) => h.path === '/sms')).toHaveLength(2);
    // Every key was processed once: the only repeat is the retry after the 500.
    expect(new Set(http.processed).size).toBe(http.processed.length);

    // One row per attempt and alert; the provider's answer in response_details.
    const logs = await pool.query<{
      alert_id: string;
      notification_type: string;
      recipient: string;
      status: string;
      kind: string;
      attempt: number;
      answer: string | null;
    }>(
      `SELECT alert_id, notification_type, recipient, status, response_details->>'kind' AS kind,
              (response_details->>'attempt')::int AS attempt,
              coalesce(response_details->>'httpStatus', response_details->>'smtpResponse') AS answer
         FROM notification_logs ORDER BY id`,
    );
    const rows = logs.rows.map(
      (r) =>
        `${r.notification_type} ${r.recipient} ${r.kind}#${r.attempt} ${r.alert_id} ${r.status} ${r.answer?.slice(0, 3)}`,
    );
    expect(rows.sort()).toEqual(
      [
        'EMAIL ops@plant.example OPEN#1 oven-1:TEMPERATURE_HIGH:1 SENT 250',
        'WEBHOOK pump-hook OPEN#1 pump-1:LOAD_HIGH:1 DELIVERED 200',
        'WEBHOOK ops-hook OPEN#1 oven-1:TEMPERATURE_HIGH:1 FAILED 500',
        'WEBHOOK ops-hook OPEN#1 oven-2:TEMPERATURE_HIGH:1 FAILED 500',
        'WEBHOOK ops-hook OPEN#2 oven-1:TEMPERATURE_HIGH:1 DELIVERED 200',
        'WEBHOOK ops-hook OPEN#2 oven-2:TEMPERATURE_HIGH:1 DELIVERED 200',
        'SLACK plant-chat ESCALATION#1 oven-1:TEMPERATURE_HIGH:1 DELIVERED 200',
        'SMS +4915100000001 ESCALATION#1 oven-1:TEMPERATURE_HIGH:1 SENT 200',
        'WEBHOOK ops-hook RESOLVED#1 oven-1:TEMPERATURE_HIGH:1 DELIVERED 200',
        'WEBHOOK ops-hook RESOLVED#1 oven-2:TEMPERATURE_HIGH:1 DELIVERED 200',
        'SLACK plant-chat RESOLVED#1 oven-1:TEMPERATURE_HIGH:1 DELIVERED 200',
        'EMAIL ops@plant.example RESOLVED#1 oven-1:TEMPERATURE_HIGH:1 SENT 250',
        'SMS +4915100000001 RESOLVED#1 oven-1:TEMPERATURE_HIGH:1 SENT 200',
      ].sort(),
    );
    const outbox = await pool.query<{ status: string; count: string }>(
      'SELECT status, count(*) AS count FROM notification_outbox GROUP BY status ORDER BY status',
    );
    expect(outbox.rows).toEqual([
      { status: 'DELIVERED', count: '5' },
      { status: 'SENT', count: '4' },
    ]);
  });

  it('given receivers that refuse for good, when sent, then one FAILED attempt each and no retry', async () => {
    const refusing = await startSmtpReceiver(() => 550);
    try {
      const routes = parseRoutes({
        email: { smtpUrl: refusing.url, from: 'twinstream@plant.example' },
        delivery: { maxAttempts: 5, initialBackoffMs: 1_000, maxBackoffMs: 1_000, timeoutMs: 2_000 },
        routes: [
          {
            id: 'all',
            groupWaitMs: 0,
            contacts: [{ name: 'gone', channel: 'WEBHOOK', url: http.url('/gone') }],
          },
          {
            id: 'mail',
            groupWaitMs: 0,
            contacts: [{ name: 'ops', channel: 'EMAIL', to: 'ops@plant.example' }],
          },
        ],
      });
      answers['/gone'] = [404, 404, 404];
      await givenAlerts(openAlert('oven-9', 'LOW'));
      const n = notifier(routes);
      for (let s = 0; s <= 10; s++) await pollAt(n, T0 + s * S);
      expect(http.hits.filter((h) => h.path === '/gone')).toHaveLength(1);
      const logs = await pool.query<{ notification_type: string; status: string; code: string | null }>(
        `SELECT notification_type, status, coalesce(response_details->>'httpStatus', response_details->>'smtpCode') AS code
           FROM notification_logs ORDER BY notification_type`,
      );
      expect(logs.rows).toEqual([
        { notification_type: 'EMAIL', status: 'FAILED', code: '550' },
        { notification_type: 'WEBHOOK', status: 'FAILED', code: '404' },
      ]);
      const outbox = await pool.query<{ status: string; attempts: number }>(
        'SELECT status, attempts FROM notification_outbox',
      );
      expect(outbox.rows).toEqual([
        { status: 'FAILED', attempts: 1 },
        { status: 'FAILED', attempts: 1 },
      ]);
    } finally {
      await refusing.close();
    }
  });

  it('given two replicas polling at once, when many messages are due, then each is sent exactly once', async () => {
    const machines = Array.from({ length: 24 }, (_, i) => `line-${String(i).padStart(2, '0')}`);
    // One route per machine type, so each alert is its own message (24 outbox rows to share).
    const routes = parseRoutes({
      delivery: { maxAttempts: 3, initialBackoffMs: 1_000, maxBackoffMs: 1_000, timeoutMs: 5_000 },
      routes: machines.map((m) => ({
        id: `route-${m}`,
        match: { machineTypes: [`type-${m}`] },
        groupWaitMs: 0,
        contacts: [{ name: `hook-${m}`, channel: 'WEBHOOK', url: http.url('/slow') }],
      })),
    });
    await givenMachines(Object.fromEntries(machines.map((m) => [m, `type-${m}`])));
    await givenAlerts(...machines.map((m) => openAlert(m, 'HIGH')));
    const a = notifier(routes, 'replica-a', 3);
    const b = notifier(routes, 'replica-b', 3);
    clock = T0;
    await Promise.all([a.poll(), b.poll(), a.poll(), b.poll()]);
    await Promise.all([a.poll(), b.poll()]);

    const keys = http.hits.map((h) => h.idempotencyKey);
    expect(keys).toHaveLength(24);
    expect(new Set(keys).size).toBe(24);
    const owners = await pool.query<{ count: string }>(
      `SELECT count(*) AS count FROM notification_outbox WHERE status = 'DELIVERED' AND attempts = 1`,
    );
    expect(owners.rows[0]!.count).toBe('24');
  });
});
