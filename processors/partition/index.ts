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
  processBatch,
  type BatchCounts,
  type BatchResult,
  type ClockRecord,
  type FoldOptions,
  type FoldRecord,
  type ReadingRecord,
  type RejectedReading,
} from './process-batch.js';
export { partitionSignal, type PartitionSignal } from './signal.js';
export {
  PARTITION_MACHINE_TYPE,
  PARTITION_SILENT_ANOMALY_TYPE,
  type PartitionSilencePolicy,
} from './partition-silence.js';
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
