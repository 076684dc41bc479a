// `npm run demo`, after the stack is up and migrated: the twin processor, the projector, the query API, the
// notifier (sending to a webhook receiver in this script) and a simulated fleet of a few hundred machines with
// injected faults, and a live summary every two seconds. After the backfill, `twin train` fits the ML models and
// the running processor picks them up. Ctrl-C stops them all cleanly.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import pg from 'pg';
import { SERVICE_NODE_FLAGS } from '../../src/apps/node-flags.js';
import { loadConfig } from '../../src/config.js';
import { utcConnection } from '../../src/db/pool.js';

const MACHINES = 300;
const RATE = 3_000;
const BACKFILL_SECONDS = 1_800;
const METRICS_PORT = 9464;
const PROJECTOR_METRICS_PORT = 9465;
const API_METRICS_PORT = 9466;
const API_PORT = 8080;
const NOTIFIER_METRICS_PORT = 9467;
const WEBHOOK_PORT = 8090;
const config = loadConfig();
const cli = new URL('../../src/apps/cli.ts', import.meta.url).pathname;
// Children get their own process group so Ctrl-C reaches only the demo, which stops them in order.
const twin = (args: string[], stderr: 'inherit' | 'ignore', env: Record<string, string> = {}): ChildProcess =>
  spawn(process.execPath, [...SERVICE_NODE_FLAGS, '--import', 'tsx', cli, ...args], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', stderr],
    detached: true,
  });

// A stand-in for the plant's webhooks: it counts what the notifier sends, by contact.
const received = { total: 0, byContact: new Map<string, number>(), last: '' };
const webhook = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk: Buffer) => (body += chunk.toString()));
  request.on('end', () => {
    try {
      const message = JSON.parse(body) as { subject?: string; text?: string };
      received.total += 1;
      const contact = (request.url ?? '/').slice(1);
      received.byContact.set(contact, (received.byContact.get(contact) ?? 0) + 1);
      received.last = message.subject ?? message.text ?? '';
    } catch {
      // Not ours; the notifier only sends JSON.
    }
    response.writeHead(200).end();
  });
}).listen(WEBHOOK_PORT, '127.0.0.1');
mkdirSync('.stack', { recursive: true });
const routesFile = '.stack/demo-notification-routes.json';
writeFileSync(
  routesFile,
  JSON.stringify({
    routes: [
      {
        id: 'demo-on-call',
        match: { minSeverity: 'HIGH' },
        groupWaitMs: 5_000,
        repeatIntervalMs: 600_000,
        escalateAfterMs: 120_000,
        contacts: [
          {
            name: 'on-call',
            channel: 'WEBHOOK',
            format: 'generic',
            url: `http://127.0.0.1:${WEBHOOK_PORT}/on-call`,
          },
          {
            name: 'shift-lead',
            channel: 'WEBHOOK',
            format: 'slack',
            url: `http://127.0.0.1:${WEBHOOK_PORT}/lead`,
          },
        ],
      },
    ],
  }),
);

const processor = twin(['processor'], 'inherit', { HTTP_PORT: String(METRICS_PORT) });
const projector = twin(['projector'], 'inherit', { HTTP_PORT: String(PROJECTOR_METRICS_PORT) });
const api = twin(['api'], 'inherit', { HTTP_PORT: String(API_METRICS_PORT), API_PORT: String(API_PORT) });
const notifier = twin(['notifier'], 'inherit', {
  HTTP_PORT: String(NOTIFIER_METRICS_PORT),
  NOTIFY_ROUTES_FILE: routesFile,
});
// First the last half hour of the fleet's history as a backfill (one reading per machine per second, faults
// included), so anomalies show within seconds; then the fleet live. The simulators' own progress lines would
// interleave with the summary, which shows the rate anyway.
const seed = String(Date.now() % 100_000);
let simulator = twin(
  [
    'simulate',
    ...[
      '--machines',
      String(MACHINES),
      '--rate',
      String(MACHINES),
      '--count',
      String(MACHINES * BACKFILL_SECONDS),
    ],
    ...['--fault-fraction', '0.2', '--seed', seed],
  ],
  'ignore',
);
const goLive = () =>
  twin(
    [
      'simulate',
      ...['--machines', String(MACHINES), '--rate', String(RATE), '--duration', '0'],
      ...['--fault-fraction', '0.1', '--seed', seed],
    ],
    'ignore',
  );
const twinDb = new pg.Pool({ ...utcConnection(config.databases.twinUrl), max: 1 });
const analyticsDb = new pg.Pool({ ...utcConnection(config.databases.analyticsUrl), max: 1 });

/** Sums of the processor's metrics by name and label set, from its /metrics text. */
async function scrape(): Promise<Map<string, number>> {
  const text = await fetch(`http://127.0.0.1:${METRICS_PORT}/metrics`).then((response) => response.text());
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^(twin_[a-z_]+)(\{[^}]*\})? ([0-9.e+-]+)$/.exec(line);
    if (!match) continue;
    const [, name = '', labels = '', value = '0'] = match;
    values.set(name, (values.get(name) ?? 0) + Number(value));
    values.set(`${name}${labels}`, Number(value));
  }
  return values;
}

