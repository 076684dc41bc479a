// `stack:up` run again while the stack is up: exits 0, starts nothing new, and the topics are as configured.
// Runs against the real stack (`npm run stack:up` first), so it also holds when the broker is not ours.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { describeTopicPartitions } from '../../src/kafka/topics.js';
import { POSTGRES_PID_FILE } from './embedded-postgres.js';
import { BROKER_PID_FILE } from './kafka-broker.js';
import { REPO_ROOT } from './processes.js';

const config = loadConfig();
const readIfPresent = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : undefined);

describe('stack:up', () => {
  it('run again while the stack is up, exits 0 and starts no second broker or server', () => {
    const brokerPidBefore = readIfPresent(BROKER_PID_FILE);
    const postgresPidBefore = readIfPresent(POSTGRES_PID_FILE);

    const tsx = join(REPO_ROOT, 'node_modules/.bin/tsx');
    const run = spawnSync(tsx, ['scripts/stack/up.ts'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 100_000,
    });

    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/Kafka already (running|answers)/);
    expect(run.stdout).not.toMatch(/starting Kafka|started embedded PostgreSQL/);
    expect(run.stdout).toContain(`KAFKA_BROKERS=${config.kafka.brokers.join(',')}`);
    expect(run.stdout).toContain('TWIN_DATABASE_URL=');
    expect(readIfPresent(BROKER_PID_FILE)).toBe(brokerPidBefore);
    expect(readIfPresent(POSTGRES_PID_FILE)).toBe(postgresPidBefore);
  });

  it('has the three topics, each with the configured partition count', async () => {
    const { readings, twinEvents, deadLetter, partitions } = config.topics;
    const found = await describeTopicPartitions(config.kafka, [readings, twinEvents, deadLetter]);
    expect(Object.fromEntries(found)).toEqual({
      [readings]: partitions,
      [twinEvents]: partitions,
      [deadLetter]: partitions,
    });
  });
});
