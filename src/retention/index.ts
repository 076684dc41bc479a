// Retention's I/O: the batches, the watermarks they respect, and the run's metrics.
export { runRetentionJob, type RetentionJobOptions, type TableSummary } from './job.js';
export { createRetentionMetrics, type RetentionMetrics } from './metrics.js';
export { retentionConfigOf, retentionEnvironment, type RetentionConfig } from './options.js';
export { readWatermarks, type WatermarkSources } from './watermarks.js';
