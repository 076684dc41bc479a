// The Kafka security settings of the configuration reach librdkafka under its own property names, for every
// client we create (producers, consumers and admin clients all start from commonKafkaProperties).
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { commonKafkaProperties } from './client.js';

describe('commonKafkaProperties', () => {
  it('given no security settings, when mapped, then the client speaks plaintext and carries no SASL or TLS property', () => {
    const properties = commonKafkaProperties(loadConfig({ KAFKA_BROKERS: 'a:9092,b:9092' }).kafka);
    expect(properties).toEqual({
      'bootstrap.servers': 'a:9092,b:9092',
      'client.id': 'twinstream',
      'security.protocol': 'plaintext',
    });
  });

  it('given SASL over TLS with a CA file, when mapped, then protocol, mechanism, credentials and CA location are passed as librdkafka properties', () => {
    const config = loadConfig({
      KAFKA_BROKERS: 'kafka-0.kafka:9093',
      KAFKA_SECURITY_PROTOCOL: 'sasl_ssl',
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      KAFKA_SASL_USERNAME: 'twin-processor',
      KAFKA_SASL_PASSWORD: 's3cret',
      KAFKA_SSL_CA_LOCATION: '/etc/twinstream/kafka/ca.crt',
    });
    expect(commonKafkaProperties(config.kafka)).toMatchObject({
      'security.protocol': 'sasl_ssl',
      'sasl.mechanisms': 'SCRAM-SHA-512',
      'sasl.username': 'twin-processor',
      'sasl.password': 's3cret',
      'ssl.ca.location': '/etc/twinstream/kafka/ca.crt',
    });
  });

  it('given TLS only, when mapped, then no SASL property is set', () => {
    const properties = commonKafkaProperties(
      loadConfig({ KAFKA_SECURITY_PROTOCOL: 'ssl', KAFKA_SSL_CA_LOCATION: '/ca.pem' }).kafka,
    );
    expect(properties).toMatchObject({ 'security.protocol': 'ssl', 'ssl.ca.location': '/ca.pem' });
    expect(Object.keys(properties).filter((key) => key.startsWith('sasl.'))).toEqual([]);
  });

  it('given SASL without credentials, when the configuration loads, then it is refused with one line naming what is missing', () => {
    expect(() =>
      loadConfig({ KAFKA_SECURITY_PROTOCOL: 'sasl_plaintext', KAFKA_SASL_MECHANISM: 'PLAIN' }),
    ).toThrow(
      /KAFKA_SECURITY_PROTOCOL=sasl_plaintext needs KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD/,
    );
  });
});
