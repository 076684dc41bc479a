// What a partition's arrival clock says about its machines, for the processor's gauges and alert rules: when a
// gateway's reading last arrived (kept by the fold), and how many machines are silent or have a skewed clock (a
// scan of the twins: the runtime asks every few seconds, not per reading).
import { isClockSkewed, isStale } from '../threshold-detection/index.js';
import { checkout, type PartitionState } from './partition-state.js';

export interface PartitionSignal {
  /** Arrival time of the partition's latest reading (clock ticks and dead letters aside); null before any. */
  readonly lastReadingArrival: number | null;
  readonly silentMachines: number;
  readonly skewedMachines: number;
}

export function partitionSignal(state: PartitionState): PartitionSignal {
  let silentMachines = 0;
  let skewedMachines = 0;
  for (const entry of checkout(state).machines.values()) {
    if (isStale(entry.detection)) silentMachines++;
    if (isClockSkewed(entry.detection)) skewedMachines++;
  }
  return { lastReadingArrival: state.signal.lastReadingArrival, silentMachines, skewedMachines };
}
