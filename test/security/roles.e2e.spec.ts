// Least privilege in PostgreSQL: scripts/db/roles.sql creates one owner (the migrator) and one login role per
// service. Proven here on scratch databases: the migrator migrates from empty and owns everything; no service
// role is privileged, runs DDL or touches another service's tables; and the real processor and projector run
// end to end with only their own roles' grants.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeReading } from '../../schemas/sensor-reading-codec.js';
import { migrateDatabases } from '../../src/db/migrate.js';
import { createFleet, generateReadings } from '../../src/simulator/index.js';
import { takeAlertAction } from '../../src/alerts/alert-actions.js';
import { createIsolatedPipeline, type IsolatedPipeline } from '../support/pipeline.js';
import { createScratchDatabase, urlForDatabase, type ScratchDatabase } from '../support/postgres.js';
import { freePort } from '../support/ports.js';

const SCRIPT = new URL('../../scripts/db/roles.sql', import.meta.url).pathname;
// Roles are cluster-wide: a prefix of our own, so parallel runs never share (or drop) each other's roles.
const PREFIX = `twinstream_t${randomBytes(4).toString('hex')}`;
const SERVICES = ['processor', 'projector', 'api', 'notifier', 'jobs'] as const;
type Service = (typeof SERVICES)[number];
type RoleName = Service | 'migrator';
const role = (name: RoleName) => `${PREFIX}_${name}`;
const password = (name: RoleName) => `pw-${name}-${PREFIX}`;

/** `database`'s URL, logged in as one of our roles. */
function urlAs(name: RoleName, database: string): string {
  const url = new URL(urlForDatabase(database));
  url.username = role(name);
  url.password = password(name);
  return url.toString();
}

/** Runs scripts/db/roles.sql with psql, as the server's superuser, the way an operator would. */
function applyRoles(twinDb: string, analyticsDb: string): Promise<{ code: number | null; stderr: string }> {
  const variables = {
    role_prefix: PREFIX,
    twin_db: twinDb,
    analytics_db: analyticsDb,
    ...Object.fromEntries(
      (['migrator', ...SERVICES] as const).map((name) => [`${name}_password`, password(name)]),
    ),
  };
  const args = [urlForDatabase('postgres'), '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', SCRIPT];
  for (const [key, value] of Object.entries(variables)) args.push('-v', `${key}=${value}`);
  return new Promise((resolve, reject) => {
    const child = spawn('psql', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stderr }));
  });
}

async function applyRolesOrFail(twinDb: string, analyticsDb: string): Promise<void> {
  const result = await applyRoles(twinDb, analyticsDb);
  if (result.code !== 0) throw new Error(`roles.sql failed (${result.code}): ${result.stderr}`);
}

