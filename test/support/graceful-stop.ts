// SIGTERM to a service child process, watching its readiness while it stops: a graceful stop answers /readyz
// with 503 before it exits.
import type { ChildProcess } from 'node:child_process';

export interface GracefulStop {
  /** The process's exit code (service.ts exits 1 past SHUTDOWN_TIMEOUT_MS). */
  readonly code: number | null;
  /** From the signal to the exit. */
  readonly stopMs: number;
  /** /readyz answered 503 while the process was still running. */
  readonly unreadyBeforeExit: boolean;
}

export async function stopWithSigterm(
  child: ChildProcess & { readonly port: number },
): Promise<GracefulStop> {
  let exitedAt = 0;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      exitedAt = Date.now();
      resolve(code);
    }),
  );
  const signalledAt = Date.now();
  child.kill('SIGTERM');
  let unreadyBeforeExit = false;
  while (child.exitCode === null && exitedAt === 0) {
    const status = await fetch(`http://127.0.0.1:${child.port}/readyz`).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 503 && child.exitCode === null) {
      unreadyBeforeExit = true;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const code = await exited;
  return { code, stopMs: exitedAt - signalledAt, unreadyBeforeExit };
}
