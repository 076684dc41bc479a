// librdkafka settings shared by every client we create, derived from the validated config, and the bridge
// that sends the client's own log lines to pino instead of the console.
import { KafkaJS } from '@confluentinc/kafka-javascript';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';

export type KafkaSettings = Config['kafka'];

/** The librdkafka properties common to producers, consumers and admin clients. */
export function commonKafkaProperties(kafka: KafkaSettings): Record<string, string | number | boolean> {
  return {
    'bootstrap.servers': kafka.brokers.join(','),
    'client.id': kafka.clientId,
    'security.protocol': kafka.securityProtocol,
    ...(kafka.sasl && {
      'sasl.mechanisms': kafka.sasl.mechanism,
      'sasl.username': kafka.sasl.username,
      'sasl.password': kafka.sasl.password,
    }),
    ...(kafka.sslCaLocation !== undefined && { 'ssl.ca.location': kafka.sslCaLocation }),
  };
}

/**
 * A KafkaJS-style client (the Confluent client's promise API) bound to our settings. Without a logger the
 * client stays quiet (errors still surface as rejected promises); with one, its warnings go to pino.
 */
export function createKafka(kafka: KafkaSettings, logger?: Logger): KafkaJS.Kafka {
  const { 'bootstrap.servers': _servers, ...properties } = commonKafkaProperties(kafka);
  return new KafkaJS.Kafka({
    ...properties,
    kafkaJS: {
      // The KafkaJS-style block insists on its own broker list; it becomes bootstrap.servers.
      brokers: [...kafka.brokers],
      logger: logger ? pinoBridge(logger) : silentLogger,
      logLevel: logger ? KafkaJS.logLevel.WARN : KafkaJS.logLevel.NOTHING,
    },
  });
}

function pinoBridge(logger: Logger): KafkaJS.Logger {
  const log =
    (level: 'info' | 'warn' | 'error' | 'debug') =>
    (message: string, extra?: object): void =>
      logger[level]({ kafka: extra }, message);
  return {
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    debug: log('debug'),
    namespace: (namespace) => pinoBridge(logger.child({ namespace })),
    setLogLevel: () => undefined,
  };
}

const noop = (): void => undefined;
const silentLogger: KafkaJS.Logger = {
  info: noop,
  warn: noop,
  error: noop,
  debug: noop,
  namespace: () => silentLogger,
  setLogLevel: noop,
};
