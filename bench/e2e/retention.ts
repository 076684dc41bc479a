// Benchmark: how fast retention archives, on scratch databases of the configured server. Prints figures;
// asserts nothing. `npx tsx bench/e2e/retention.ts [rows] [batch size]`
import pg from 'pg';
import { RETENTION_TABLES, type RetentionPolicies } from '../../processors/retention/index.js';
import { createScratchDatabase } from '../../test/support/postgres.js';
import { migrateDatabases } from '../../src/db/migrate.js';
import { utcConnection } from '../../src/db/pool.js';
import { createLogger } from '../../src/logger.js';
import { createMetricsRegistry } from '../../src/metrics.js';
import { createRetentionMetrics, runRetentionJob } from '../../src/retention/index.js';

const DAY = 86_400_000;
const rows = Number(process.argv[2] ?? 200_000);
const batchSize = Number(process.argv[3] ?? 5_000);

const twinDb = await createScratchDatabase('retention_bench_twin');
const analyticsDb = await createScratchDatabase('retention_bench_analytics');
const twin = new pg.Pool({ ...utcConnection(twinDb.url), max: 2 });
const analytics = new pg.Pool({ ...utcConnection(analyticsDb.url), max: 2 });
try {
  await migrateDatabases({ twinUrl: twinDb.url, analyticsUrl: analyticsDb.url });
  const now = Date.now();
  // Half past the period, half within; payloads the size of the processor's.
  await twin.query(
    `INSERT INTO anomaly_history (machine_id, anomaly_type, severity, timestamp, sensor_data, calculated_metrics,
                                  details, event_id, created_at)
     SELECT 'pump-' || (i % 500), 'TEMPERATURE_HIGH', 'HIGH',
            timestamp 'epoch' + ($1::float8 - (i % 2) * 20 * $3::float8 - i) * interval '1 millisecond',
            jsonb_build_object('temperature', 91.5, 'vibration', 3.2, 'load', 77.0),
            jsonb_build_object('durationMs', i, 'threshold', 90), jsonb_build_object('ruleId', 'temp-high'),
            'bench-' || i, timestamp 'epoch' + ($1::float8 - 100 * $3::float8) * interval '1 millisecond'
       FROM generate_series(1, $2::int) AS i`,
    [now - 80 * DAY, rows, DAY],
  );
  await twin.query('ANALYZE anomaly_history');
  const policies = Object.fromEntries(
    RETENTION_TABLES.map((t) => [t.table, { period: { text: 'P90D', ms: 90 * DAY }, mode: t.defaultMode }]),
  ) as RetentionPolicies;
  const started = performance.now();
  const [summary] = await runRetentionJob({
    twin,
    analytics,
    processorGroup: 'bench',
    projectorGroup: 'bench',
    readingsTopic: 'bench',
    windowGraceMs: 30_000,
    policies,
    batchSize,
    now,
    dryRun: false,
    only: 'anomaly_history',
    metrics: createRetentionMetrics(createMetricsRegistry('bench')),
    logger: createLogger({ name: 'bench', level: 'silent' }),
  });
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(
    `retention bench: ${summary!.rows} of ${rows} anomaly_history rows archived in ${summary!.batches} batches ` +
      `of ${batchSize}: ${seconds.toFixed(2)} s, ${Math.round(summary!.rows / seconds)} rows/s, ` +
      `${((seconds / summary!.batches) * 1000).toFixed(1)} ms per batch\n`,
  );
} finally {
  await Promise.allSettled([twin.end(), analytics.end()]);
  await Promise.allSettled([twinDb.drop(), analyticsDb.drop()]);
}
