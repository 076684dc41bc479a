// Loss of signal on the arrival clock, with real `twin` processes: a machine alone on an otherwise idle partition
// stops reporting, and then every gateway does. Nothing else arrives, yet within staleAfter + 10 s of wall-clock
// time each silent machine has its STALE_DATA row, its alert and its notification, because the processor writes
// clock ticks to its quiet partitions and folds them like any message. When a machine reports again, it clears.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeReading } from '../../schemas/sensor-reading-codec.js';
import type { SensorReading } from '../../processors/readings/reading.js';
import { MIN_SILENCE_MS } from '../../processors/threshold-detection/index.js';
import { insertConfiguration } from '../db/repositories/machine-configurations.js';
import { createIsolatedPipeline, type IsolatedPipeline } from '../../test/support/pipeline.js';
import { freePort } from '../../test/support/ports.js';
import { startHttpReceiver, type HttpReceiver } from '../../test/support/receivers.js';

const CLI = new URL('./cli.ts', import.meta.url).pathname;
const STALE_AFTER_MS = 15_000;
const WITHIN_MS = STALE_AFTER_MS + 10_000;

/** test_lathe: loss of signal after STALE_AFTER_MS, or sooner after 20 missed readings (the default). */
async function insertLatheConfig(twinPool: pg.Pool): Promise<void> {
  await insertConfiguration(
    twinPool,
    'test_lathe',
    {
      baselineTemp: null,
      tempVariation: null,
      baselineVibration: null,
      vibrationVariation: null,
      operationalPattern: 'CONTINUOUS',
      thresholds: { staleData: { afterMs: STALE_AFTER_MS, severity: 'HIGH' } },
    },
    Date.now(),
  );
}

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('loss of signal, judged on the arrival clock', () => {
  let pipeline: IsolatedPipeline;
  let twinPool: pg.Pool;
  let analytics: pg.Pool;
  let http: HttpReceiver;
  let folder: string;
  const children = new Set<ChildProcess>();
  const seq = new Map<string, number>();

  /** A live reading of the machine, stamped now, to an explicit partition. */
  const send = (machineId: string, partition: number) => {
    const n = seq.get(machineId) ?? 0;
    seq.set(machineId, n + 1);
    const reading: SensorReading = {
      machineId,
      machineType: 'test_lathe',
      timestamp: Date.now(),
      temperature: 40,
      vibration: 1,
      load: 50,
      status: 'RUNNING',
      seq: n,
    };
    return { key: machineId, value: encodeReading(reading, 'json'), partition };
  };
  /** Each machine reports every 500 ms for `ms`. */
  const report = async (machines: ReadonlyArray<[string, number]>, ms: number) => {
    for (let elapsed = 0; elapsed < ms; elapsed += 500) {
      await pipeline.produce(machines.map(([id, partition]) => send(id, partition)));
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  };
  const staleRowsOf = (machineId: string, anomalyType = 'STALE_DATA') =>
    pipeline.query<{ transition: string; at: number }>(
      'twin',
      `SELECT details->>'transition' AS transition, (EXTRACT(EPOCH FROM timestamp) * 1000)::float8 AS at
         FROM anomaly_history
        WHERE machine_id = $1 AND anomaly_type = $2 ORDER BY timestamp, event_id`,
      [machineId, anomalyType],
    );
  const staleRows = (machineId: string) => staleRowsOf(machineId);
  const opened = async (machineId: string) => {
    const rows = await staleRows(machineId);
    return rows.some((row) => row.transition === 'ANOMALY_OPENED') ? true : undefined;
  };
  const alertOf = async (machineId: string) => {
    const rows = await analytics.query<{ status: string }>(
      `SELECT status FROM alerts WHERE machine_id = $1 AND alert_type = 'STALE_DATA'`,
      [machineId],
    );
    return rows.rows[0]?.status;
  };
  /** PARTITION_SILENT rows opened for the readings topic's partition. */
  const partitionOpens = async (partition: number) =>
    (await staleRowsOf(`${pipeline.topics.readings}:${partition}`, 'PARTITION_SILENT')).filter(
      (row) => row.transition === 'ANOMALY_OPENED',
    ).length;
  const hitsFor = (machineId: string) =>
    http.hits.filter((hit) => JSON.stringify(hit.body).includes(machineId)).length;
  const notified = (machineId: string) => (hitsFor(machineId) > 0 ? true : undefined);

  beforeAll(async () => {
    pipeline = await createIsolatedPipeline(2);
    twinPool = new pg.Pool({ connectionString: pipeline.twin.url, max: 2 });
    analytics = new pg.Pool({ connectionString: pipeline.analytics.url, max: 2 });
    http = await startHttpReceiver(() => 200);
    folder = await mkdtemp(join(tmpdir(), 'twin-silence-'));
    await insertLatheConfig(twinPool);
    const routesFile = join(folder, 'routes.json');
    await writeFile(
      routesFile,
      JSON.stringify({
        routes: [
          {
            id: 'silence',
            match: { alertTypes: ['STALE_DATA'] },
            groupWaitMs: 0,
            contacts: [{ name: 'ops-hook', channel: 'WEBHOOK', url: http.url('/ops') }],
          },
        ],
      }),
    );
    const processor = await pipeline.startProcessor({
      CLOCK_TICK_MS: '1000',
      CONFIG_REFRESH_MS: '500',
      PARTITION_SILENT_AFTER_MS: String(STALE_AFTER_MS),
    });
    const projector = await pipeline.startProjector();
    const notifier = spawn(process.execPath, ['--import', 'tsx', CLI, 'notifier'], {
      env: {
        ...process.env,
        ...pipeline.env,
        HTTP_HOST: '127.0.0.1',
        NOTIFIER_HTTP_PORT: String(await freePort()),
        NOTIFY_ROUTES_FILE: routesFile,
        NOTIFIER_POLL_MS: '200',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.add(notifier);
    await Promise.all([processor.ready(), projector.ready()]);
  });
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await Promise.all([twinPool.end(), analytics.end(), http.close()]);
    await rm(folder, { recursive: true, force: true });
    await pipeline.dispose();
  });

  it('given a machine alone on its partition, when it stops while the others go on, then its STALE_DATA row, alert and notification come within staleAfter + 10 s, and it clears when it reports again', async () => {
    await report(
      [
        ['lathe-alone', 0],
        ['lathe-b', 1],
        ['lathe-c', 1],
      ],
      3_000,
    );
    const stoppedAt = Date.now();
    // lathe-alone's partition now sees nothing but clock ticks; the other partition keeps its readings.
    const others = report(
      [
        ['lathe-b', 1],
        ['lathe-c', 1],
      ],
      STALE_AFTER_MS + 4_000,
    );
    await waitFor(() => opened('lathe-alone'), 'lathe-alone STALE_DATA opened', WITHIN_MS);
    const alert = await waitFor(() => alertOf('lathe-alone'), 'its alert', WITHIN_MS);
    await waitFor(() => Promise.resolve(notified('lathe-alone')), 'its notification', WITHIN_MS);
    expect(Date.now() - stoppedAt).toBeLessThan(WITHIN_MS);
    expect(alert).toBe('NEW');
    await others;
    expect(await opened('lathe-b')).toBeUndefined();
    expect(await opened('lathe-c')).toBeUndefined();
    // Its partition carried nothing but clock ticks: the partition itself is flagged; the other one is not.
    expect(await partitionOpens(0)).toBe(1);
    expect(await partitionOpens(1)).toBe(0);

    const [row] = (await staleRows('lathe-alone')).filter((r) => r.transition === 'ANOMALY_OPENED');
    // Opened on the arrival clock, after 20 of its 500 ms intervals (never under 10 s), not at a gateway's time.
    expect(row!.at - stoppedAt).toBeGreaterThanOrEqual(MIN_SILENCE_MS - 1_000);
    expect(row!.at - stoppedAt).toBeLessThan(WITHIN_MS);

    await report([['lathe-alone', 0]], 1_000);
    await waitFor(
      async () =>
        (await staleRows('lathe-alone')).some((r) => r.transition === 'ANOMALY_CLEARED') ? true : undefined,
      'lathe-alone STALE_DATA cleared',
      15_000,
    );
  });

  it('given every gateway stopped, when nothing at all arrives, then every machine gets its STALE_DATA row within staleAfter + 10 s', async () => {
    await report(
      [
        ['lathe-x', 0],
        ['lathe-y', 1],
        ['lathe-z', 1],
      ],
      2_000,
    );
    const stoppedAt = Date.now();
    const machines = ['lathe-x', 'lathe-y', 'lathe-z'];
    const opens = async (machineId: string) =>
      (await staleRows(machineId)).filter((r) => r.transition === 'ANOMALY_OPENED').length;
    const before = await Promise.all(machines.map(opens));
    const hitsBefore = machines.map(hitsFor);
    const partitionsBefore = await Promise.all([partitionOpens(0), partitionOpens(1)]);
    await waitFor(
      async () => {
        const now = await Promise.all(machines.map(opens));
        return now.every((count, i) => count > before[i]!) ? true : undefined;
      },
      'every machine STALE_DATA opened',
      WITHIN_MS,
    );
    expect(Date.now() - stoppedAt).toBeLessThan(WITHIN_MS);
    // Both partitions fell silent as wholes too.
    await waitFor(
      async () =>
        (await partitionOpens(0)) > partitionsBefore[0] && (await partitionOpens(1)) > partitionsBefore[1]
          ? true
          : undefined,
      'both partitions PARTITION_SILENT',
      WITHIN_MS,
    );
    for (const [i, machineId] of machines.entries()) {
      await waitFor(
        () => Promise.resolve(hitsFor(machineId) > hitsBefore[i]! ? true : undefined),
        `${machineId}'s notification`,
        10_000,
      );
      expect(await alertOf(machineId)).toBeDefined();
    }
  });
});

describe('loss of signal under kill -9', () => {
  let pipeline: IsolatedPipeline;
  let twinPool: pg.Pool;
  beforeAll(async () => {
    pipeline = await createIsolatedPipeline(2);
    twinPool = new pg.Pool({ connectionString: pipeline.twin.url, max: 2 });
    await insertLatheConfig(twinPool);
  });
  afterAll(async () => {
    await twinPool.end();
    await pipeline.dispose();
  });

  it('given machines falling silent, when the processor is killed -9 while it writes clock ticks and restarted, then the STALE_DATA rows are exactly those of the log: none lost, none twice', async () => {
    const machines = ['lathe-1', 'lathe-2', 'lathe-3', 'lathe-4'];
    for (let i = 0; i < 6; i++) {
      await pipeline.produce(
        machines.map((machineId, m) => ({
          key: machineId,
          value: encodeReading(
            {
              machineId,
              machineType: 'test_lathe',
              timestamp: Date.now(),
              temperature: 40,
              vibration: 1,
              load: 50,
              status: 'RUNNING',
              seq: i,
            },
            'json',
          ),
          partition: m % 2,
        })),
      );
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    // Snapshots every second, so the kills land between them and recovery replays ticks already folded.
    const env = { CLOCK_TICK_MS: '500', SNAPSHOT_EVERY_MS: '1000' };
    const staleOpened = async () =>
      Number(
        (
          await pipeline.query<{ n: string }>(
            'twin',
            `SELECT count(*) AS n FROM anomaly_history
              WHERE anomaly_type = 'STALE_DATA' AND details->>'transition' = 'ANOMALY_OPENED'`,
          )
        )[0]!.n,
      );
    for (const waitMs of [4_000, 6_000]) {
      const child = await pipeline.startProcessor(env);
      await child.ready();
      await new Promise((resolve) => setTimeout(resolve, waitMs + Math.random() * 2_000));
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    const last = await pipeline.startProcessor(env);
    await last.ready();
    await waitFor(
      async () => ((await staleOpened()) >= machines.length ? true : undefined),
      'every machine silent',
      // A member killed with -9 keeps its partitions until the group's session timeout (45 s) evicts it.
      120_000,
    );
    last.kill('SIGTERM');
    expect(await new Promise((resolve) => last.once('exit', resolve))).toBe(0);

    const expected = await pipeline.expected();
    const history = await pipeline.query<{ event_id: string }>(
      'twin',
      'SELECT event_id FROM anomaly_history',
    );
    expect(history.map((row) => row.event_id).sort()).toEqual(expected.historyIds);
    expect(await staleOpened()).toBe(machines.length); // once each, across three processes
  });
});
