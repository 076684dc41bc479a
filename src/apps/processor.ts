// `twin processor`: consumes sensor.readings in a consumer group and runs the twin pipeline for the partitions
// it owns. Scale out by running more processes with the same PROCESSOR_GROUP_ID (up to the partition count).
import { loadConfig } from '../config.js';
import { oneLine } from '../errors.js';
import { createPool } from '../db/pool.js';
import { pingDatabase } from '../db/probe.js';
import { startOpsServer } from '../http/ops-server.js';
import { createBatchConsumer } from '../kafka/batch-consumer.js';
import { createReliableProducer } from '../kafka/producer.js';
import { createLogger } from '../logger.js';
import { createMetricsRegistry } from '../metrics.js';
import { startMachineConfigSource } from '../processor/machine-configs.js';
import { startMlModelSource } from '../processor/ml-models.js';
import { checkDatabase, checkKafka } from '../lifecycle/preflight.js';
import { createProcessorMetrics } from '../processor/processor-metrics.js';
import { runService } from '../lifecycle/service.js';
import { foldOptionsOf } from '../processor/fold-options.js';
import { TwinPipeline } from '../processor/twin-pipeline.js';

export async function runProcessor(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ name: 'twin-processor', level: config.logLevel });
  const registry = createMetricsRegistry('processor');
  const metrics = createProcessorMetrics(registry);
  const twinPool = createPool(config.databases.twinUrl, {
    max: config.databases.poolSize,
    applicationName: 'twin-processor',
  });
  const analyticsPool = createPool(config.databases.analyticsUrl, {
    max: config.databases.poolSize,
    applicationName: 'twin-processor',
  });
  const ping = (pool: typeof twinPool) => () => pingDatabase(pool);
  const ops = await startOpsServer({
    host: config.http.host,
    port: config.http.ports.processor,
    registry,
    readinessChecks: { twinDatabase: ping(twinPool), analyticsDatabase: ping(analyticsPool) },
  });
  const budget = config.startupTimeoutMs;
  // Exit and let the supervisor restart us: a fresh start re-claims its partitions from PostgreSQL.
  const exitFatally = (message: string, error: unknown): never => {
    logger.fatal({ err: error }, message);
    process.stderr.write(`twin processor: ${message}\n`);
    process.exit(1);
  };
  const closePools = async () => {
    await Promise.allSettled([twinPool.end(), analyticsPool.end()]);
  };

  try {
    process.exitCode = await runService({
      name: 'twin processor',
      logger,
      ops,
      startupTimeoutMs: budget,
      shutdownTimeoutMs: config.shutdownTimeoutMs,
      async start() {
        await Promise.all([
          checkKafka(config.kafka, budget),
          checkDatabase('twin', config.databases.twinUrl, budget),
          checkDatabase('analytics', config.databases.analyticsUrl, budget),
        ]);
        const configs = await startMachineConfigSource(twinPool, config.processor.configRefreshMs, logger);
        // Models are polled like configs (same interval): `twin train` activates, running processors follow.
        const models = await startMlModelSource(analyticsPool, config.processor.configRefreshMs, logger);
        const producer = createReliableProducer(config.kafka, logger.child({ component: 'producer' }));
        await producer.connect();
        const p = config.processor;
        const pipeline = new TwinPipeline({
          logger,
          metrics,
          twinPool,
          analyticsPool,
          producer,
          consumerGroup: p.groupId,
          topics: config.topics,
          configs: configs.lookup,
          models: models.lookup,
          fold: foldOptionsOf(config),
          partitionSilentAfterMs: p.partitionSilentAfterMs,
          maxMessageBytes: p.maxMessageBytes,
          clockTickMs: p.clockTickMs,
          snapshotEveryReadings: p.snapshotEveryReadings,
          snapshotEveryMs: p.snapshotEveryMs,
          now: Date.now,
          onFenced: (error) => exitFatally(error.message, error),
          onCommitted: (partition, nextOffset) => {
            consumer.commit(partition, nextOffset).catch((error: unknown) => {
              logger.warn({ err: error, partition }, 'recording the group position failed (harmless)');
            });
          },
        });
        const consumer = createBatchConsumer({
          kafka: config.kafka,
          logger: logger.child({ component: 'consumer' }),
          groupId: p.groupId,
          topic: config.topics.readings,
          maxBatchSize: p.batchSize,
          concurrency: p.concurrency,
          // Latency: the broker answers as soon as a reading is there; under load the client's prefetch
          // queue still makes the batches full.
          fetchMinBytes: 1,
          handlers: pipeline,
          onFatal: (error) => exitFatally(`cannot take or release partitions: ${oneLine(error)}`, error),
        });
        await consumer.start();
        // Idle partitions get clock ticks, so silence is noticed without any reading (docs/time.md).
        const ticker = setInterval(
          () => void pipeline.tickIdlePartitions(),
          Math.max(100, p.clockTickMs / 4),
        );
        return {
          async stop() {
            clearInterval(ticker);
            // Stop fetching, let in-flight batches commit, snapshot so a restart replays nothing, leave the group.
            await consumer.pause();
            await pipeline.snapshotAll();
            await consumer.stop();
            configs.stop();
            models.stop();
            await producer.disconnect();
          },
        };
      },
    });
  } finally {
    await closePools();
  }
}
