// Start-up checks: a process proves it can reach what it needs before it reports ready, and when it cannot,
// it fails with one line naming the dependency, where it was looked for and why.
import { TwinError, oneLine } from '../errors.js';
import { describeDatabaseUrl } from '../db/pool.js';
import { probeDatabase } from '../db/probe.js';
import { createKafka, type KafkaSettings } from '../kafka/client.js';
import { withDeadline } from './service.js';

export async function checkKafka(kafka: KafkaSettings, timeoutMs: number): Promise<void> {
  const where = kafka.brokers.join(',');
  const admin = createKafka(kafka).admin();
  try {
    await withDeadline(
      (async () => {
        await admin.connect();
        await admin.listTopics();
      })(),
      timeoutMs,
      () => new Error(`no answer within ${timeoutMs / 1000} s`),
    );
  } catch (error) {
    throw new TwinError('KAFKA_UNREACHABLE', `cannot reach Kafka at ${where}: ${oneLine(error)}`, true, {
      cause: error,
    });
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export async function checkDatabase(name: string, url: string, timeoutMs: number): Promise<void> {
  try {
    await probeDatabase(url, timeoutMs);
  } catch (error) {
    throw new TwinError(
      'DATABASE_UNREACHABLE',
      `cannot reach the ${name} database at ${describeDatabaseUrl(url)}: ${oneLine(error) || 'connection failed'}`,
      true,
      { cause: error },
    );
  }
}
