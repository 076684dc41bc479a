// The chosen client against the real broker: an idempotent producer (acks=all) and a batch consumer carry
// 10,000 keyed messages through without loss, duplication or reordering within a key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTopic, testKafka, uniqueName } from '../../test/support/kafka.js';

const MESSAGES = 10_000;
const MACHINES = 100;

describe('Kafka round trip', () => {
  let topic: Awaited<ReturnType<typeof createTestTopic>>;
  beforeAll(async () => {
    topic = await createTestTopic('round-trip', 6);
  });
  afterAll(async () => {
    await topic.remove();
  });

  it('reads back all 10,000 messages, in order per key', async () => {
    const kafka = testKafka();
    const producer = kafka.producer({ 'enable.idempotence': true, acks: -1, 'linger.ms': 5 });
    await producer.connect();
    const nextSeq = new Map<string, number>();
    const outgoing = Array.from({ length: MESSAGES }, (_, index) => {
      const machineId = `machine-${index % MACHINES}`;
      const seq = nextSeq.get(machineId) ?? 0;
      nextSeq.set(machineId, seq + 1);
      return { key: machineId, value: JSON.stringify({ machine_id: machineId, seq }) };
    });
    for (let start = 0; start < MESSAGES; start += 1_000) {
      await producer.send({ topic: topic.topic, messages: outgoing.slice(start, start + 1_000) });
    }
    await producer.disconnect();

    const received = new Map<string, number[]>();
    let count = 0;
    const consumer = kafka.consumer({
      'group.id': uniqueName('round-trip'),
      'auto.offset.reset': 'earliest',
      'enable.auto.commit': false,
      'js.consumer.max.batch.size': 1_000,
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic.topic] });
    const allReceived = new Promise<void>((resolve) => {
      void consumer.run({
        eachBatch: async ({ batch }) => {
          for (const message of batch.messages) {
            const { machine_id, seq } = JSON.parse(message.value?.toString() ?? '{}') as {
              machine_id: string;
              seq: number;
            };
            expect(message.key?.toString()).toBe(machine_id);
            const seen = received.get(machine_id) ?? [];
            seen.push(seq);
            received.set(machine_id, seen);
            count += 1;
          }
          if (count >= MESSAGES) resolve();
          await Promise.resolve();
        },
      });
    });
    await allReceived;
    await consumer.disconnect();

    expect(count).toBe(MESSAGES);
    expect(received.size).toBe(MACHINES);
    for (const [machineId, seqs] of received) {
      const expected = Array.from({ length: nextSeq.get(machineId) ?? 0 }, (_, seq) => seq);
      expect(seqs, machineId).toEqual(expected);
    }
  });
});
