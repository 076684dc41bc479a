// The security settings really reach librdkafka in each kind of client, not only our property map: against the
// local (plaintext) broker, a TLS client with a CA file that does not exist is refused by librdkafka itself,
// and a SASL client cannot complete its handshake, while the same clients in plaintext work.
import { describe, expect, it } from 'vitest';
import { testConfig, uniqueName } from '../../test/support/kafka.js';
import { createKafka, type KafkaSettings } from './client.js';

const plaintext: KafkaSettings = testConfig.kafka;
const badCa: KafkaSettings = {
  ...plaintext,
  securityProtocol: 'ssl',
  sslCaLocation: '/nonexistent/twinstream-ca.pem',
};

describe('Kafka security settings in librdkafka', () => {
  it('given ssl with a missing CA file, when a producer, a consumer or an admin client connects, then librdkafka refuses it, and the same clients connect in plaintext', async () => {
    const clients = (settings: KafkaSettings) => {
      const kafka = createKafka(settings);
      return {
        producer: kafka.producer(),
        consumer: kafka.consumer({ 'group.id': uniqueName('security-probe') }),
        admin: kafka.admin(),
      };
    };
    for (const [kind, client] of Object.entries(clients(badCa))) {
      const outcome = await client.connect().then(
        async () => {
          await client.disconnect();
          return 'connected';
        },
        (error: unknown) => `refused: ${String(error)}`,
      );
      expect([kind, outcome]).toEqual([kind, expect.stringMatching(/^refused/)]);
    }
    // Producer and consumer name the setting that failed.
    await expect(clients(badCa).producer.connect()).rejects.toThrow(/ssl\.ca\.location|certificate/);
    for (const client of Object.values(clients(plaintext))) {
      await client.connect();
      await client.disconnect();
    }
  });

  it('given sasl_plaintext against a plaintext listener, when an admin client lists topics, then the handshake fails', async () => {
    const admin = createKafka({
      ...plaintext,
      securityProtocol: 'sasl_plaintext',
      sasl: { mechanism: 'SCRAM-SHA-512', username: 'nobody', password: 'wrong' },
    }).admin();
    const outcome = await admin
      .connect()
      .then(() => admin.listTopics())
      .then(
        () => 'listed',
        (error: unknown) => `failed: ${String(error)}`,
      );
    await admin.disconnect().catch(() => undefined);
    expect(outcome).toMatch(/^failed/);
  }, 30_000);
});
