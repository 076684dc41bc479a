// A partition snapshot split for storage: one state_snapshots row per machine (the seed's table) and the
// partition-wide remainder beside the checkpoint; and joined back for recovery.
import {
  restorePartitionState,
  serializePartitionState,
  type PartitionState,
} from '../../processors/partition/index.js';
import type { PartitionSnapshot as StoredSnapshot } from '../db/repositories/snapshots.js';

export function partitionSnapshot(state: PartitionState, nextOffset: bigint): StoredSnapshot {
  const { machines, ...partitionState } = serializePartitionState(state);
  return {
    offset: nextOffset,
    streamTime: partitionState.streamTime ?? 0,
    machines: machines.map(({ machineId, ...machine }) => ({ machineId, state: machine })),
    partitionState,
  };
}

export function restorePartition(
  partitionState: unknown,
  machines: ReadonlyArray<{ machineId: string; state: unknown }>,
): PartitionState {
  const sorted = [...machines].sort((a, b) =>
    a.machineId < b.machineId ? -1 : a.machineId > b.machineId ? 1 : 0,
  );
  return restorePartitionState({
    ...(partitionState as object),
    machines: sorted.map(({ machineId, state }) => ({ machineId, ...(state as object) })),
  });
}
