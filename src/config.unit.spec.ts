import { describe, expect, it } from 'vitest';
import { ConfigError, EMBEDDED_POSTGRES_PORT, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('given an empty environment, uses the local stack defaults', () => {
    const config = loadConfig({});
    expect(config.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(config.topics).toEqual({
      readings: 'sensor.readings',
      twinEvents: 'twin.events',
      deadLetter: 'sensor.readings.dlq',
      partitions: 6,
    });
    expect(config.databases.twinUrl).toBe(`postgres://postgres@127.0.0.1:${EMBEDDED_POSTGRES_PORT}/twin`);
    expect(config.databases.embedded).toBe(true);
    expect(Object.isFrozen(config.kafka)).toBe(true);
  });

  it('given no HTTP_PORT, gives each long-running process its own ops port', () => {
    const { ports } = loadConfig({}).http;
    expect(ports).toEqual({ processor: 9464, projector: 9465, api: 9466, notifier: 9467 });
  });

  it('given HTTP_PORT, every process reads it; NOTIFIER_HTTP_PORT still comes first for the notifier', () => {
    expect(loadConfig({ HTTP_PORT: '9100' }).http.ports).toEqual({
      processor: 9100,
      projector: 9100,
      api: 9100,
      notifier: 9100,
    });
    expect(loadConfig({ HTTP_PORT: '9100', NOTIFIER_HTTP_PORT: '9200' }).http.ports.notifier).toBe(9200);
  });

  it('given a broker list and database URLs, parses them', () => {
    const config = loadConfig({
      KAFKA_BROKERS: 'kafka-0.kafka:9092, kafka-1.kafka:9092',
      TWIN_DATABASE_URL: 'postgresql://twin:pw@db:5432/twin',
      TOPIC_PARTITIONS: '12',
    });
    expect(config.kafka.brokers).toEqual(['kafka-0.kafka:9092', 'kafka-1.kafka:9092']);
    expect(config.topics.partitions).toBe(12);
    expect(config.databases.embedded).toBe(false);
  });

  it.each([
    ['KAFKA_BROKERS', 'localhost', /KAFKA_BROKERS: expected a comma-separated list of host:port/],
    ['TWIN_DATABASE_URL', 'mysql://db/twin', /TWIN_DATABASE_URL: expected postgres:\/\//],
    ['HTTP_PORT', '70000', /HTTP_PORT: /],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL: /],
    ['TOPIC_PARTITIONS', '0', /TOPIC_PARTITIONS: /],
  ])('given %s=%s, fails with one line naming the variable', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it('given nothing, the processor and the projector share one arrival rule: 60 s ahead, 30 s grace, a 7-day horizon', () => {
    const config = loadConfig({});
    expect(config.arrival).toEqual({
      maxAheadMs: 60_000,
      lateGraceMs: 30_000,
      backlogHorizonMs: 7 * 24 * 3_600_000,
    });
    expect(config.processor).toMatchObject({ maxFutureSkewMs: 60_000, lateGraceMs: 30_000 });
    expect(config.projector).toMatchObject({
      windowMs: 60_000,
      maxReadingGapMs: 30_000,
      windowGraceMs: 7 * 24 * 3_600_000,
    });
  });

  it('given LATE_GRACE_MS, MAX_FUTURE_SKEW_MS and BACKLOG_HORIZON_MS, the arrival rule and the processor read them', () => {
    const config = loadConfig({
      LATE_GRACE_MS: '5000',
      MAX_FUTURE_SKEW_MS: '2000',
      BACKLOG_HORIZON_MS: '0',
      METRICS_MAX_READING_GAP_MS: '10000',
    });
    expect(config.arrival).toEqual({ maxAheadMs: 2_000, lateGraceMs: 5_000, backlogHorizonMs: 0 });
    expect(config.processor).toMatchObject({ maxFutureSkewMs: 2_000, lateGraceMs: 5_000 });
    expect(config.projector).toMatchObject({ maxReadingGapMs: 10_000, windowGraceMs: 0 });
  });

  it.each([
    ['BACKLOG_HORIZON_MS', '-1'],
    ['METRICS_MAX_READING_GAP_MS', '0'],
    ['METRICS_MAX_READING_GAP_MS', '3600001'],
  ])('given %s=%s, fails naming it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^invalid configuration: ${name}: `));
  });

  it('given METRICS_GRACE_MS, which is gone, refuses to start with one line naming what replaced it', () => {
    expect(() => loadConfig({ METRICS_GRACE_MS: '30000' })).toThrow(ConfigError);
    expect(() => loadConfig({ METRICS_GRACE_MS: '30000' })).toThrow(
      /^invalid configuration: METRICS_GRACE_MS is gone: .*LATE_GRACE_MS and BACKLOG_HORIZON_MS[^\n]*$/,
    );
    expect(() => loadConfig({ METRICS_GRACE_MS: '' })).not.toThrow();
  });

  it('given SASL without credentials, says what is missing', () => {
    expect(() => loadConfig({ KAFKA_SECURITY_PROTOCOL: 'sasl_ssl' })).toThrow(
      /needs KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD/,
    );
  });

  it('given SASL settings, passes them through', () => {
    const config = loadConfig({
      KAFKA_SECURITY_PROTOCOL: 'sasl_ssl',
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      KAFKA_SASL_USERNAME: 'twin',
      KAFKA_SASL_PASSWORD: 'secret',
    });
    expect(config.kafka.sasl).toEqual({ mechanism: 'SCRAM-SHA-512', username: 'twin', password: 'secret' });
  });
});
