// The digital twin of one machine: what the fold knows about it, as plain JSON-ready data of bounded size
// (no per-reading history), so 100k twins fit in memory and snapshot to JSONB as they are.
import type { MachineStatus, SensorReading } from '../readings/reading.js';
import { emptySeqWindow, markSeq, type SeqWindow } from './seq-window.js';
import { addReadingToStats, emptyStats, type TwinStats } from './sensor-stats.js';

/** Sensor values of the latest in-order reading, i.e. at the twin's lastEventTime. */
export interface LatestValues {
  temperature: number;
  vibration: number;
  load: number;
  /** Optional sensors: undefined when the latest reading did not carry them. */
  rpm?: number;
  powerKw?: number;
  pressureBar?: number;
  /** Cumulative production counters: the last ones any in-order reading carried. */
  goodCount?: number;
  rejectCount?: number;
}

export interface TwinCounters {
  /** Readings applied in order (the first one included). */
  applied: number;
  /** Readings accepted out of order (within the grace period): statistics only. */
  outOfOrder: number;
  duplicates: number;
  late: number;
}

export interface Twin {
  machineId: string;
  /** The type of the latest in-order reading: it selects the thresholds. */
  machineType: string;
  /** Event time of the earliest accepted reading. */
  firstSeen: number;
  /** Event time of the most recently accepted reading, in arrival order (older than lastEventTime after an out-of-order one). */
  lastSeen: number;
  /** Event time of the latest in-order reading; never moves backwards. */
  lastEventTime: number;
  status: MachineStatus;
  /** Event time at which the current status began. */
  statusSince: number;
  /**
   * Arrival clock (docs/time.md): when the machine's latest message reached the broker, whatever became of it.
   * Loss of signal is judged on it. Snapshots from before it restore it as lastEventTime.
   */
  lastArrival: number;
  /** The machine's typical interval between arrivals, learned on the arrival clock; NaN before it has one. */
  arrivalIntervalMs: number;
  /**
   * Clock-skew watch (processors/threshold-detection/clock-skew): the arrival and event time at which the
   * machine's readings started arriving more than the allowance behind its clock; NaN when they are not.
   */
  behindSinceArrival: number;
  behindSinceEvent: number;
  latest: LatestValues;
  counters: TwinCounters;
  /** 30 numbers: [count, EWMA mean, EWMA variance, min, max] per sensor, TWIN_SENSORS order (see sensor-stats). */
  stats: TwinStats;
  seq: SeqWindow;
  /**
   * Rate-of-change tracks of the sensors threshold detection judges rates of: 6 numbers per sensor (see
   * rate-tracking); null while there are none.
   */
  rates: number[] | null;
  /**
   * The ML detector's state (processors/ml-detection, ML_STATE_LENGTH numbers); absent while no model has
   * judged the machine (and in snapshots written before the detector existed).
   */
  ml?: number[];
}

/** A new twin from the machine's first reading. */
export function createTwin(reading: SensorReading, arrivalTime = reading.timestamp): Twin {
  const t = reading.timestamp;
  const twin: Twin = {
    machineId: reading.machineId,
    machineType: reading.machineType,
    firstSeen: t,
    lastSeen: t,
    lastEventTime: t,
    status: reading.status,
    statusSince: t,
    lastArrival: arrivalTime,
    arrivalIntervalMs: NaN,
    behindSinceArrival: NaN,
    behindSinceEvent: NaN,
    latest: {
      temperature: reading.temperature,
      vibration: reading.vibration,
      load: reading.load,
      rpm: reading.rpm,
      powerKw: reading.powerKw,
      pressureBar: reading.pressureBar,
      goodCount: reading.goodCount,
      rejectCount: reading.rejectCount,
    },
    counters: { applied: 1, outOfOrder: 0, duplicates: 0, late: 0 },
    stats: emptyStats(),
    seq: emptySeqWindow(),
    rates: null,
  };
  addReadingToStats(twin.stats, reading, 1);
  if (reading.seq !== undefined) markSeq(twin.seq, reading.seq);
  return twin;
}

/** A deep copy (the twin is plain data: a few nested objects of numbers). */
export function cloneTwin(twin: Twin): Twin {
  return {
    ...twin,
    latest: { ...twin.latest },
    counters: { ...twin.counters },
    stats: twin.stats.slice(),
    seq: { ...twin.seq },
    rates: twin.rates === null ? null : twin.rates.slice(),
    ...(twin.ml !== undefined && { ml: twin.ml.slice() }),
  };
}
