// Broker readiness and topic set-up, shared by the local stack and the processes' start-up.
import { withDeadline } from '../lifecycle/service.js';
import { createKafka, type KafkaSettings } from './client.js';

/** Resolves once the broker answers a metadata request; rejects with the last reason after `timeoutMs`. */
export async function waitForBroker(kafka: KafkaSettings, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const admin = createKafka(kafka).admin();
    try {
      await withDeadline(
        admin.connect().then(() => admin.listTopics()),
        Math.max(1_000, deadline - Date.now()),
        () => new Error('no answer'),
      );
      return;
    } catch (error) {
      lastError = error;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const reason = lastError instanceof Error ? lastError.message : String(lastError);
  throw new Error(`Kafka at ${kafka.brokers.join(',')} not ready after ${timeoutMs / 1000} s: ${reason}`);
}

/**
 * The readings topic's messages are stamped by the broker when they arrive (LogAppendTime): that stamp is the
 * arrival clock every time decision is judged on (docs/time.md). A gateway's own timestamp stays in the reading.
 */
export const ARRIVAL_CLOCK_TOPIC_CONFIG = [{ name: 'message.timestamp.type', value: 'LogAppendTime' }];

/**
 * Creates the topics that do not exist yet; existing topics are left exactly as they are. Resolves once the new
 * topics have a leader for every partition, so the caller can produce or subscribe straight away. Safe to run
 * from several processes at once: a topic another one created meanwhile counts as existing. Topics named in
 * `arrivalClock` are created with broker timestamps (ARRIVAL_CLOCK_TOPIC_CONFIG): the readings topic.
 */
export async function ensureTopics(
  kafka: KafkaSettings,
  topics: readonly string[],
  partitions: number,
  timeoutMs = 15_000,
  arrivalClock: readonly string[] = [],
): Promise<{ created: string[]; existing: string[] }> {
  const admin = createKafka(kafka).admin();
  await admin.connect();
  try {
    const present = new Set(await admin.listTopics());
    const missing = topics.filter((topic) => !present.has(topic));
    if (missing.length > 0) {
      await admin.createTopics({
        topics: missing.map((topic) => ({
          topic,
          numPartitions: partitions,
          replicationFactor: 1,
          ...(arrivalClock.includes(topic) && { configEntries: ARRIVAL_CLOCK_TOPIC_CONFIG }),
        })),
      });
      await waitForLeaders(admin, missing, timeoutMs);
    }
    return { created: missing, existing: topics.filter((topic) => present.has(topic)) };
  } finally {
    await admin.disconnect();
  }
}

/** Partition count of each named topic that exists; missing topics are simply absent from the map. */
export async function describeTopicPartitions(
  kafka: KafkaSettings,
  topics: readonly string[],
): Promise<Map<string, number>> {
  const admin = createKafka(kafka).admin();
  await admin.connect();
  try {
    const present = new Set(await admin.listTopics());
    const wanted = topics.filter((topic) => present.has(topic));
    if (wanted.length === 0) return new Map();
    const metadata = await admin.fetchTopicMetadata({ topics: wanted });
    return new Map(metadata.map((topic) => [topic.name, topic.partitions.length]));
  } finally {
    await admin.disconnect();
  }
}

type Admin = ReturnType<ReturnType<typeof createKafka>['admin']>;

/** createTopics returns when the controller accepts the topics; the broker serves them a moment later. */
async function waitForLeaders(admin: Admin, topics: readonly string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: [...topics] });
      const ready = metadata.every(
        (topic) =>
          topic.partitions.length > 0 && topic.partitions.every((partition) => partition.leader >= 0),
      );
      if (ready) return;
    } catch (error) {
      lastError = error; // "unknown topic" until the broker has caught up
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const reason = lastError instanceof Error ? `: ${lastError.message}` : '';
  throw new Error(
    `topics ${topics.join(', ')} were created but have no leader after ${timeoutMs / 1000} s${reason}`,
  );
}
