// The arrival clock: when a reading reached the broker (the readings topic's LogAppendTime), as opposed to its
// event time (when the gateway says it measured it). Gateways' clocks drift and lie; the broker's does not, and it
// is stored in the log, so a replay judges every reading exactly as the first pass did. The processor and the
// projector judge each reading with these same rules, so what one applies the other applies too (docs/time.md).
import type { SensorReading } from './reading.js';

/** Header of the processor's clock ticks on the readings topic: no reading, only an arrival time. */
export const TICK_HEADER = 'twin.tick';

/** A readings-topic message that is one of the processor's clock ticks (consumers skip it as a reading). */
export function isClockTick(message: { readonly headers?: Readonly<Record<string, unknown>> }): boolean {
  return message.headers?.[TICK_HEADER] !== undefined;
}

export interface ArrivalPolicy {
  /**
   * How far ahead of its arrival a reading's event time may be (clock imprecision between gateway and broker).
   * Beyond it the gateway's clock runs ahead: the reading is re-timed to its arrival time.
   */
  readonly maxAheadMs: number;
  /**
   * How far behind its machine's latest event time a reading may still be applied (out of order). Older ones
   * are late: dead-lettered by the processor, left out of the windows by the projector.
   */
  readonly lateGraceMs: number;
  /**
   * How old (event time behind arrival) a store-and-forward backlog may be. Older readings are late, whatever
   * their machine's state. 0: no horizon.
   */
  readonly backlogHorizonMs: number;
}

export const DEFAULT_ARRIVAL_POLICY: ArrivalPolicy = {
  maxAheadMs: 60_000,
  lateGraceMs: 30_000,
  backlogHorizonMs: 7 * 24 * 3_600_000,
};

export interface ArrivedReading {
  /** The reading, re-timed to its arrival when the gateway's clock ran ahead. */
  readonly reading: SensorReading;
  /** How far ahead of its arrival the gateway stamped it (> maxAheadMs), or 0. */
  readonly aheadByMs: number;
  /**
   * Ahead, but its machine's data is a backlog (behind its arrival by more than the grace): re-timing would put
   * it after the rest of the backlog and make that late, so it is dead-lettered instead (`future_timestamp`).
   */
  readonly quarantined: boolean;
}

/**
 * A reading whose clock runs ahead of the broker's by more than the allowance: placed at its arrival time when
 * its machine is live (or new), so the gateway's wrong clock neither claims the future nor makes the machine's
 * later, correct readings late; dead-lettered when its machine is still sending older data.
 */
export function retimeReading(
  reading: SensorReading,
  arrivalTime: number,
  policy: Pick<ArrivalPolicy, 'maxAheadMs' | 'lateGraceMs'>,
  lastEventTime: number | null,
): ArrivedReading {
  const ahead = reading.timestamp - arrivalTime;
  if (ahead <= policy.maxAheadMs) return { reading, aheadByMs: 0, quarantined: false };
  if (lastEventTime !== null && lastEventTime < arrivalTime - policy.lateGraceMs) {
    return { reading, aheadByMs: ahead, quarantined: true };
  }
  const at = lastEventTime === null ? arrivalTime : Math.max(arrivalTime, lastEventTime);
  return { reading: { ...reading, timestamp: at }, aheadByMs: ahead, quarantined: false };
}

/** One line for a quarantined reading's dead letter. */
export function aheadDetail(
  reading: SensorReading,
  arrivalTime: number,
  lastEventTime: number,
  policy: Pick<ArrivalPolicy, 'maxAheadMs'>,
): string {
  return `event time ${reading.timestamp} is ${reading.timestamp - arrivalTime} ms ahead of its arrival ${arrivalTime} (allowance ${policy.maxAheadMs} ms) while machine ${reading.machineId}'s data is ${arrivalTime - lastEventTime} ms behind: its clock is wrong`;
}

export type Lateness = 'on_time' | 'out_of_order' | 'late' | 'beyond_horizon';

/**
 * The one lateness rule, per machine: judged against the machine's own latest event time (null before its
 * first reading), never against other machines' clocks, and against the backlog horizon on the arrival clock.
 */
export function judgeLateness(
  lastEventTime: number | null,
  eventTime: number,
  arrivalTime: number,
  policy: Pick<ArrivalPolicy, 'lateGraceMs' | 'backlogHorizonMs'>,
): Lateness {
  if (policy.backlogHorizonMs > 0 && eventTime < arrivalTime - policy.backlogHorizonMs) {
    return 'beyond_horizon';
  }
  if (lastEventTime === null || eventTime >= lastEventTime) return 'on_time';
  return eventTime < lastEventTime - policy.lateGraceMs ? 'late' : 'out_of_order';
}

/** One line for a late reading's dead letter, naming the rule and its bound. */
export function latenessDetail(
  lateness: 'late' | 'beyond_horizon',
  reading: SensorReading,
  lastEventTime: number | null,
  arrivalTime: number,
  policy: Pick<ArrivalPolicy, 'lateGraceMs' | 'backlogHorizonMs'>,
): string {
  if (lateness === 'beyond_horizon') {
    return `event time ${reading.timestamp} is ${arrivalTime - reading.timestamp} ms before its arrival ${arrivalTime}, beyond the backlog horizon of ${policy.backlogHorizonMs} ms`;
  }
  const behind = (lastEventTime ?? reading.timestamp) - reading.timestamp;
  return `event time ${reading.timestamp} is ${behind} ms behind machine ${reading.machineId}'s last event time ${lastEventTime} (grace ${policy.lateGraceMs} ms)`;
}
