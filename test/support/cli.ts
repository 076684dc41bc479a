// `twin <args>` run to completion as a user runs it (through tsx, from the sources), for the e2e specs: its exit
// code and everything it printed.
import { spawn } from 'node:child_process';

export const TWIN_CLI = new URL('../../src/apps/cli.ts', import.meta.url).pathname;

export interface TwinRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runTwin(args: readonly string[], env: Record<string, string>): Promise<TwinRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', TWIN_CLI, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
