// `npm run stack:up`: a Kafka broker and PostgreSQL for local work and tests, unless they already answer.
// Harmless to repeat: it starts only what is missing, then makes sure the topics and databases exist.
import { EMBEDDED_POSTGRES_PORT, loadConfig, type Config } from '../../src/config.js';
import { describeTopicPartitions, ensureTopics, waitForBroker } from '../../src/kafka/topics.js';
import { ensureDatabase, redact } from './databases.js';
import {
  POSTGRES_LOG,
  POSTGRES_PID_FILE,
  runningPostgresPid,
  startEmbeddedPostgres,
} from './embedded-postgres.js';
import {
  BROKER_LOG,
  BROKER_PID_FILE,
  ourBrokerAddress,
  runningBrokerPid,
  startBroker,
  waitForOurBroker,
} from './kafka-broker.js';
import { StackError, isLocalHost, portAnswers, writePid } from './processes.js';

/** A cold JVM start plus KRaft's first election takes 10-20 s on two cores; allow for a slow machine. */
const BROKER_READY_TIMEOUT_MS = 90_000;

async function upKafka(config: Config): Promise<void> {
  const { kafka } = config;
  const brokers = kafka.brokers.join(',');
  const ours = runningBrokerPid();
  if (ours !== undefined) {
    const address = ourBrokerAddress();
    if (address !== kafka.brokers[0]) {
      throw new StackError(
        `stack:up's broker (pid ${ours}) listens at ${address}, but KAFKA_BROKERS is ${brokers}; run stack:down first`,
      );
    }
    writePid(BROKER_PID_FILE, ours);
    console.log(`stack: Kafka already running at ${brokers} (started by stack:up, pid ${ours})`);
    await waitForOurBroker(kafka, ours, BROKER_READY_TIMEOUT_MS);
  } else if (await anyAnswers(kafka.brokers)) {
    console.log(`stack: Kafka already answers at ${brokers} (not started by stack:up); using it`);
    await waitForBroker(kafka, 15_000).catch((error: Error) => {
      throw new StackError(`something listens at ${brokers} but does not answer as Kafka: ${error.message}`);
    });
  } else {
    const { host, port } = localBrokerAddress(config);
    if (await portAnswers(host, port + 1)) {
      throw new StackError(
        `port ${port + 1}, where stack:up puts the Kafka controller, is taken by another process`,
      );
    }
    const started = Date.now();
    const pid = startBroker(host, port);
    console.log(
      `stack: starting Kafka (KRaft, single node) at ${host}:${port}, pid ${pid}, log ${BROKER_LOG}`,
    );
    await waitForOurBroker(kafka, pid, BROKER_READY_TIMEOUT_MS);
    console.log(`stack: Kafka ready after ${seconds(started)}`);
  }
  await upTopics(config);
}

async function upTopics({ kafka, topics }: Config): Promise<void> {
  const names = [topics.readings, topics.twinEvents, topics.deadLetter];
  const { created } = await ensureTopics(kafka, names, topics.partitions, undefined, [topics.readings]).catch(
    (error: Error) => {
      throw new StackError(`could not create the topics ${names.join(', ')}: ${error.message}`);
    },
  );
  if (created.length > 0) {
    console.log(`stack: created topics ${created.join(', ')} (${topics.partitions} partitions each)`);
  }
  // Existing topics are left alone; say so when they differ from what the configuration asks for.
  for (const [topic, partitions] of await describeTopicPartitions(kafka, names)) {
    if (partitions !== topics.partitions) {
      console.warn(
        `stack: topic ${topic} has ${partitions} partitions, TOPIC_PARTITIONS is ${topics.partitions}; left as is`,
      );
    }
  }
}

/** Where to start a broker: the first configured address, which must be on this machine and plaintext. */
function localBrokerAddress({ kafka }: Config): { host: string; port: number } {
  const [host = '', port = ''] = kafka.brokers[0]?.split(':') ?? [];
  if (!isLocalHost(host)) {
    throw new StackError(
      `Kafka at ${kafka.brokers.join(',')} does not answer, and stack:up only starts a broker on this machine (127.0.0.1/localhost)`,
    );
  }
  if (kafka.securityProtocol !== 'plaintext') {
    throw new StackError(
      `Kafka at ${kafka.brokers.join(',')} does not answer, and stack:up only starts a plaintext broker (KAFKA_SECURITY_PROTOCOL=${kafka.securityProtocol})`,
    );
  }
  return { host, port: Number(port) };
}

async function upPostgres(config: Config): Promise<void> {
  const { databases } = config;
  if (databases.embedded) await upEmbeddedPostgres();
  else console.log('stack: database URLs are set, so no PostgreSQL is started; checking that they answer');
  const wanted = [
    ['TWIN_DATABASE_URL', databases.twinUrl],
    ['ANALYTICS_DATABASE_URL', databases.analyticsUrl],
  ] as const;
  for (const [name, url] of wanted) {
    if ((await ensureDatabase(name, url)) === 'created') console.log(`stack: created database for ${name}`);
  }
}

async function upEmbeddedPostgres(): Promise<void> {
  const address = `127.0.0.1:${EMBEDDED_POSTGRES_PORT}`;
  const ours = runningPostgresPid();
  if (ours !== undefined) {
    writePid(POSTGRES_PID_FILE, ours);
    console.log(`stack: embedded PostgreSQL already running at ${address} (pid ${ours})`);
  } else if (await portAnswers('127.0.0.1', EMBEDDED_POSTGRES_PORT)) {
    console.log(`stack: PostgreSQL already answers at ${address} (not started by stack:up); using it`);
  } else {
    const started = Date.now();
    const pid = await startEmbeddedPostgres(EMBEDDED_POSTGRES_PORT);
    console.log(
      `stack: started embedded PostgreSQL at ${address}, pid ${pid}, log ${POSTGRES_LOG} (${seconds(started)})`,
    );
  }
}

async function anyAnswers(brokers: readonly string[]): Promise<boolean> {
  const answers = await Promise.all(
    brokers.map((broker) => {
      const [host = '', port = ''] = broker.split(':');
      return portAnswers(host, Number(port));
    }),
  );
  return answers.includes(true);
}

const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

try {
  const started = Date.now();
  const config = loadConfig();
  await Promise.all([upKafka(config), upPostgres(config)]);
  console.log(`stack: up in ${seconds(started)}`);
  console.log(`KAFKA_BROKERS=${config.kafka.brokers.join(',')}`);
  console.log(`TWIN_DATABASE_URL=${redact(config.databases.twinUrl)}`);
  console.log(`ANALYTICS_DATABASE_URL=${redact(config.databases.analyticsUrl)}`);
} catch (error) {
  console.error(`stack:up: ${(error as Error).message}`);
  if (error instanceof StackError && error.detail) console.error(error.detail);
  process.exit(1);
}
