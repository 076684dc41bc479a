// One wrong gateway clock must not disturb its partition: per-machine event time, with real `twin` processes.
// Three machines share a partition. Run A has them alone; run B adds a gateway whose clock runs 50 minutes ahead
// (payload and Kafka timestamp) and another 2 hours behind, reporting live. The three machines' anomaly rows and
// performance metrics are identical in both runs, and the two skewed machines are flagged CLOCK_SKEW.
import { afterAll, describe, expect, it } from 'vitest';
import { encodeReading } from '../../schemas/sensor-reading-codec.js';
import type { SensorReading } from '../../processors/readings/reading.js';
import { createIsolatedPipeline, type IsolatedPipeline } from '../../test/support/pipeline.js';

const T0 = Date.UTC(2026, 4, 4, 8, 0, 0);
const OTHERS = ['press-1', 'press-2', 'press-3'];
const SKEW_ENV = { CLOCK_SKEW_BEHIND_MS: '60000', CLOCK_SKEW_CONFIRM_MS: '4000' };

/** 240 s of the three machines at 1 s; press-2 overheats (default config: MEDIUM above 80 °C) from 60 s to 160 s. */
function others(): SensorReading[] {
  const readings: SensorReading[] = [];
  for (let s = 0; s < 240; s++) {
    for (const machineId of OTHERS) {
      const hot = machineId === 'press-2' && s >= 60 && s < 160;
      readings.push({
        machineId,
        machineType: 'test_press',
        timestamp: T0 + s * 1_000,
        temperature: hot ? 92 : 55 + (s % 7) * 0.5,
        vibration: 2,
        load: 40 + (s % 5),
        status: 'RUNNING',
        seq: s,
      });
    }
  }
  return readings;
}

const live = (machineId: string, seq: number, offsetMs: number): SensorReading => ({
  machineId,
  machineType: 'test_press',
  timestamp: Date.now() + offsetMs,
  temperature: 50,
  vibration: 2,
  load: 40,
  status: 'RUNNING',
  seq,
});

interface RunResult {
  rows: unknown[];
  metrics: unknown[];
  skew: Array<{ machine_id: string; transition: string; offset: number }>;
}

async function run(pipeline: IsolatedPipeline, withSkewed: boolean): Promise<RunResult> {
  const processor = await pipeline.startProcessor(SKEW_ENV);
  const projector = await pipeline.startProjector();
  await Promise.all([processor.ready(), projector.ready()]);
  await pipeline.produce(others().map((r) => ({ key: r.machineId, value: encodeReading(r, 'json') })));
  if (withSkewed) {
    // Live, every 500 ms for 7 s: one gateway 50 minutes ahead (its Kafka timestamp too), one 2 hours behind.
    for (let i = 0; i < 14; i++) {
      const ahead = live('press-ahead', i, 50 * 60_000);
      const behind = live('press-behind', i, -2 * 3_600_000);
      await pipeline.produce([
        { key: ahead.machineId, value: encodeReading(ahead, 'avro'), timestamp: ahead.timestamp },
        { key: behind.machineId, value: encodeReading(behind, 'json'), timestamp: behind.timestamp },
      ]);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  await pipeline.waitUntilCaughtUp(60_000);
  await pipeline.waitUntilProjected(60_000);
  // Loss of signal is on the arrival clock, which differs between two runs by construction: compared apart.
  const rows = await pipeline.query(
    'twin',
    `SELECT machine_id, anomaly_type, severity, timestamp, sensor_data, calculated_metrics,
            details - 'source' AS details
       FROM anomaly_history
      WHERE machine_id = ANY($1) AND anomaly_type <> 'STALE_DATA'
      ORDER BY machine_id, timestamp, anomaly_type, details->>'transition'`,
    [OTHERS],
  );
  const metrics = await pipeline.query(
    'analytics',
    `SELECT machine_id, resolution, window_start, calculation_time, uptime_percentage, efficiency_rating,
            average_temperature, average_vibration, average_load, anomaly_count
       FROM performance_metrics WHERE machine_id = ANY($1) AND window_start < $2
      ORDER BY machine_id, resolution, window_start`,
    // The day of their readings (a loss-of-signal anomaly counts in today's window, on the arrival clock).
    [OTHERS, new Date(T0 + 86_400_000)],
  );
  const skew = await pipeline.query<{ machine_id: string; transition: string; offset: number }>(
    'twin',
    `SELECT machine_id, details->>'transition' AS transition,
            (calculated_metrics->>'offsetMs')::float8 AS offset
       FROM anomaly_history WHERE anomaly_type = 'CLOCK_SKEW' ORDER BY machine_id, timestamp`,
  );
  processor.kill('SIGTERM');
  projector.kill('SIGTERM');
  return { rows, metrics, skew };
}

describe('a wrong gateway clock on a shared partition', () => {
  const pipelines: IsolatedPipeline[] = [];
  afterAll(async () => {
    await Promise.all(pipelines.map((pipeline) => pipeline.dispose()));
  });

  it('given a gateway 50 minutes ahead and another 2 hours behind beside three machines, then those three have the rows and metrics of a run without them, and the two are flagged CLOCK_SKEW', async () => {
    const alone = await createIsolatedPipeline(1);
    pipelines.push(alone);
    const a = await run(alone, false);
    const shared = await createIsolatedPipeline(1);
    pipelines.push(shared);
    const b = await run(shared, true);

    expect(a.rows.length).toBeGreaterThan(0); // press-2's overheating really opened and cleared
    expect(b.rows).toEqual(a.rows);
    expect(a.metrics.length).toBeGreaterThan(0);
    expect(b.metrics).toEqual(a.metrics);
    expect(a.skew).toEqual([]);
    const opened = b.skew.filter((row) => row.transition === 'ANOMALY_OPENED');
    expect(opened.map((row) => row.machine_id)).toEqual(['press-ahead', 'press-behind']);
    expect(opened[0]!.offset).toBeGreaterThan(49 * 60_000);
    expect(opened[1]!.offset).toBeLessThan(-119 * 60_000);
  });
});
