import { describe, expect, it } from 'vitest';
import {
  createPartitionState,
  processBatch,
  serializePartitionState,
} from '../../processors/partition/index.js';
import { configLookup, SEED_MACHINE_TYPE_CONFIGS } from '../../processors/threshold-detection/index.js';
import { createFleet, generateReadings } from '../simulator/index.js';
import { partitionSnapshot, restorePartition } from './partition-snapshots.js';

describe('partition snapshots in storage form', () => {
  it('given a folded partition, split into per-machine rows and joined back, restores the same state', () => {
    const fleet = createFleet({ machines: 40, seed: 3, startTime: Date.UTC(2026, 0, 1), faultFraction: 0.5 });
    const records = generateReadings(fleet, { count: 4_000 }).map((reading, offset) => ({ offset, reading }));
    const { state } = processBatch(createPartitionState(), records, configLookup(SEED_MACHINE_TYPE_CONFIGS));

    const stored = partitionSnapshot(state, 4_000n);
    expect(stored.machines).toHaveLength(40);
    // Through JSON, as JSONB gives it back, and in another order.
    const rows = JSON.parse(JSON.stringify([...stored.machines].reverse())) as typeof stored.machines;
    const restored = restorePartition(JSON.parse(JSON.stringify(stored.partitionState)), rows);

    expect(serializePartitionState(restored)).toEqual(serializePartitionState(state));
  });
});
