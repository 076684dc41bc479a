// Store-and-forward: a gateway that loses its uplink for 2 hours buffers its readings and sends them in a burst
// when it is back. Folded in arrival order (as the log holds them), the machine gets the same twin and the same
// anomalies at the same event times as when every reading arrived on time; only its loss of signal, on the arrival
// clock, differs, and it resolves with the true silence.
import { describe, expect, it } from 'vitest';
import type { SensorReading } from '../readings/reading.js';
import { machine, minutes, seconds, T0 } from '../testing/index.js';
import { PUMP_CONFIG, configLookup, type AnomalyEvent } from '../threshold-detection/index.js';
import { createPartitionState, getTwin, processBatch, type FoldRecord, type TwinEvent } from './index.js';

const HOURS_3 = 3 * 60;
const OUTAGE_FROM = T0 + minutes(30);
const OUTAGE_TO = T0 + minutes(150);

/** Three hours at 1 s of two pumps; pump-a runs hot for 5 minutes inside what will be its outage. */
function readings(): SensorReading[] {
  const a = machine('pump-a', 'pump');
  const b = machine('pump-b', 'pump');
  const out: SensorReading[] = [];
  for (let s = 0; s < HOURS_3 * 60; s++) {
    const hot = s >= 60 * 60 && s < 65 * 60;
    out.push(a.at(seconds(s), { temperature: hot ? 95 : 60 }));
    out.push(b.at(seconds(s), { temperature: 61 }));
  }
  return out;
}

/** The log's order: by arrival time (a stable sort keeps each gateway's own order). */
function logOf(arrivals: Array<{ reading: SensorReading; arrivalTime: number }>): FoldRecord[] {
  return arrivals
    .map((entry, i) => ({ ...entry, i }))
    .sort((x, y) => x.arrivalTime - y.arrivalTime || x.i - y.i)
    .map((entry, offset) => ({ offset, reading: entry.reading, arrivalTime: entry.arrivalTime }));
}

function fold(records: FoldRecord[]) {
  let state = createPartitionState();
  const events: TwinEvent[] = [];
  for (let start = 0; start < records.length; start += 1_000) {
    const result = processBatch(state, records.slice(start, start + 1_000), configLookup([PUMP_CONFIG]));
    state = result.state;
    events.push(...result.events);
  }
  return { state, events };
}

const anomalies = (events: TwinEvent[]) =>
  events.filter((event): event is AnomalyEvent => 'anomalyType' in event);
const comparable = (event: AnomalyEvent) => ({
  machineId: event.machineId,
  type: event.type,
  anomalyType: event.anomalyType,
  severity: event.severity,
  eventTime: event.eventTime,
  calculatedMetrics: event.calculatedMetrics,
});

describe('store-and-forward', () => {
  it('given pump-a offline for 2 hours that then sends its buffer in a burst, when folded in arrival order, then its anomalies and twin equal the on-time run, apart from a loss of signal that resolves with the true 2-hour silence', () => {
    const all = readings();
    const onTime = fold(logOf(all.map((reading) => ({ reading, arrivalTime: reading.timestamp + 50 }))));
    // Back at OUTAGE_TO, the gateway flushes its buffer (ten readings a millisecond), then goes on live.
    let held = 0;
    const flushed = OUTAGE_TO + (OUTAGE_TO - OUTAGE_FROM) / 1_000 / 10 + 1;
    const buffered = fold(
      logOf(
        all.map((reading) => {
          if (reading.machineId !== 'pump-a' || reading.timestamp < OUTAGE_FROM)
            return { reading, arrivalTime: reading.timestamp + 50 };
          if (reading.timestamp < OUTAGE_TO)
            return { reading, arrivalTime: OUTAGE_TO + Math.floor(held++ / 10) };
          return { reading, arrivalTime: Math.max(reading.timestamp + 50, flushed) };
        }),
      ),
    );

    const notSilence = (event: AnomalyEvent) => event.anomalyType !== 'STALE_DATA';
    const expected = anomalies(onTime.events).filter(notSilence).map(comparable);
    expect(expected.some((event) => event.anomalyType === 'TEMPERATURE_HIGH')).toBe(true);
    expect(anomalies(buffered.events).filter(notSilence).map(comparable)).toEqual(expected);
    expect(anomalies(onTime.events).filter((event) => !notSilence(event))).toEqual([]);

    const silence = anomalies(buffered.events).filter((event) => !notSilence(event));
    expect(silence.map((event) => [event.machineId, event.type])).toEqual([
      ['pump-a', 'ANOMALY_OPENED'],
      ['pump-a', 'ANOMALY_CLEARED'],
    ]);
    const cleared = silence[1]!;
    expect(cleared.calculatedMetrics.durationMs).toBeGreaterThanOrEqual(minutes(120));
    expect(cleared.calculatedMetrics.durationMs).toBeLessThan(minutes(121));
    expect(cleared.calculatedMetrics.backlogMs).toBeGreaterThanOrEqual(minutes(119));

    const twin = (state: typeof onTime.state) => {
      const {
        lastArrival: _a,
        arrivalIntervalMs: _i,
        behindSinceArrival: _s,
        behindSinceEvent: _e,
        ...rest
      } = getTwin(state, 'pump-a')!;
      return rest;
    };
    expect(twin(buffered.state)).toEqual(twin(onTime.state));
  });
});
