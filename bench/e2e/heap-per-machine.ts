// Heap after GC of warm twin state (the pure fold, in process), for `npm run bench`. Run as
// `node --expose-gc --import tsx bench/e2e/heap-per-machine.ts 0 10000 100000`; prints one JSON line.
import { createPartitionState, processBatch, type ReadingRecord } from '../../processors/partition/index.js';
import { configLookup, SEED_MACHINE_TYPE_CONFIGS } from '../../processors/threshold-detection/index.js';
import { createFleet } from '../../src/simulator/index.js';

const configs = configLookup(SEED_MACHINE_TYPE_CONFIGS);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const collect = gc;

const heapUsed = () => process.memoryUsage().heapUsed;

/** Heap held by a partition state of `machines` warm twins (3 readings each), after GC. */
function measure(machines: number): { machines: number; heapBytes: number; bytesPerMachine: number | null } {
  const fleet = createFleet({ machines: Math.max(machines, 1), seed: 7, startTime: 1_750_000_000_000 });
  collect();
  const before = heapUsed();
  let state = createPartitionState();
  let offset = 0;
  for (let round = 0; round < 3 && machines > 0; round++) {
    for (let start = 0; start < machines; start += 5_000) {
      const records: ReadingRecord[] = [];
      for (let i = start; i < Math.min(start + 5_000, machines); i++) {
        records.push({ offset: offset++, reading: fleet.next() });
      }
      state = processBatch(state, records, configs).state;
    }
  }
  // One last one-reading batch, so the undo buffer holds one twin's copy, not a whole batch.
  state = processBatch(state, [{ offset: offset++, reading: fleet.next() }], configs).state;
  collect();
  const heapBytes = heapUsed() - before;
  if (!state) throw new Error('unreachable');
  return { machines, heapBytes, bytesPerMachine: machines > 0 ? heapBytes / machines : null };
}

measure(2_000); // warm-up: JIT, configs, code
const sizes = process.argv.slice(2).map(Number);
console.log(JSON.stringify(sizes.map(measure)));
