// `twin projector`: materializes the analytics read models. One consumer group member per topic:
//   twin.events     → alerts (lifecycle, flapping), machine_twins, anomaly counts of the windows
//   sensor.readings → performance_windows and performance_metrics (base window, hourly, daily)
// Each batch's rows and its checkpoint commit in one transaction in the analytics database. Scale out by
// running more projectors with the same PROJECTOR_GROUP_ID (up to the partition count).
import { loadConfig } from '../config.js';
import { oneLine } from '../errors.js';
import { createPool } from '../db/pool.js';
import { pingDatabase } from '../db/probe.js';
import { resetProjection } from '../db/repositories/projector-checkpoints.js';
import { inTransaction } from '../db/transaction.js';
import { startOpsServer } from '../http/ops-server.js';
import { createBatchConsumer, type BatchConsumer } from '../kafka/batch-consumer.js';
import { createLogger } from '../logger.js';
import { createMetricsRegistry } from '../metrics.js';
import { unshelveExpired } from '../alerts/alert-actions.js';
import { EventProjection } from '../projector/event-projection.js';
import { PartitionProjection, type ProjectionStep } from '../projector/partition-projection.js';
import { checkDatabase, checkKafka } from '../lifecycle/preflight.js';
import { createProjectorMetrics } from '../projector/projector-metrics.js';
import { runService } from '../lifecycle/service.js';
import { WindowProjection } from '../projector/window-projection.js';
import { resolveWindowOptions } from '../../processors/performance-windows/index.js';

export async function runProjector(options: { rebuild: boolean }): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ name: 'twin-projector', level: config.logLevel });
  const registry = createMetricsRegistry('projector');
  const pool = createPool(config.databases.analyticsUrl, {
    max: config.databases.poolSize,
    applicationName: 'twin-projector',
  });
  const metrics = createProjectorMetrics(registry, pool);
  const ops = await startOpsServer({
    host: config.http.host,
    port: config.http.ports.projector,
    registry,
    readinessChecks: { analyticsDatabase: () => pingDatabase(pool) },
  });
  const exitFatally = (message: string, error: unknown): never => {
    logger.fatal({ err: error }, message);
    process.stderr.write(`twin projector: ${message}\n`);
    process.exit(1);
  };
  const budget = config.startupTimeoutMs;
  const { groupId, batchSize, windowMs, windowGraceMs, maxReadingGapMs } = config.projector;

  try {
    process.exitCode = await runService({
      name: 'twin projector',
      logger,
      ops,
      startupTimeoutMs: budget,
      shutdownTimeoutMs: config.shutdownTimeoutMs,
      async start() {
        await Promise.all([
          checkKafka(config.kafka, budget),
          checkDatabase('analytics', config.databases.analyticsUrl, budget),
        ]);
        if (options.rebuild) {
          await inTransaction(pool, (client) => resetProjection(client, groupId));
          logger.warn(
            { groupId },
            'read models emptied; replaying twin.events and sensor.readings from the start',
          );
        }
        const member = (topic: string, suffix: string, step: ProjectionStep, fetch = {}) => {
          const projection = new PartitionProjection({
            pool,
            consumerGroup: groupId,
            topic,
            step,
            metrics,
            now: Date.now,
            onFenced: (error) => exitFatally(error.message, error),
            onCommitted: (partition, nextOffset) => {
              consumer.commit(partition, nextOffset).catch((error: unknown) => {
                logger.warn({ err: error, partition }, 'recording the group position failed (harmless)');
              });
            },
          });
          const consumer: BatchConsumer = createBatchConsumer({
            kafka: config.kafka,
            logger: logger.child({ component: `consumer-${suffix}` }),
            groupId: `${groupId}-${suffix}`,
            topic,
            maxBatchSize: batchSize,
            concurrency: config.processor.concurrency,
            ...fetch,
            handlers: projection,
            onFatal: (error) => exitFatally(`cannot take or release partitions: ${oneLine(error)}`, error),
          });
          return { projection, consumer };
        };
        const events = member(
          config.topics.twinEvents,
          'events',
          new EventProjection({
            alerting: config.alerting,
            windowMs,
            metrics,
            logger: logger.child({ component: 'events' }),
            now: Date.now,
          }),
        );
        const readings = member(
          config.topics.readings,
          'readings',
          new WindowProjection({
            // Readings are judged by the processor's own rule: per machine, on the arrival clock.
            window: resolveWindowOptions({ windowMs, maxReadingGapMs, arrival: config.arrival }),
            maxMessageBytes: config.processor.maxMessageBytes,
            windowsFinalAfterMs: windowGraceMs,
            metrics,
          }),
          // Windows cost rows per machine per batch: fuller batches under light load, a second at most behind.
          { fetchWaitMs: config.projector.windowFetchWaitMs, fetchMinBytes: 8 * 1024 * 1024 },
        );
        await Promise.all([events.consumer.start(), readings.consumer.start()]);

        // Shelves end on the wall clock; each expiry is recorded as an action at the shelve's end time.
        const unshelving = setInterval(() => {
          unshelveExpired(pool, Date.now()).then(
            (count) => {
              if (count > 0) logger.info({ count }, 'shelved alerts returned');
            },
            (error: unknown) => logger.warn({ err: error }, 'returning shelved alerts failed; will retry'),
          );
        }, config.alerting.unshelveEveryMs);
        unshelving.unref();

        return {
          async stop() {
            clearInterval(unshelving);
            await Promise.all([events.consumer.pause(), readings.consumer.pause()]);
            await Promise.all([events.projection.drain(), readings.projection.drain()]);
            await Promise.all([events.consumer.stop(), readings.consumer.stop()]);
          },
        };
      },
    });
  } finally {
    await pool.end().catch(() => undefined);
  }
}