/** The error code of running `sql` as `name` on `database` (undefined: it succeeded). */
async function attempt(name: RoleName, database: string, sql: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: urlAs(name, database) });
  try {
    await client.connect();
    await client.query('BEGIN');
    await client.query(sql);
    await client.query('ROLLBACK');
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function asSuperuser<T>(work: (client: pg.Client) => Promise<T>, database = 'postgres'): Promise<T> {
  const client = new pg.Client({ connectionString: urlForDatabase(database) });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const INSUFFICIENT_PRIVILEGE = '42501';
const CLI = new URL('../../src/apps/cli.ts', import.meta.url).pathname;
let pipelineEnv: Record<string, string> = {};

describe('least-privilege database roles (scripts/db/roles.sql)', () => {
  let twin: ScratchDatabase;
  let analytics: ScratchDatabase;

  beforeAll(async () => {
    twin = await createScratchDatabase('twin_sec');
    analytics = await createScratchDatabase('analytics_sec');
    // Before the first migration (creates the roles, hands the empty schemas to the migrator) …
    await applyRolesOrFail(twin.name, analytics.name);
    // … `twin migrate` as the migrator …
    await migrateDatabases({
      twinUrl: urlAs('migrator', twin.name),
      analyticsUrl: urlAs('migrator', analytics.name),
    });
    // … and after it, granting the tables it made.
    await applyRolesOrFail(twin.name, analytics.name);
  }, 120_000);

  afterAll(async () => {
    await Promise.allSettled([twin?.drop(), analytics?.drop()]);
    // dropRoles runs after the pipeline suite (below) has dropped its databases too.
  });

  it('given the script applied, when the roles are listed, then every one logs in and none is superuser or may create databases or roles', async () => {
    const rows = await asSuperuser((client) =>
      client.query<{
        rolname: string;
        rolsuper: boolean;
        rolcreatedb: boolean;
        rolcreaterole: boolean;
        rolcanlogin: boolean;
      }>(
        `SELECT rolname, rolsuper, rolcreatedb, rolcreaterole, rolcanlogin FROM pg_roles WHERE rolname LIKE $1 ORDER BY rolname`,
        [`${PREFIX}\\_%`],
      ),
    );
    expect(rows.rows.map((row) => row.rolname)).toEqual(
      (['api', 'jobs', 'migrator', 'notifier', 'processor', 'projector'] as const).map(role),
    );
    for (const row of rows.rows) {
      expect(row).toMatchObject({
        rolsuper: false,
        rolcreatedb: false,
        rolcreaterole: false,
        rolcanlogin: true,
      });
    }
  });

  it('given a migration run as the migrator, when ownership is checked, then it owns the schema and every table of both databases', async () => {
    for (const database of [twin.name, analytics.name]) {
      const owners = await asSuperuser(
        (client) =>
          client.query<{ owner: string; count: string }>(
            `SELECT pg_get_userbyid(c.relowner) AS owner, count(*) FROM pg_class c
               JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname IN ('public', 'drizzle') AND c.relkind IN ('r', 'S') GROUP BY 1`,
          ),
        database,
      );
      expect(owners.rows.map((row) => row.owner)).toEqual([role('migrator')]);
      expect(Number(owners.rows[0]!.count)).toBeGreaterThan(5);
      const schema = await asSuperuser(
        (client) =>
          client.query<{ owner: string }>(
            `SELECT pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE nspname = 'public'`,
          ),
        database,
      );
      expect(schema.rows[0]!.owner).toBe(role('migrator'));
    }
  });

  it('given any service role, when it runs DDL, then PostgreSQL refuses it', async () => {
    const ddl = [
      'CREATE TABLE intruder (id int)',
      'DROP TABLE machine_configurations',
      'ALTER TABLE machine_configurations ADD COLUMN intruder int',
      'TRUNCATE machine_configurations',
    ];
    const analyticsDdl = [
      'CREATE TABLE intruder (id int)',
      'DROP TABLE alerts',
      'ALTER TABLE alerts ADD COLUMN intruder int',
      'CREATE SCHEMA intruder',
    ];
    for (const service of SERVICES) {
      for (const sql of ddl)
        expect([service, sql, await attempt(service, twin.name, sql)]).toEqual([
          service,
          sql,
          INSUFFICIENT_PRIVILEGE,
        ]);
      for (const sql of analyticsDdl)
        expect([service, sql, await attempt(service, analytics.name, sql)]).toEqual([
          service,
          sql,
          INSUFFICIENT_PRIVILEGE,
        ]);
    }
  });

  it("given each service role, when it writes another service's tables, then it is refused, while its own writes pass", async () => {
    const refused: Array<[RoleName, 'twin' | 'analytics', string]> = [
      ['processor', 'analytics', `INSERT INTO alerts (alert_id) VALUES ('x')`],
      ['processor', 'analytics', `UPDATE machine_twins SET machine_id = machine_id`],
      ['processor', 'twin', `INSERT INTO machine_configurations (machine_type) VALUES ('x')`],
      ['api', 'twin', `DELETE FROM state_snapshots`],
      ['api', 'twin', `UPDATE processor_checkpoints SET next_offset = 0`],
      ['api', 'analytics', `DELETE FROM anomaly_records`],
      ['api', 'analytics', `UPDATE machine_twins SET machine_id = machine_id`],
      ['projector', 'analytics', `DELETE FROM anomaly_records`],
      ['projector', 'analytics', `UPDATE ml_models SET status = status`],
      ['projector', 'twin', `SELECT 1`], // not even a connection to the twin database
      ['notifier', 'analytics', `UPDATE alerts SET alert_id = alert_id`],
      ['notifier', 'analytics', `DELETE FROM anomaly_records`],
      ['notifier', 'twin', `SELECT 1`],
      ['jobs', 'twin', `UPDATE processor_checkpoints SET next_offset = 0`],
      ['jobs', 'analytics', `UPDATE projector_checkpoints SET next_offset = 0`],
    ];
    for (const [name, database, sql] of refused) {
      const code = await attempt(name, database === 'twin' ? twin.name : analytics.name, sql);
      expect([name, sql, code]).toEqual([name, sql, INSUFFICIENT_PRIVILEGE]);
    }
    // The projector cannot write anomaly_history: it cannot reach the twin database at all (checked above);
    // the api cannot write state_snapshots (nor read them).
    expect(await attempt('api', twin.name, 'SELECT * FROM state_snapshots')).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await attempt('api', analytics.name, `DELETE FROM alerts`)).toBe(INSUFFICIENT_PRIVILEGE);
    // Their own writes pass (inside a rolled-back transaction).
    const allowed: Array<[RoleName, 'twin' | 'analytics', string]> = [
      ['processor', 'twin', 'DELETE FROM state_snapshots'],
      ['processor', 'twin', 'UPDATE processor_checkpoints SET next_offset = next_offset'],
      ['api', 'twin', 'SELECT * FROM machine_configurations'],
      ['api', 'analytics', 'SELECT * FROM alert_actions'],
      ['projector', 'analytics', 'TRUNCATE alerts, machine_twins, performance_windows'],
      ['notifier', 'analytics', 'DELETE FROM notification_route_states'],
      ['jobs', 'twin', 'DELETE FROM anomaly_history'],
      ['jobs', 'analytics', 'DELETE FROM maintenance_reports'],
      // `twin train` (src/ml/model-store.ts: a new version, the previous ACTIVE one retired)
      ['jobs', 'analytics', `UPDATE ml_models SET status = 'INACTIVE' WHERE status = 'ACTIVE'`],
    ];
    for (const [name, database, sql] of allowed) {
      const code = await attempt(name, database === 'twin' ? twin.name : analytics.name, sql);
      expect([name, sql, code]).toEqual([name, sql, undefined]);
    }
    // Inserts the privilege check lets through (the empty row then breaks a NOT NULL constraint, 23502).
    expect(await attempt('jobs', analytics.name, 'INSERT INTO ml_models DEFAULT VALUES')).toBe('23502');
    expect(await attempt('processor', analytics.name, 'INSERT INTO ml_models DEFAULT VALUES')).toBe(
      INSUFFICIENT_PRIVILEGE,
    );
  });

  it('given a table the map does not mention, when the script runs again, then it fails naming the table, and it passes again once the table is gone', async () => {
    const intruderUrl = urlAs('migrator', analytics.name);
    const client = new pg.Client({ connectionString: intruderUrl });
    await client.connect();
    try {
      await client.query('CREATE TABLE added_by_a_later_migration (id int)');
      const failed = await applyRoles(twin.name, analytics.name);
      expect(failed.code).not.toBe(0);
      expect(failed.stderr).toContain('added_by_a_later_migration');
      await client.query('DROP TABLE added_by_a_later_migration');
    } finally {
      await client.end();
    }
    await applyRolesOrFail(twin.name, analytics.name); // idempotent: a re-run changes nothing and succeeds
  });
});

describe('the processor and projector running with only their roles (scripts/db/roles.sql)', () => {
  let pipeline: IsolatedPipeline;
  beforeAll(async () => {
    pipeline = await createIsolatedPipeline(2);
    pipelineEnv = pipeline.env;
    // Hands the pipeline's (superuser-migrated) objects to the migrator and applies the grants.
    await applyRolesOrFail(pipeline.twin.name, pipeline.analytics.name);
  }, 120_000);
  afterAll(async () => {
    await pipeline?.dispose();
    await dropRoles();
  });

  it('given 6,000 readings with faults, when the processor and the projector run as their roles, then every anomaly, alert and twin is written as in an uninterrupted run', async () => {
    const readings = generateReadings(
      createFleet({
        machines: 40,
        seed: 5,
        startTime: Date.UTC(2026, 1, 2, 6, 0, 0),
        faultFraction: 0.4,
        faultPeriodMs: 150_000,
      }),
      { count: 6_000 },
    );
    await pipeline.produce(
      readings.map((reading) => ({ key: reading.machineId, value: encodeReading(reading, 'avro') })),
    );
    const processor = await pipeline.startProcessor({
      TWIN_DATABASE_URL: urlAs('processor', pipeline.twin.name),
      ANALYTICS_DATABASE_URL: urlAs('processor', pipeline.analytics.name),
      SNAPSHOT_EVERY_READINGS: '1000',
    });
    await processor.ready();
    await pipeline.waitUntilCaughtUp(120_000);
    processor.kill('SIGTERM');
    expect(await new Promise((resolve) => processor.once('exit', resolve))).toBe(0);

    const expected = await pipeline.expected();
    expect(expected.historyIds.length).toBeGreaterThan(10);
    const history = await pipeline.query<{ event_id: string }>(
      'twin',
      'SELECT event_id FROM anomaly_history',
    );
    expect(history.map((row) => row.event_id).sort()).toEqual(expected.historyIds);
    const records = await pipeline.query<{ event_id: string }>(
      'analytics',
      'SELECT event_id FROM anomaly_records',
    );
    expect(records.map((row) => row.event_id).sort()).toEqual(expected.recordIds);

    // The projector gets the analytics URL only (its role may not even connect to the twin database).
    const projectorEnv = {
      TWIN_DATABASE_URL: urlAs('projector', pipeline.analytics.name),
      ANALYTICS_DATABASE_URL: urlAs('projector', pipeline.analytics.name),
    };
    const projector = await pipeline.startProjector({ ...projectorEnv, ALERT_UNSHELVE_EVERY_MS: '200' });
    await projector.ready();
    await pipeline.waitUntilProjected(120_000);
    // An operator shelves an alert through the api's role (lock, action row, alert and position upserts); the
    // projector's role then records its expiry ('unshelve' by system).
    const [open] = await pipeline.query<{ alert_id: string }>(
      'analytics',
      `SELECT alert_id FROM alerts WHERE status = 'NEW' ORDER BY alert_id LIMIT 1`,
    );
    expect(open).toBeDefined();
    const apiPool = new pg.Pool({ connectionString: urlAs('api', pipeline.analytics.name), max: 1 });
    const at = Date.UTC(2026, 1, 3);
    try {
      const shelved = await takeAlertAction(apiPool, open!.alert_id, {
        action: 'shelve',
        actor: 'ana',
        at,
        note: 'maintenance window',
        until: at + 60_000,
      });
      expect(shelved.ok).toBe(true);
    } finally {
      await apiPool.end();
    }
    const unshelvedBy = async () =>
      pipeline.query<{ actor: string }>(
        'analytics',
        `SELECT actor FROM alert_actions WHERE alert_id = $1 AND action = 'unshelve'`,
        [open!.alert_id],
      );
    for (let attempt = 0; attempt < 300 && (await unshelvedBy()).length === 0; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await unshelvedBy()).toEqual([{ actor: 'system' }]);
    projector.kill('SIGTERM');
    expect(await new Promise((resolve) => projector.once('exit', resolve))).toBe(0);
    const projected = async () => ({
      alerts: await pipeline.query<{ alert_id: string; status: string }>(
        'analytics',
        'SELECT alert_id, status FROM alerts ORDER BY alert_id',
      ),
      twins: await pipeline.query<{ n: string }>('analytics', 'SELECT count(*) AS n FROM machine_twins'),
      windows: await pipeline.query<{ n: string }>(
        'analytics',
        'SELECT count(*) AS n FROM performance_windows',
      ),
    });
    const first = await projected();
    expect(first.alerts.length).toBeGreaterThan(0);
    expect(Number(first.twins[0]!.n)).toBe(40);
    expect(Number(first.windows[0]!.n)).toBeGreaterThan(0);

    // `twin projector --rebuild` truncates with RESTART IDENTITY, which PostgreSQL allows only to the owner of
    // the id sequences: the rebuild is a maintenance run with the migrator's URL, and rebuilds the same rows.
    const rebuilt = await pipeline.startProjector(
      {
        TWIN_DATABASE_URL: urlAs('migrator', pipeline.analytics.name),
        ANALYTICS_DATABASE_URL: urlAs('migrator', pipeline.analytics.name),
      },
      ['--rebuild'],
    );
    await rebuilt.ready();
    await pipeline.waitUntilProjected(120_000);
    rebuilt.kill('SIGTERM');
    expect(await new Promise((resolve) => rebuilt.once('exit', resolve))).toBe(0);
    expect(await projected()).toEqual(first);
  });

  it('given the api, notifier and jobs roles, when `twin api`, `twin notifier`, `twin report` and `twin retention` run with them, then each does its work without a permission error', async () => {
    const as = (name: RoleName) => ({
      TWIN_DATABASE_URL: urlAs(name, pipeline.twin.name),
      ANALYTICS_DATABASE_URL: urlAs(name, pipeline.analytics.name),
    });
    const folder = await mkdtemp(join(tmpdir(), 'twin-roles-'));
    const hook = createServer((request, response) => {
      request.resume();
      request.once('end', () => response.writeHead(200).end('{}'));
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    const hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    try {
      // twin api: reads, an operator action and a new machine configuration version.
      const apiPort = await freePort();
      const api = await startCli(['api'], { ...as('api'), API_PORT: String(apiPort), API_HOST: '127.0.0.1' });
      try {
        await api.ready();
        const get = (path: string) => fetch(`http://127.0.0.1:${apiPort}${path}`);
        const machines = await get('/machines');
        expect(machines.status).toBe(200);
        expect((await get('/alerts')).status).toBe(200);
        const [machine] = await pipeline.query<{ machine_id: string; machine_type: string }>(
          'analytics',
          'SELECT machine_id, machine_type FROM machine_twins ORDER BY machine_id LIMIT 1',
        );
        expect((await get(`/machines/${machine!.machine_id}`)).status).toBe(200);
        expect((await get(`/machines/${machine!.machine_id}/anomalies`)).status).toBe(200);
        const config = await get(`/machine-types/${machine!.machine_type}/config`);
        expect(config.status).toBe(200);
        const current = (await config.json()) as Record<string, unknown>;
        const put = await fetch(`http://127.0.0.1:${apiPort}/machine-types/${machine!.machine_type}/config`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            baseline_temp: current.baseline_temp,
            temp_variation: current.temp_variation,
            baseline_vibration: current.baseline_vibration,
            vibration_variation: current.vibration_variation,
            operational_pattern: current.operational_pattern,
            thresholds: current.thresholds,
          }),
        });
        expect([put.status, await put.text()]).toEqual([200, expect.any(String)]);
      } finally {
        await api.stop();
      }
      expect(api.stderr()).not.toMatch(/permission denied/i);

      // twin notifier: watches the alerts, queues, sends and logs one webhook per open alert group.
      const routesFile = join(folder, 'routes.json');
      await writeFile(
        routesFile,
        JSON.stringify({
          delivery: { maxAttempts: 2, initialBackoffMs: 100, maxBackoffMs: 200, timeoutMs: 2_000 },
          routes: [
            {
              id: 'all',
              match: {},
              groupWaitMs: 0,
              contacts: [{ name: 'hook', channel: 'WEBHOOK', url: hookUrl }],
            },
          ],
        }),
      );
      const notifier = await startCli(['notifier'], {
        ...as('notifier'),
        NOTIFY_ROUTES_FILE: routesFile,
        NOTIFIER_POLL_MS: '200',
      });
      try {
        await notifier.ready();
        const logged = async () =>
          Number(
            (
              await pipeline.query<{ n: string }>('analytics', 'SELECT count(*) AS n FROM notification_logs')
            )[0]!.n,
          );
        for (let attempt = 0; attempt < 300 && (await logged()) === 0; attempt++) {
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        expect(await logged()).toBeGreaterThan(0);
      } finally {
        await notifier.stop();
      }
      expect(notifier.stderr()).not.toMatch(/permission denied/i);

      // The jobs role: a report and a retention run that archives and deletes (the data is months old).
      const report = await runCli(
        ['report', '--type', 'DAILY', '--at', '2026-02-02', '--out', folder],
        as('jobs'),
      );
      expect(report.code).toBe(0);
      expect(report.stderr).not.toMatch(/permission denied/i);
      expect(await pipeline.query('analytics', 'SELECT 1 FROM maintenance_reports')).toHaveLength(1);
      const retention = await runCli(['retention'], as('jobs'));
      expect(retention.code).toBe(0);
      expect(retention.stderr).not.toMatch(/permission denied|failed/i);
      expect((await pipeline.query('twin', 'SELECT 1 FROM anomaly_history_archive')).length).toBeGreaterThan(
        0,
      );
    } finally {
      await new Promise((resolve) => hook.close(resolve));
      await rm(folder, { recursive: true, force: true });
    }
  });
});

/** `twin <command>` with the pipeline's topics and `env` on top; a long-running one, stopped with SIGTERM. */
async function startCli(command: string[], env: Record<string, string>) {
  const port = await freePort();
  let stderr = '';
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...command], {
    env: {
      ...process.env,
      ...pipelineEnv,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(port),
      NOTIFIER_HTTP_PORT: String(port),
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return {
    stderr: () => stderr,
    async ready() {
      for (let attempt = 0; attempt < 300; attempt++) {
        if (child.exitCode !== null)
          throw new Error(`twin ${command[0]} exited with ${child.exitCode}: ${stderr}`);
        const status = await fetch(`http://127.0.0.1:${port}/readyz`).then(
          (response) => response.status,
          () => 0,
        );
        if (status === 200) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`twin ${command[0]} not ready after 30 s: ${stderr}`);
    },
    async stop() {
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    },
  };
}

/** A one-shot `twin <command>`: its exit code and what it wrote (stdout and stderr). */
function runCli(
  command: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...command], {
      env: { ...process.env, ...pipelineEnv, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stderr }));
  });
}

async function dropRoles(): Promise<void> {
  await asSuperuser(async (client) => {
    for (const name of ['migrator', ...SERVICES] as const) {
      await client.query(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(role(name))}`);
    }
  });
}
