// One pino root logger per process; components take child loggers with a `component` field.
import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

export function createLogger(options: { level: string; name: string }): Logger {
  return pino({
    name: options.name,
    level: options.level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Credentials can appear in connection settings; never let them reach a log line.
    redact: ['password', '*.password', 'sasl.password', 'url'],
  });
}
