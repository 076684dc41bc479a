// A process that cannot reach what it needs refuses to start quickly, with one clear line and a non-zero exit.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const CLI = new URL('../../src/apps/cli.ts', import.meta.url).pathname;

function runProcessor(
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'processor'], {
      env: { ...process.env, HTTP_PORT: '0', LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, stderr, ms: Date.now() - started });
    });
  });
}

describe('twin processor with a bad configuration', () => {
  it.each([
    [
      'an unresolvable broker',
      { KAFKA_BROKERS: 'nonsense:1' },
      /^twin processor: cannot reach Kafka at nonsense:1: /,
    ],
    [
      'an unreachable twin database',
      { TWIN_DATABASE_URL: 'postgres://postgres@127.0.0.1:1/twin' },
      /^twin processor: cannot reach the twin database at 127\.0\.0\.1:1\/twin: .*ECONNREFUSED/,
    ],
    ['a malformed setting', { HTTP_PORT: 'eighty' }, /^twin processor: invalid configuration: HTTP_PORT: /],
  ])('given %s, exits non-zero within 15 s with one clear line', async (_, env, message) => {
    const result = await runProcessor(env);
    expect(result.code).not.toBe(0);
    expect(result.code).not.toBeNull();
    expect(result.ms).toBeLessThan(15_000);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message);
  });
});
