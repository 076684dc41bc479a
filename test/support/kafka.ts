// Real-broker test helpers: every test gets its own topics and consumer groups, and deletes what it made.
import { randomBytes } from 'node:crypto';
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