let previous = { at: Date.now(), readings: 0 };
async function summary(): Promise<string> {
  const metrics = await scrape();
  const readings = metrics.get('twin_readings_total') ?? 0;
  const now = Date.now();
  const rate = ((readings - previous.readings) * 1000) / Math.max(1, now - previous.at);
  previous = { at: now, readings };
  const open = await twinDb.query<{ anomaly_type: string; severity: string; n: string }>(
    `SELECT anomaly_type, severity, count(*) AS n FROM anomaly_history
      WHERE details->>'transition' = 'ANOMALY_OPENED' GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 6`,
  );
  const anomalies =
    open.rows.map((row) => `${row.anomaly_type}/${row.severity} ${row.n}`).join(', ') || 'none yet';
  const projected = await analyticsDb.query<{ open: string; flapping: string; windows: string }>(
    `SELECT (SELECT count(*) FROM alerts WHERE status <> 'RESOLVED') AS open,
            (SELECT count(*) FROM alerts WHERE (details->>'flapping')::boolean) AS flapping,
            (SELECT count(*) FROM performance_metrics) AS windows`,
  );
  const row = projected.rows[0];
  const contacts = [...received.byContact].map(([contact, n]) => `${contact} ${n}`).join(', ');
  const models = await analyticsDb.query<{ live: string }>(
    `SELECT string_agg(machine_type || ' ' || model_version, ', ' ORDER BY machine_type) AS live
       FROM ml_models WHERE status = 'ACTIVE'`,
  );
  return (
    `${new Date().toISOString().slice(11, 19)}  ${Math.round(rate)} readings/s  ` +
    `lag ${metrics.get('twin_consumer_lag_messages') ?? 0}  ` +
    `dead letters ${metrics.get('twin_dead_letters_total') ?? 0}  anomalies opened: ${anomalies}\n` +
    `          alerts open ${row?.open ?? 0} (flapping ${row?.flapping ?? 0})  ` +
    `performance_metrics rows ${row?.windows ?? 0}  ML models ${models.rows[0]?.live ?? 'none yet'}\n` +
    `          notifications received ${received.total}${contacts ? ` (${contacts})` : ''}` +
    `${received.last ? `  last: ${received.last.slice(0, 80)}` : ''}`
  );
}

console.log(
  `Twinstream demo: ${MACHINES} machines; query API on http://127.0.0.1:${API_PORT} (try /alerts, /machines). ` +
    `First their last ${BACKFILL_SECONDS / 60} minutes as a backfill, ` +
    `then live at ${RATE} readings/s; faults injected. Ctrl-C to stop.\n`,
);
const timer = setInterval(() => {
  summary().then(
    (line) => console.log(line),
    () => console.log('(processor starting…)'),
  );
}, 2_000);

let stopping = false;
let train: ChildProcess | undefined;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  clearInterval(timer);
  const exited = (child: ChildProcess) =>
    child.exitCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', resolve));
  train?.kill('SIGTERM');
  simulator.kill('SIGTERM');
  await exited(simulator);
  for (const child of [processor, projector, api, notifier]) child.kill('SIGTERM');
  await Promise.all([exited(processor), exited(projector), exited(api), exited(notifier)]);
  webhook.close();
  await Promise.all([twinDb.end(), analyticsDb.end()]);
  console.log(`
Stopped. Where to look next (the stack is still up; \`npm run stack:down\` stops it):
  psql ${config.databases.twinUrl} -c 'SELECT machine_id, anomaly_type, severity, timestamp FROM anomaly_history ORDER BY id DESC LIMIT 20'
  psql ${config.databases.analyticsUrl} -c 'SELECT anomaly_type, severity, count(*) FROM anomaly_records GROUP BY 1, 2'
  psql ${config.databases.analyticsUrl} -c "SELECT alert_id, status, severity, details->'repeatCount' FROM alerts ORDER BY updated_at DESC LIMIT 20"
  psql ${config.databases.analyticsUrl} -c 'SELECT notification_type, status, subject FROM notification_logs ORDER BY id DESC LIMIT 20'
  npm run twin -- api   then   curl -s 'localhost:${API_PORT}/alerts?status=NEW'   (OpenAPI: localhost:${API_PORT}/openapi.json)
  npm run twin -- report --type DAILY --at $(date -u -d tomorrow +%F)   (today so far; HTML in reports/)
  npm run twin -- retention --dry-run`);
  process.exit(0);
}
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
const watch = (child: ChildProcess, onSuccess?: () => void) =>
  child.once('exit', (code) => {
    if (stopping) return;
    if (code === 0 && onSuccess) return onSuccess();
    console.error(`a demo process exited unexpectedly (code ${code}); stopping`);
    void stop();
  });
watch(processor);
watch(projector);
watch(api);
watch(notifier);
watch(simulator, () => {
  console.log('backfill sent; the fleet is live now; training the ML models on the backfill…');
  simulator = goLive();
  watch(simulator);
  // Trained on the backfill just sent; the running processor hot-swaps the models in within CONFIG_REFRESH_MS.
  const from = new Date(Date.now() - (BACKFILL_SECONDS + 600) * 1000).toISOString();
  train = twin(['train', '--all', '--from', from], 'inherit');
  train.once('exit', (code) => {
    if (!stopping)
      console.log(code === 0 ? 'ML models trained and live' : `twin train failed (code ${code})`);
  });
});
