// sensor.readings → performance windows: each batch's readings are summed per machine and event-time window
// (processors/performance-windows), the sums added to performance_windows and the affected performance_metrics
// rows (base window, hour, day) recomputed, all in the batch's transaction with the checkpoint. The partition's
// stream time travels with the checkpoint, so lateness is judged the same way on a rebuild.
import type pg from 'pg';
import { decodeReading } from '../../schemas/sensor-reading-codec.js';
import type { SensorReading } from '../../processors/readings/reading.js';
import { aggregateReadings, type WindowOptions } from '../../processors/performance-windows/index.js';
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
  readonly maxFutureSkewMs: number;
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
    const readings: SensorReading[] = [];
    let invalid = 0;
    for (const message of messages) {
      // The same checks as the processor's: what it dead-letters is not a reading here either.
      const decoded = decodeReading(message.value, {
        maxBytes: this.options.maxMessageBytes,
        nowMs: Number(message.timestamp),
        maxFutureSkewMs: this.options.maxFutureSkewMs,
      });
      if (!decoded.ok || (message.key !== null && message.key.toString() !== decoded.reading.machineId)) {
        invalid += 1;
      } else {
        readings.push(decoded.reading);
      }
    }
    if (invalid > 0) metrics.readings.inc({ outcome: 'invalid' }, invalid);
    if (readings.length === 0) return { streamTime, newestEventTime: null };

    const known = this.known.get(partition);
    const unknown = [...new Set(readings.map((reading) => reading.machineId))].filter(
      (machineId) => !known?.has(machineId),
    );
    const loaded = await loadWindowPositions(client, unknown);
    const positions = { get: (machineId: string) => loaded.get(machineId) ?? known?.get(machineId) };
    const folded = aggregateReadings({ streamTime, readings, positions, options: window });
    await addWindowSums(client, folded.sums);
    // The readings name their machines' types: ml_model_version is the type's model live at each window's end.
    const machineTypes = new Map(readings.map((reading) => [reading.machineId, reading.machineType]));
    await refreshPerformanceMetrics(client, folded.sums, window.windowMs, machineTypes);
    await saveWindowPositions(client, folded.positions);
    // Positions loaded but not moved (every reading a duplicate) are worth keeping too.
    this.pending.set(partition, new Map([...loaded, ...folded.positions]));

    metrics.readings.inc({ outcome: 'applied' }, folded.counts.applied);
    metrics.readings.inc({ outcome: 'duplicate' }, folded.counts.duplicates);
    metrics.readings.inc({ outcome: 'late' }, folded.counts.late);
    metrics.windowCloses.inc(closesBetween(streamTime, folded.streamTime, window));
    const newest = readings.reduce((max, reading) => Math.max(max, reading.timestamp), 0);
    return { streamTime: folded.streamTime, newestEventTime: newest };
  }
}

/** Window ends the watermark (stream time − grace) passed when stream time moved from `before` to `after`. */
function closesBetween(before: number | null, after: number | null, window: WindowOptions): number {
  if (before === null || after === null || after <= before) return 0;
  const closedBy = (t: number) => Math.floor((t - window.graceMs) / window.windowMs);
  return Math.max(0, closedBy(after) - closedBy(before));
}
