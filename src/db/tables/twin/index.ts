// The twin database: the processor's own state.
export * from './state-snapshots.js';
export * from './anomaly-history.js';
export * from './machine-configurations.js';
export * from './processor-checkpoints.js';
