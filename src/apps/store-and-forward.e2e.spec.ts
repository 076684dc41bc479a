// Store-and-forward with real `twin` processes: a gateway loses its uplink, buffers two hours of readings and sends
// them in a burst when it is back. Against a run where the same readings arrive without the gap, its anomaly rows
// and performance metrics are the same; the only difference is its loss of signal on the arrival clock, which
// resolves with the true silence and the age of the backlog in its details.
import { afterAll, describe, expect, it } from 'vitest';
import { encodeReading } from '../../schemas/sensor-reading-codec.js';
import type { SensorReading } from '../../processors/readings/reading.js';
import { createIsolatedPipeline, type IsolatedPipeline } from '../../test/support/pipeline.js';

const T0 = Date.UTC(2026, 5, 1, 6, 0, 0);
const HOUR = 3_600_000;
const OUTAGE_FROM = T0 + HOUR;

/** Three hours of two pumps at 1 s; pump-a runs hot for 5 minutes half an hour into what will be its outage. */
function history(): SensorReading[] {
  const out: SensorReading[] = [];
  for (let s = 0; s < 3 * 3_600; s++) {
    for (const machineId of ['pump-a', 'pump-b']) {
      const hot = machineId === 'pump-a' && s >= 5_400 && s < 5_700;
      out.push({
        machineId,
        machineType: 'pump',
        timestamp: T0 + s * 1_000,
        temperature: hot ? 95 : 60 + (s % 5) * 0.2,
        vibration: 2,
        load: 70,
        status: 'RUNNING',
        seq: s,
      });
    }
  }
  return out;
}

const message = (reading: SensorReading) => ({
  key: reading.machineId,
  value: encodeReading(reading, 'avro'),
});

async function run(pipeline: IsolatedPipeline, offline: boolean) {
  const processor = await pipeline.startProcessor();
  const projector = await pipeline.startProjector();
  await Promise.all([processor.ready(), projector.ready()]);
  const readings = history();
  if (!offline) {
    await pipeline.produce(readings.map(message));
  } else {
    const held = (r: SensorReading) => r.machineId === 'pump-a' && r.timestamp >= OUTAGE_FROM;
    await pipeline.produce(readings.filter((r) => !held(r)).map(message));
    // pump-a's uplink is down: on the arrival clock it falls silent (20 missed readings, at least 10 s).
    await new Promise((resolve) => setTimeout(resolve, 15_000));
    await pipeline.produce(readings.filter(held).map(message));
  }
  await pipeline.waitUntilCaughtUp(120_000);
  await pipeline.waitUntilProjected(120_000);
  const rows = await pipeline.query(
    'twin',
    `SELECT machine_id, anomaly_type, severity, timestamp, calculated_metrics, details - 'source' AS details
       FROM anomaly_history WHERE anomaly_type <> 'STALE_DATA'
      ORDER BY machine_id, timestamp, anomaly_type, details->>'transition'`,
  );
  const metrics = await pipeline.query(
    'analytics',
    `SELECT machine_id, resolution, window_start, uptime_percentage, efficiency_rating, average_temperature,
            average_load, anomaly_count
       FROM performance_metrics WHERE window_start < $1
      ORDER BY machine_id, resolution, window_start`,
    [new Date(T0 + 24 * HOUR)],
  );
  const silence = await pipeline.query<{ transition: string; duration: number; backlog: number | null }>(
    'twin',
    `SELECT details->>'transition' AS transition, (calculated_metrics->>'durationMs')::float8 AS duration,
            (calculated_metrics->>'backlogMs')::float8 AS backlog
       FROM anomaly_history WHERE machine_id = 'pump-a' AND anomaly_type = 'STALE_DATA'
      ORDER BY timestamp, event_id`,
  );
  processor.kill('SIGTERM');
  projector.kill('SIGTERM');
  return { rows, metrics, silence };
}

describe('store-and-forward', () => {
  const pipelines: IsolatedPipeline[] = [];
  afterAll(async () => {
    await Promise.all(pipelines.map((pipeline) => pipeline.dispose()));
  });

  it('given a gateway offline for 2 hours that then sends its buffer in a burst, then its anomaly rows and metrics equal a run without the outage, and its loss of signal resolves with the silence and the backlog age', async () => {
    const continuous = await createIsolatedPipeline(1);
    pipelines.push(continuous);
    const a = await run(continuous, false);
    const buffered = await createIsolatedPipeline(1);
    pipelines.push(buffered);
    const b = await run(buffered, true);

    expect(a.rows.length).toBeGreaterThan(0); // pump-a's overheating, inside the outage
    expect(b.rows).toEqual(a.rows);
    expect(a.metrics.length).toBeGreaterThan(3 * 60);
    expect(b.metrics).toEqual(a.metrics);

    const opened = b.silence.filter((row) => row.transition === 'ANOMALY_OPENED');
    const cleared = b.silence.filter((row) => row.transition === 'ANOMALY_CLEARED');
    expect(opened.length).toBeGreaterThanOrEqual(1);
    // The first clear is the backlog's first reading: the silence is the outage, the backlog two hours old and more.
    expect(cleared[0]!.duration).toBeGreaterThanOrEqual(10_000);
    expect(cleared[0]!.backlog).toBeGreaterThan(2 * HOUR);
  });
});
