// Bookkeeping for the processes the local stack starts: where their state lives, pid files, and the checks
// that make `stack:down` stop only what `stack:up` started.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TwinError } from '../../src/errors.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** Everything the local stack writes: data, logs, pid files. Git-ignored. */
export const STACK_DIR = join(REPO_ROOT, '.stack');

/** A failure of the stack: one line for the operator, plus an optional log excerpt. */
export class StackError extends TwinError {
  override readonly name = 'StackError';
  constructor(
    message: string,
    readonly detail?: string,
  ) {
    super('STACK_FAILED', message, false);
  }
}

export function ensureDir(path: string): string {
  mkdirSync(path, { recursive: true });
  return path;
}

export function removeFile(path: string): void {
  rmSync(path, { force: true });
}

export function readPid(pidFile: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number.parseInt(readFileSync(pidFile, 'utf8').split('\n')[0] ?? '', 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export function writePid(pidFile: string, pid: number): void {
  writeFileSync(pidFile, `${pid}\n`);
}

function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return undefined;
  }
}

/** Alive and not a zombie: a detached child whose parent has exited may linger unreaped once it ends. */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state letter follows the parenthesised command name, which may itself contain spaces.
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** True when `pid` is alive and its command line mentions every marker, so a recycled pid is never ours. */
export function isOurProcess(pid: number, markers: readonly string[]): boolean {
  const cmdline = isAlive(pid) ? commandLine(pid) : undefined;
  return cmdline !== undefined && markers.every((marker) => cmdline.includes(marker));
}

/** Every live process whose command line mentions all `markers`: ours, even if its pid file went missing. */
export function processesMatching(markers: readonly string[]): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => pid !== process.pid && isOurProcess(pid, markers));
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  intervalMs = 200,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await sleep(intervalMs);
  }
  return condition();
}

/** Sends `signal`, then SIGKILL if the process is still there after `graceMs`. Resolves once it is gone. */
export async function terminate(
  pid: number,
  graceMs: number,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<void> {
  if (!isAlive(pid)) return;
  process.kill(pid, signal);
  if (await waitUntil(() => !isAlive(pid), graceMs)) return;
  console.warn(`stack: pid ${pid} ignored ${signal} for ${graceMs / 1000} s; killing it`);
  process.kill(pid, 'SIGKILL');
  await waitUntil(() => !isAlive(pid), 5_000);
}

/**
 * The last lines of a log, for an error report. With `errors`, matching lines of the latest run (after the last
 * line starting with `since`) come first: a process that dies often logs the cause far above its final lines.
 */
export function logTail(
  path: string,
  { lines = 20, errors, since }: { lines?: number; errors?: RegExp; since?: string } = {},
): string {
  if (!existsSync(path)) return `(no log at ${path})`;
  const all = readFileSync(path, 'utf8').trimEnd().split('\n');
  const run = since === undefined ? all : all.slice(all.findLastIndex((line) => line.startsWith(since)) + 1);
  const tail = run.slice(-lines);
  const causes = errors ? run.filter((line) => errors.test(line) && !tail.includes(line)).slice(0, 8) : [];
  return [`--- ${path}`, ...causes, ...(causes.length > 0 ? ['[...]'] : []), ...tail].join('\n');
}

/** True when something accepts TCP connections at host:port within `timeoutMs`. */
export function portAnswers(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Only these hosts may get a server from stack:up: it starts processes on this machine, nowhere else. */
export function isLocalHost(host: string): boolean {
  return ['localhost', '127.0.0.1', '::1', '0.0.0.0'].includes(host) || host.startsWith('127.');
}
