// The life of a long-running process: start within a deadline or exit with one clear line; serve health and
// metrics; on SIGTERM/SIGINT go unready first, then stop in order within the shutdown deadline.
import { oneLine, TwinError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { OpsServer } from '../http/ops-server.js';

export interface RunningService {
  /** Stops fetching, finishes in-flight work, closes clients. */
  stop(): Promise<void>;
}

export interface ServiceOptions {
  name: string;
  logger: Logger;
  startupTimeoutMs: number;
  shutdownTimeoutMs: number;
  ops: OpsServer;
  start(): Promise<RunningService>;
}

/** Runs a service until a signal stops it; resolves with the exit code the process should use. */
export async function runService(options: ServiceOptions): Promise<number> {
  const { logger, ops } = options;
  // Listen from the start: a SIGTERM that arrives while starting stops the service as soon as it is up.
  const stopSignal = nextStopSignal();
  let service: RunningService;
  try {
    service = await withDeadline(
      options.start(),
      options.startupTimeoutMs,
      () => new TwinError('STARTUP_TIMEOUT', `did not start within ${options.startupTimeoutMs / 1000} s`),
    );
  } catch (error) {
    await ops.close();
    throw error;
  }
  ops.setReady(true);
  logger.info({ port: ops.port }, `${options.name} started`);

  const signal = await stopSignal;
  logger.info({ signal }, `${options.name} stopping`);
  ops.setReady(false);
  try {
    await withDeadline(
      service.stop(),
      options.shutdownTimeoutMs,
      () => new Error(`did not stop within ${options.shutdownTimeoutMs / 1000} s`),
    );
  } catch (error) {
    logger.error({ err: error }, `${options.name} stopped uncleanly: ${oneLine(error)}`);
    await ops.close();
    return 1;
  }
  await ops.close();
  logger.info(`${options.name} stopped`);
  return 0;
}

function nextStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      // A second signal while stopping means "now": exit without waiting for the graceful path.
      process.once('SIGTERM', () => process.exit(130));
      process.once('SIGINT', () => process.exit(130));
      resolve(signal);
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  });
}

export async function withDeadline<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
