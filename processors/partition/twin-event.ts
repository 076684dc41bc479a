// What the fold emits for the runtime to publish on twin.events (and write to the anomaly tables).
// Every event names the reading offset it came from and its index among that offset's events, so the
// runtime can build ids `<partition>-<sourceOffset>-<index>` that a replay reproduces exactly.
import type { MachineStatus, SensorReading } from '../readings/reading.js';
import type { AnomalyEvent } from '../threshold-detection/index.js';
import {
  TWIN_SENSORS,
  sensorStats,
  type LatestValues,
  type Twin,
  type TwinCounters,
  type TwinSensor,
} from '../twin-state/index.js';

export interface StatusChangedEvent {
  readonly type: 'STATUS_CHANGED';
  readonly sourceOffset: number;
  readonly index: number;
  readonly machineId: string;
  readonly machineType: string;
  readonly eventTime: number;
  /** null for the machine's first reading. */
  readonly from: MachineStatus | null;
  readonly to: MachineStatus;
  /** How long the previous status lasted (event time), null for the first reading. */
  readonly previousDurationMs: number | null;
  readonly reading: SensorReading;
}

export interface SensorSummary {
  readonly count: number;
  readonly mean: number;
  readonly stdDev: number;
  readonly min: number;
  readonly max: number;
}

/** The twin after a batch, without its bookkeeping (sequence window, raw variances). */
export interface TwinSummary {
  readonly machineType: string;
  readonly status: MachineStatus;
  readonly statusSince: number;
  readonly firstSeen: number;
  readonly lastSeen: number;
  readonly lastEventTime: number;
  readonly latest: LatestValues;
  readonly counters: TwinCounters;
  readonly stats: { readonly [S in TwinSensor]?: SensorSummary };
}

/** One per machine touched by a batch, at the offset of its last reading in the batch (after that offset's other events). */
export interface TwinUpdatedEvent {
  readonly type: 'TWIN_UPDATED';
  readonly sourceOffset: number;
  readonly index: number;
  readonly machineId: string;
  readonly machineType: string;
  /** The twin's lastEventTime. */
  readonly eventTime: number;
  readonly twin: TwinSummary;
}

export type TwinEvent = AnomalyEvent | StatusChangedEvent | TwinUpdatedEvent;
export type TwinEventType = TwinEvent['type'];

export function summarizeTwin(twin: Twin): TwinSummary {
  const stats: { [S in TwinSensor]?: SensorSummary } = {};
  for (const sensor of TWIN_SENSORS) {
    const s = sensorStats(twin.stats, sensor);
    if (s)
      stats[sensor] = { count: s.count, mean: s.mean, stdDev: Math.sqrt(s.variance), min: s.min, max: s.max };
  }
  const { temperature, vibration, load, rpm, powerKw, pressureBar, goodCount, rejectCount } = twin.latest;
  const latest: LatestValues = { temperature, vibration, load };
  if (rpm !== undefined) latest.rpm = rpm;
  if (powerKw !== undefined) latest.powerKw = powerKw;
  if (pressureBar !== undefined) latest.pressureBar = pressureBar;
  if (goodCount !== undefined) latest.goodCount = goodCount;
  if (rejectCount !== undefined) latest.rejectCount = rejectCount;
  const { applied, outOfOrder, duplicates, late } = twin.counters;
  return {
    machineType: twin.machineType,
    status: twin.status,
    statusSince: twin.statusSince,
    firstSeen: twin.firstSeen,
    lastSeen: twin.lastSeen,
    lastEventTime: twin.lastEventTime,
    latest,
    counters: { applied, outOfOrder, duplicates, late },
    stats,
  };
}
