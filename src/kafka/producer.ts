// The one producer a processor needs: idempotent, acks from all in-sync replicas, so a retried send never
// duplicates or reorders within a partition. Resolves only when every message of a call is acknowledged.
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import type { Logger } from '../logger.js';
import { createKafka, type KafkaSettings } from './client.js';

export interface OutgoingMessage {
  readonly topic: string;
  readonly key: string;
  readonly value: Buffer;
  readonly headers?: Readonly<Record<string, string>>;
  /** A partition of the producer's choosing (clock ticks); otherwise the key's. */
  readonly partition?: number;
  /** The message's CreateTime, epoch ms (a LogAppendTime topic replaces it with the broker's); default now. */
  readonly timestamp?: number;
}

export interface ReliableProducer {
  connect(): Promise<void>;
  /** Sends all messages; resolves when the broker has acknowledged every one of them. */
  sendAll(messages: readonly OutgoingMessage[]): Promise<void>;
  disconnect(): Promise<void>;
}

export function createReliableProducer(kafka: KafkaSettings, logger: Logger): ReliableProducer {
  const producer = createKafka(kafka, logger).producer({
    'enable.idempotence': true,
    acks: -1,
    'linger.ms': 5,
    'compression.type': 'lz4',
  });
  return {
    connect: () => producer.connect(),
    async sendAll(messages) {
      if (messages.length === 0) return;
      const byTopic = new Map<string, KafkaJS.Message[]>();
      for (const message of messages) {
        const list = byTopic.get(message.topic) ?? [];
        list.push({
          key: message.key,
          value: message.value,
          ...(message.headers && { headers: message.headers }),
          ...(message.partition !== undefined && { partition: message.partition }),
          ...(message.timestamp !== undefined && { timestamp: String(message.timestamp) }),
        });
        byTopic.set(message.topic, list);
      }
      await producer.sendBatch({
        topicMessages: [...byTopic].map(([topic, topicMessages]) => ({ topic, messages: topicMessages })),
      });
    },
    disconnect: () => producer.disconnect(),
  };
}
