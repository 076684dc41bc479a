// A single-node Apache Kafka broker in KRaft mode: jars resolved by Maven (scripts/kafka/pom.xml) into Maven's
// local repository, data and log under .stack/kafka, started detached so it outlives `stack:up`.
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KafkaSettings } from '../../src/kafka/client.js';
import { waitForBroker } from '../../src/kafka/topics.js';
import {
  REPO_ROOT,
  STACK_DIR,
  StackError,
  ensureDir,
  isAlive,
  isOurProcess,
  logTail,
  processesMatching,
  readPid,
  removeFile,
  terminate,
  writePid,
} from './processes.js';

const KAFKA_DIR = join(STACK_DIR, 'kafka');
const DATA_DIR = join(KAFKA_DIR, 'data');
const PROPERTIES = join(KAFKA_DIR, 'server.properties');
const POM = join(REPO_ROOT, 'scripts/kafka/pom.xml');
const LOG4J_CONFIG = join(REPO_ROOT, 'scripts/kafka/log4j2.yaml');
export const BROKER_PID_FILE = join(STACK_DIR, 'kafka.pid');
export const BROKER_LOG = join(KAFKA_DIR, 'server.log');
/** Written to the log before each start, so an error report shows only the latest run. */
const RUN_SEPARATOR = '=== stack:up starting the broker';
/** What our broker's command line contains, and no other process's. */
const BROKER_MARKERS = ['kafka.Kafka', PROPERTIES];
const NO_JAVA = 'could not run `java`: the Kafka broker needs a JDK 17+ on the PATH';

/** The pid of the broker stack:up started, if it is still running (found even if its pid file went missing). */
export function runningBrokerPid(): number | undefined {
  const recorded = readPid(BROKER_PID_FILE);
  if (recorded !== undefined && isOurProcess(recorded, BROKER_MARKERS)) return recorded;
  return processesMatching(BROKER_MARKERS)[0];
}

/** Where our broker listens for clients (host:port), from the server.properties it was started with. */
export function ourBrokerAddress(): string | undefined {
  if (!existsSync(PROPERTIES)) return undefined;
  return /^listeners=PLAINTEXT:\/\/([^,\s]+)/m.exec(readFileSync(PROPERTIES, 'utf8'))?.[1];
}

/** Starts the broker detached, listening on host:port, and returns its pid. Formats storage on first use. */
export function startBroker(host: string, port: number): number {
  ensureDir(KAFKA_DIR);
  const jvm = ['-cp', brokerClasspath(), `-Dlog4j2.configurationFile=${LOG4J_CONFIG}`];
  writeProperties(host, port);
  if (!existsSync(join(DATA_DIR, 'meta.properties'))) formatStorage(jvm);

  appendFileSync(BROKER_LOG, `\n${RUN_SEPARATOR} at ${new Date().toISOString()}\n`);
  const log = openSync(BROKER_LOG, 'a');
  const heap = ['-Xms256m', '-Xmx1g', '-XX:+UseG1GC', '-Djava.awt.headless=true'];
  // detached: its own session, so it survives this script and a ^C in the terminal that ran it.
  const broker = spawn('java', [...heap, ...jvm, 'kafka.Kafka', PROPERTIES], {
    detached: true,
    stdio: ['ignore', log, log],
  });
  broker.on('error', () => undefined); // a missing java surfaces below as an undefined pid
  broker.unref();
  if (broker.pid === undefined) throw new StackError(NO_JAVA);
  writePid(BROKER_PID_FILE, broker.pid);
  return broker.pid;
}

/** Waits until the broker we started answers; fails early, with its log, if the process dies. */
export async function waitForOurBroker(kafka: KafkaSettings, pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) {
      removeFile(BROKER_PID_FILE);
      throw new StackError(`the Kafka broker (pid ${pid}) exited during start-up`, brokerLogTail());
    }
    try {
      // Short rounds, so a broker that dies is noticed within seconds rather than at the deadline.
      await waitForBroker(kafka, Math.min(5_000, Math.max(1_000, deadline - Date.now())));
      return;
    } catch (error) {
      lastError = error;
    }
  }
  throw new StackError(
    `the Kafka broker (pid ${pid}) did not answer within ${timeoutMs / 1000} s: ${(lastError as Error).message}`,
    brokerLogTail(),
  );
}

