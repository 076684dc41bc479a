// PARTITION_SILENT: no gateway reading has reached the partition for silentAfterMs of its arrival clock (moved
// on by clock ticks). Every machine on it goes silent too, one by one; this is the one row that says the whole
// partition did: a site's uplink, a gateway fleet behind one broker listener, a producer that stopped. It is
// recorded as an anomaly of a pseudo machine named after the partition (`<topic>:<partition>`), with machine type
// `partition`, and clears at the next reading.
import type { AnomalyEvent, EventSink } from '../threshold-detection/index.js';
import type { PartitionClock } from './partition-state.js';

export const PARTITION_SILENT_ANOMALY_TYPE = 'PARTITION_SILENT';
export const PARTITION_MACHINE_TYPE = 'partition';

export interface PartitionSilencePolicy {
  /** The partition's pseudo machine id, e.g. `sensor.readings:3` (≤ 50 characters). */
  readonly name: string;
  readonly silentAfterMs: number;
}

/** A record arrived at `arrivalTime`; `reading`: whether it was a gateway's reading. Returns the new clock. */
export function judgePartitionSilence(
  clock: PartitionClock,
  arrivalTime: number,
  reading: boolean,
  policy: PartitionSilencePolicy | undefined,
  sink: EventSink,
): PartitionClock {
  if (reading) {
    if (policy !== undefined && clock.silentSince !== null && clock.lastReadingArrival !== null) {
      emit(sink, 'ANOMALY_CLEARED', policy, arrivalTime, arrivalTime - clock.lastReadingArrival);
    }
    const last = clock.lastReadingArrival;
    return {
      lastReadingArrival: last === null || arrivalTime > last ? arrivalTime : last,
      silentSince: null,
    };
  }
  if (policy === undefined || clock.silentSince !== null || clock.lastReadingArrival === null) return clock;
  const silence = arrivalTime - clock.lastReadingArrival;
  if (!(silence > policy.silentAfterMs)) return clock;
  emit(sink, 'ANOMALY_OPENED', policy, arrivalTime, silence);
  return { ...clock, silentSince: arrivalTime };
}

function emit(
  sink: EventSink,
  type: AnomalyEvent['type'],
  policy: PartitionSilencePolicy,
  at: number,
  silence: number,
): void {
  sink.events.push({
    type,
    sourceOffset: sink.sourceOffset,
    index: sink.nextIndex++,
    machineId: policy.name,
    machineType: PARTITION_MACHINE_TYPE,
    eventTime: at,
    arrivalTime: at,
    anomalyType: PARTITION_SILENT_ANOMALY_TYPE,
    severity: 'HIGH',
    previousSeverity: null,
    ruleId: 'partition-silent',
    configMachineType: PARTITION_MACHINE_TYPE,
    configVersion: 0,
    clearReason: type === 'ANOMALY_CLEARED' ? 'back_to_normal' : null,
    reading: null,
    calculatedMetrics: { value: silence, bound: policy.silentAfterMs, durationMs: silence },
  });
}
