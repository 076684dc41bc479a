// The notifier's runtime: routes file, channels (HTTP, SMTP), durable state and the poll loop.
export { createChannels, messageIdFor, type AttemptOutcome, type Channels } from './channels.js';
export { createNotifierMetrics, type NotifierMetrics } from './metrics.js';
export { Notifier, type NotifierOptions } from './notifier.js';
export { loadRoutesFile } from './routes-file.js';