/** Stops our broker: the recorded pid, and any broker of ours that lost its pid file. */
export async function stopBroker(): Promise<boolean> {
  const pids = processesMatching(BROKER_MARKERS);
  // SIGTERM starts a controlled shutdown, a few seconds on one node; SIGKILL only if it hangs.
  await Promise.all(pids.map((pid) => terminate(pid, 30_000)));
  removeFile(BROKER_PID_FILE);
  return pids.length > 0;
}

export function brokerLogTail(): string {
  return logTail(BROKER_LOG, {
    lines: 10,
    since: RUN_SEPARATOR,
    errors: /^\[.*\] (ERROR|FATAL) |^Caused by: /,
  });
}

/** The broker's runtime classpath: from Maven once, then from a cache keyed by the pom's content. */
function brokerClasspath(): string {
  const pomHash = createHash('sha256').update(readFileSync(POM)).digest('hex').slice(0, 16);
  const cached = join(KAFKA_DIR, `classpath-${pomHash}.txt`);
  if (existsSync(cached)) {
    const classpath = readFileSync(cached, 'utf8').trim();
    // ~/.m2 may have been cleaned since; then ask Maven again rather than start a broker that cannot load.
    if (classpath.split(':').every((jar) => existsSync(jar))) return classpath;
  }
  console.log('stack: resolving the Kafka broker jars with Maven (first run only; may take a few minutes)');
  const partial = `${cached}.partial`;
  const goal = ['dependency:build-classpath', `-Dmdep.outputFile=${partial}`];
  run('mvn', ['-q', '-B', '-Dstyle.color=never', '-f', POM, ...goal], {
    failure: 'Maven could not resolve the Kafka broker jars',
    missing: 'Maven (`mvn`) is needed to fetch the Kafka broker jars, e.g. apt-get install maven',
  });
  renameSync(partial, cached);
  return readFileSync(cached, 'utf8').trim();
}

function writeProperties(host: string, port: number): void {
  // The controller listens on the next port; it is never advertised to clients.
  const controller = `${host}:${port + 1}`;
  const lines = [
    '# Written by scripts/stack/kafka-broker.ts on every start: a single-node KRaft broker for development.',
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.bootstrap.servers=${controller}`,
    `listeners=PLAINTEXT://${host}:${port},CONTROLLER://${controller}`,
    `advertised.listeners=PLAINTEXT://${host}:${port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${DATA_DIR}`,
    // Topics are created on purpose (stack:up, tests), with the partition count we choose.
    'auto.create.topics.enable=false',
    // One broker: every internal topic has a single replica.
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    // No other group member is coming: assign partitions to the first consumer at once.
    'group.initial.rebalance.delay.ms=0',
  ];
  writeFileSync(PROPERTIES, `${lines.join('\n')}\n`);
}

/** `kafka-storage format --standalone`: a fresh cluster id and a single-voter dynamic controller quorum. */
function formatStorage(jvm: string[]): void {
  const format = ['format', '--cluster-id', clusterId(), '--config', PROPERTIES, '--standalone'];
  run('java', [...jvm, 'kafka.tools.StorageTool', ...format], {
    failure: 'formatting the Kafka storage failed',
    missing: NO_JAVA,
  });
}

/** 16 random bytes in URL-safe base64, like `kafka-storage random-uuid`, never starting with '-' (a flag). */
function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function run(command: string, args: string[], messages: { failure: string; missing: string }): void {
  try {
    execFileSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const failed = error as NodeJS.ErrnoException & { stdout?: Buffer; stderr?: Buffer };
    if (failed.code === 'ENOENT') throw new StackError(messages.missing);
    const output = `${failed.stdout?.toString() ?? ''}${failed.stderr?.toString() ?? ''}`.trimEnd();
    throw new StackError(messages.failure, output.split('\n').slice(-20).join('\n'));
  }
}
