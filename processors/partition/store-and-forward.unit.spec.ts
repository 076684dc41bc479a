// Store-and-forward: a gateway that loses its uplink for 2 hours buffers its readings and sends them in a burst
// when it is back. Folded in arrival order (as the log holds them), the machine gets the same twin and the same
// anomalies at the same event times as when every reading arrived on time; only its loss of signal, on the arrival
// clock, differs, and it resolves with the true silence.
import { describe, expect, it } from 'vitest';
import type { SensorReading } from '../readings/reading.js';
import { machine, minutes, seconds, T0 } from '../testing/index.js';
import { PUMP_CONFIG, configLookup, type AnomalyEvent } from '../threshold-detection/index.js';
import {
  createPartitionState,
  getTwin,
  processBatch,
  restorePartitionState,
  serializePartitionState,
  type FoldRecord,
  type TwinEvent,
} from './index.js';

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

describe('loss of signal across batch cuts and restores', () => {
  it('given machines whose cadence is learned from their arrivals, when folded whole or cut into batches restored from snapshots, then the same machines go silent at the same clock tick', () => {
    const pumps = Array.from({ length: 20 }, (_, i) => machine(`pump-${i}`, 'pump'));
    const records: FoldRecord[] = [];
    const now = T0 + 2 * 3_600_000;
    // A history in bursts (50 s of readings every 600 ms), then only clock ticks, a second apart.
    for (let chunk = 0; chunk < 20; chunk++) {
      for (let s = 0; s < 50; s++) {
        for (const pump of pumps) {
          records.push({
            offset: records.length,
            reading: pump.at(seconds(chunk * 50 + s)),
            arrivalTime: now + chunk * 600 + Math.floor(s / 10),
          });
        }
      }
    }
    for (let tick = 1; tick <= 30; tick++) {
      records.push({ offset: records.length, arrivalTime: now + 20 * 600 + tick * 1_000 });
    }
    const configs = configLookup([PUMP_CONFIG]);
    const changes = (events: TwinEvent[]) =>
      anomalies(events).map((e) => `${e.sourceOffset}-${e.index}-${e.machineId}-${e.anomalyType}-${e.type}`);
    const whole = processBatch(createPartitionState(), records, configs);
    let state = createPartitionState();
    const cut: TwinEvent[] = [];
    for (let start = 0; start < records.length; start += 777) {
      const result = processBatch(state, records.slice(start, start + 777), configs);
      cut.push(...result.events);
      state = restorePartitionState(JSON.parse(JSON.stringify(serializePartitionState(result.state))));
    }
    expect(changes(whole.events).filter((id) => id.includes('STALE_DATA'))).toHaveLength(20);
    expect(changes(cut)).toEqual(changes(whole.events));
  });
});
