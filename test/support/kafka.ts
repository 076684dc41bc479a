// Real-broker test helpers: every test gets its own topics and consumer groups, and deletes what it made.
import { randomBytes } from 'node:crypto';
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import { loadConfig } from '../../src/config.js';
import { createKafka } from '../../src/kafka/client.js';
import { ensureTopics } from '../../src/kafka/topics.js';

export const testConfig = loadConfig();

/** A name no other test run will use: `<prefix>-<random>`. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

export function testKafka() {
  return createKafka(testConfig.kafka);
}

export async function createTestTopic(
  prefix: string,
  partitions: number,
): Promise<{ topic: string; remove(): Promise<void> }> {
  const topic = uniqueName(prefix);
  await ensureTopics(testConfig.kafka, [topic], partitions);
  return {
    topic,
    async remove() {
      const cleaner = testKafka().admin();
      await cleaner.connect();
      try {
        await cleaner.deleteTopics({ topics: [topic] });
      } finally {
        await cleaner.disconnect();
      }
    },
  };
}

/**
 * Reads the topic from its start with a throwaway group, handing every message to `visit` with its partition,
 * until `total` messages have been seen; fails after `timeoutMs`.
 */
export async function forEachMessage(
  topic: string,
  total: number,
  visit: (partition: number, message: KafkaJS.KafkaMessage) => void,
  timeoutMs = 10 * 60_000,
): Promise<void> {
  if (total === 0) return;
  const consumer = testKafka().consumer({
    'group.id': uniqueName('reader'),
    'auto.offset.reset': 'earliest',
    'enable.auto.commit': false,
    'js.consumer.max.batch.size': 5_000,
  });
  let count = 0;
  let timer: NodeJS.Timeout | undefined;
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic] });
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`read ${count} of ${total} messages of ${topic} in ${timeoutMs} ms`)),
        timeoutMs,
      );
      consumer
        .run({
          eachBatch: ({ batch }) => {
            for (const message of batch.messages) visit(batch.partition, message);
            count += batch.messages.length;
            if (count >= total) resolve();
            return Promise.resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    clearTimeout(timer);
    await consumer.disconnect().catch(() => undefined);
  }
}
