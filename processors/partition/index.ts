// The per-partition fold: batches of readings in, twin and anomaly events out, snapshots in between.
export {
  StalePartitionStateError,
  createPartitionState,
  getDetection,
  getTwin,
  machineCount,
  machineIds,
  type PartitionState,
} from './partition-state.js';
export {
  advanceStreamTime,
  processBatch,
  type AdvanceResult,
  type BatchCounts,
  type BatchResult,
  type FoldOptions,
  type ReadingRecord,
  type RejectedReading,
} from './process-batch.js';
export {
  SNAPSHOT_FORMAT,
  SnapshotError,
  restorePartitionState,
  serializePartitionState,
  type MachineSnapshot,
  type PartitionSnapshot,
} from './snapshot.js';
export {
  summarizeTwin,
  type SensorSummary,
  type StatusChangedEvent,
  type TwinEvent,
  type TwinEventType,
  type TwinSummary,
  type TwinUpdatedEvent,
} from './twin-event.js';
