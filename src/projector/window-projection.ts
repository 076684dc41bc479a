// sensor.readings → performance windows: each batch's readings are summed per machine and event-time window
// (processors/performance-windows), the sums added to performance_windows and the affected performance_metrics
// rows (base window, hour, day) recomputed, all in the batch's transaction with the checkpoint. Each reading is
// judged as the processor judges it (processors/readings/arrival.ts): re-timed to its arrival when its gateway's
// clock runs ahead, late against its own machine's latest event time (kept in projector_positions) or beyond
// the backlog horizon on the arrival clock. The checkpoint carries the partition's arrival clock (the largest
// LogAppendTime seen, clock ticks included), so a rebuild and an incremental run judge every reading alike.
import type pg from 'pg';
import { decodeReading } from '../../schemas/sensor-reading-codec.js';
import { isClockTick } from '../../processors/readings/arrival.js';
import {
  aggregateReadings,
  type ArrivingReading,
  type WindowOptions,
} from '../../processors/performance-windows/index.js';
import {
  addWindowSums,
  loadWindowPositions,
  refreshPerformanceMetrics,
  saveWindowPositions,
} from '../db/repositories/performance-windows.js';
import type { ProjectedMessage, ProjectionStep } from './partition-projection.js';
import type { MachineWindowPosition } from '../../processors/performance-windows/index.js';
import type { ProjectorMetrics } from './projector-metrics.js';

export interface WindowProjectionOptions {
  readonly window: WindowOptions;
  readonly maxMessageBytes: number;
  /**
   * How long after its end, on the arrival clock, a window may still change (the backlog horizon): the
   * `twin_projector_window_closes_total` count and retention's final days use it.
   */
  readonly windowsFinalAfterMs: number;
  readonly metrics: ProjectorMetrics;
}

export class WindowProjection implements ProjectionStep {
  /**
   * Per partition, the committed window positions of the machines it has seen: a machine's readings all come
   * through its own partition, so after the first load its position changes only here. Saves reading
   * thousands of projector_positions rows back every batch.
   */
  private readonly known = new Map<number, Map<string, MachineWindowPosition>>();
  /** Per partition, the positions of the batch in flight, kept once it commits. */
  private readonly pending = new Map<number, ReadonlyMap<string, MachineWindowPosition>>();

  constructor(private readonly options: WindowProjectionOptions) {}

  committed(partition: number): void {
    const positions = this.pending.get(partition);
    if (!positions) return;
    this.pending.delete(partition);
    let known = this.known.get(partition);
    if (!known) this.known.set(partition, (known = new Map<string, MachineWindowPosition>()));
    for (const [machineId, position] of positions) known.set(machineId, position);
  }

  forget(partition: number): void {
    this.pending.delete(partition);
    this.known.delete(partition);
  }

  async project(
    client: pg.PoolClient,
    partition: number,
    messages: readonly ProjectedMessage[],
    streamTime: number | null,
  ) {
    const { metrics, window } = this.options;
    const readings: ArrivingReading[] = [];
    let clock = streamTime;
    let invalid = 0;
    for (const message of messages) {
      const arrivalTime = Number(message.timestamp);
      if (clock === null || arrivalTime > clock) clock = arrivalTime;
      // The processor's clock ticks carry an arrival time only.
      if (isClockTick(message)) continue;
      // The same checks as the processor's: what it dead-letters is not a reading here either. A clock running
      // ahead is not refused: the reading is re-timed to its arrival, as the processor does.
      const decoded = decodeReading(message.value, {
        maxBytes: this.options.maxMessageBytes,
        nowMs: arrivalTime,
        maxFutureSkewMs: Number.POSITIVE_INFINITY,
      });
      if (!decoded.ok || (message.key !== null && message.key.toString() !== decoded.reading.machineId)) {
        invalid += 1;
      } else {
        readings.push({ reading: decoded.reading, arrivalTime });
      }
    }
    if (invalid > 0) metrics.readings.inc({ outcome: 'invalid' }, invalid);
    metrics.windowCloses.inc(
      closesBetween(streamTime, clock, window.windowMs, this.options.windowsFinalAfterMs),
    );
    if (readings.length === 0) return { streamTime: clock, newestEventTime: null };

    const known = this.known.get(partition);
    const unknown = [...new Set(readings.map(({ reading }) => reading.machineId))].filter(
      (machineId) => !known?.has(machineId),
    );
    const loaded = await loadWindowPositions(client, unknown);
    const positions = { get: (machineId: string) => loaded.get(machineId) ?? known?.get(machineId) };
    const folded = aggregateReadings({ readings, positions, options: window });
    await addWindowSums(client, folded.sums);
    // The readings name their machines' types: ml_model_version is the type's model live at each window's end.
    const machineTypes = new Map(readings.map(({ reading }) => [reading.machineId, reading.machineType]));
    await refreshPerformanceMetrics(client, folded.sums, window.windowMs, machineTypes);
    await saveWindowPositions(client, folded.positions);
    // Positions loaded but not moved (every reading a duplicate) are worth keeping too.
    this.pending.set(partition, new Map([...loaded, ...folded.positions]));

    metrics.readings.inc({ outcome: 'applied' }, folded.counts.applied);
    metrics.readings.inc({ outcome: 'duplicate' }, folded.counts.duplicates);
    metrics.readings.inc({ outcome: 'late' }, folded.counts.late);
    return { streamTime: clock, newestEventTime: folded.newestEventTime };
  }
}

/**
 * Window ends the watermark (arrival clock − the time windows stay open to backlogs) passed when the arrival
 * clock moved from `before` to `after`: windows that can no longer change.
 */
function closesBetween(
  before: number | null,
  after: number | null,
  windowMs: number,
  finalAfterMs: number,
): number {
  if (before === null || after === null || after <= before) return 0;
  const closedBy = (t: number) => Math.floor((t - finalAfterMs) / windowMs);
  return Math.max(0, closedBy(after) - closedBy(before));
}
