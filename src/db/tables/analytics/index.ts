// The analytics database: what operators and plant managers read.
export * from './alerts.js';
export * from './anomaly-records.js';
export * from './performance-metrics.js';
export * from './maintenance-reports.js';
export * from './notification-logs.js';
export * from './ml-models.js';
// Beside the seed: the projector's read models and bookkeeping.
export * from './projector-checkpoints.js';
export * from './projector-positions.js';
export * from './performance-windows.js';
export * from './performance-rollups.js';
export * from './machine-twins.js';
export * from './alert-actions.js';
// Beside the seed: the notifier's decisions and outbox.
export * from './notification-route-states.js';
export * from './notification-outbox.js';
