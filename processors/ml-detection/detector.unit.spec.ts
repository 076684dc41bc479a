import { describe, expect, it } from 'vitest';
import {
  createPartitionState,
  processBatch,
  restorePartitionState,
  serializePartitionState,
  type PartitionState,
  type ReadingRecord,
  type TwinEvent,
} from '../partition/index.js';
import type { SensorReading } from '../readings/reading.js';
import { prng, T0 } from '../testing/index.js';
import { configLookup, SEED_MACHINE_TYPE_CONFIGS, type AnomalyEvent } from '../threshold-detection/index.js';
import { MAX_ML_NUMBERS } from '../twin-state/index.js';
import { ML_STATE_LENGTH } from './detector.js';
import { ML_ANOMALY_TYPE, modelLookup, parseModel, serializeModel, type MlModel } from './model.js';
import { fitModel } from './train.js';

const configs = configLookup(SEED_MACHINE_TYPE_CONFIGS);
const MINUTE = 60_000;

interface Shift {
  readonly from: number;
  readonly to: number;
  readonly temperature?: number;
  readonly vibration?: number;
  /** The temperature register stops updating. */
  readonly stuck?: boolean;
}

/** Pumps at 1 s: 55 ± 1 °C, 3 ± 0.45 mm/s, 70 ± 1.5 % (the seed pump config's normal band, well inside it). */
function pumps(
  seed: number,
  machines: number,
  minutes: number,
  shifts: Record<string, Shift> = {},
): SensorReading[] {
  const random = prng(seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const readings: SensorReading[] = [];
  const stuckAt = new Map<string, number>();
  for (let s = 0; s < minutes * 60; s++) {
    for (let m = 0; m < machines; m++) {
      const machineId = `pump-${m}`;
      const t = T0 + s * 1_000 + m;
      const shift = shifts[machineId];
      const on = shift !== undefined && t >= shift.from && t < shift.to;
      let temperature = 55 + (on ? (shift.temperature ?? 0) : 0) + gaussian();
      if (on && shift.stuck) {
        if (!stuckAt.has(machineId)) stuckAt.set(machineId, temperature);
        temperature = stuckAt.get(machineId)!;
      }
      readings.push({
        machineId,
        machineType: 'pump',
        timestamp: t,
        temperature: Math.round(temperature * 100) / 100,
        vibration: Math.round((3 + (on ? (shift.vibration ?? 0) : 0) + 0.45 * gaussian()) * 1000) / 1000,
        load: Math.round((70 + 1.5 * gaussian()) * 10) / 10,
        status: 'RUNNING',
        seq: s,
      });
    }
  }
  return readings;
}

function trainedPumpModel(version = 'v1'): MlModel {
  const fitted = fitModel('pump', pumps(1, 4, 60));
  if (!fitted.ok) throw new Error(fitted.reason);
  return parseModel(serializeModel(fitted.parameters), version);
}
const model = trainedPumpModel();

function fold(
  readings: readonly SensorReading[],
  models = modelLookup([model]),
  batch = 5_000,
): { state: PartitionState; events: TwinEvent[] } {
  let state = createPartitionState();
  const events: TwinEvent[] = [];
  for (let i = 0; i < readings.length; i += batch) {
    const records: ReadingRecord[] = readings
      .slice(i, i + batch)
      .map((reading, k) => ({ offset: i + k, reading }));
    const result = processBatch(state, records, configs, {}, models);
    state = result.state;
    events.push(...result.events);
  }
  return { state, events };
}

const anomalies = (events: readonly TwinEvent[]) =>
  events.filter((e): e is AnomalyEvent => e.type.startsWith('ANOMALY_'));
const describeAnomaly = (e: AnomalyEvent) =>
  `${e.type} ${e.machineId} ${e.anomalyType} ${e.severity} at ${(e.eventTime - T0) / 1000} s`;

describe('the ML detector (robust z-scores against EWMA baselines)', () => {
  it('given its state layout, when sized, then it fits the room the twin backup keeps for it', () => {
    expect(ML_STATE_LENGTH).toBeLessThanOrEqual(MAX_ML_NUMBERS);
  });

  it('given a model trained on healthy pumps, when other healthy pumps are folded for an hour, then nothing opens', () => {
    const { events } = fold(pumps(2, 6, 60));
    expect(anomalies(events).map(describeAnomaly)).toEqual([]);
  });

  it('given a pump whose temperature and vibration both rise a little (each inside its thresholds), when folded, then the ML detector opens an ML_MULTIVARIATE anomaly and no threshold does', () => {
    // +3 °C and +0.7 mm/s: the seed pump raises temperature from 64 °C and vibration from 4.5 mm/s.
    const shift = { from: T0 + 20 * MINUTE, to: T0 + 30 * MINUTE, temperature: 3, vibration: 0.7 };
    const { events } = fold(pumps(3, 2, 40, { 'pump-0': shift }));
    const opened = anomalies(events).filter((e) => e.type === 'ANOMALY_OPENED');
    expect(opened.map((e) => `${e.machineId} ${e.anomalyType}`)).toEqual([`pump-0 ${ML_ANOMALY_TYPE}`]);
    const [anomaly] = opened;
    expect(anomaly!.eventTime).toBeGreaterThanOrEqual(shift.from);
    expect(anomaly!.eventTime).toBeLessThan(shift.from + 3 * MINUTE);
    expect(anomaly!.ml).toMatchObject({ algorithm: 'robust-z-ewma', modelVersion: 'v1' });
    expect(anomaly!.ml!.confidence).toBeGreaterThan(0.5);
    expect(anomaly!.ml!.confidence).toBeLessThanOrEqual(1);
    expect(anomaly!.ml!.features.zTemperature).toBeGreaterThan(0);
    expect(anomaly!.ml!.features.zVibration).toBeGreaterThan(0);
    // And it clears once the pump is back to normal, not before.
    const cleared = anomalies(events).filter((e) => e.type === 'ANOMALY_CLEARED');
    expect(cleared).toHaveLength(1);
    expect(cleared[0]!.eventTime).toBeGreaterThan(shift.to);
  });

  it('given a pump whose temperature register freezes at a normal value, when folded, then the detector sees the missing noise', () => {
    const { events } = fold(
      pumps(4, 2, 40, { 'pump-1': { from: T0 + 20 * MINUTE, to: T0 + 30 * MINUTE, stuck: true } }),
    );
    const opened = anomalies(events).filter((e) => e.type === 'ANOMALY_OPENED');
    expect(opened.map((e) => `${e.machineId} ${e.anomalyType}`)).toEqual([`pump-1 ${ML_ANOMALY_TYPE}`]);
    const features = opened[0]!.ml!.features;
    expect(features.flatTemperature).toBeGreaterThan(features.flatVibration!);
  });

  it('given the same readings cut into different batches, when folded twice, then the events are the same', () => {
    const readings = pumps(5, 2, 40, {
      'pump-0': { from: T0 + 15 * MINUTE, to: T0 + 25 * MINUTE, temperature: 4 },
    });
    const strip = (events: TwinEvent[]) => anomalies(events);
    expect(strip(fold(readings, undefined, 777).events)).toEqual(
      strip(fold(readings, undefined, 5_000).events),
    );
    expect(strip(fold(readings).events).length).toBeGreaterThan(0);
  });

  it('given a fold cut by a snapshot through JSON in the middle of an open anomaly, when restored and continued, then it equals the uninterrupted fold', () => {
    const readings = pumps(6, 2, 40, {
      'pump-0': { from: T0 + 15 * MINUTE, to: T0 + 25 * MINUTE, temperature: 4 },
    });
    const cut = 2 * 20 * 60; // minute 20: the anomaly is open
    const models = modelLookup([model]);
    const records = readings.map((reading, offset) => ({ offset, reading }));
    const whole = processBatch(createPartitionState(), records, configs, {}, models);
    const a = processBatch(createPartitionState(), records.slice(0, cut), configs, {}, models);
    const snapshot: unknown = JSON.parse(JSON.stringify(serializePartitionState(a.state)));
    const b = processBatch(restorePartitionState(snapshot), records.slice(cut), configs, {}, models);
    expect(anomalies([...a.events, ...b.events])).toEqual(anomalies(whole.events));
    expect(serializePartitionState(b.state)).toEqual(serializePartitionState(whole.state));
    expect(anomalies(a.events).some((e) => e.type === 'ANOMALY_OPENED' && e.ml !== undefined)).toBe(true);
  });

  it('given a snapshot written before the detector existed (twins without ml), when restored, then it restores and the detector starts afresh', () => {
    const { state } = fold(pumps(7, 1, 5), () => undefined);
    const snapshot = JSON.parse(JSON.stringify(serializePartitionState(state))) as {
      machines: Array<{ twin: Record<string, unknown> }>;
    };
    expect(snapshot.machines[0]!.twin).not.toHaveProperty('ml');
    const restored = restorePartitionState(snapshot);
    const next = processBatch(
      restored,
      [{ offset: 1_000_000, reading: { ...pumps(7, 1, 6)[5 * 60]!, seq: 5 * 60 } }],
      configs,
      {},
      modelLookup([model]),
    );
    expect(serializePartitionState(next.state).machines[0]!.twin.ml).toHaveLength(ML_STATE_LENGTH);
  });

  it('given a new model version between batches, when the fold goes on, then later anomalies carry the new version (hot swap)', () => {
    const readings = pumps(8, 1, 30, {
      'pump-0': { from: T0 + 15 * MINUTE, to: T0 + 20 * MINUTE, temperature: 4 },
    }).concat(
      pumps(9, 1, 60, {
        'pump-0': { from: T0 + 45 * MINUTE, to: T0 + 50 * MINUTE, temperature: 4 },
      }).filter((reading) => reading.timestamp >= T0 + 30 * MINUTE),
    );
    const half = readings.findIndex((reading) => reading.timestamp >= T0 + 30 * MINUTE);
    const first = processBatch(
      createPartitionState(),
      readings.slice(0, half).map((reading, offset) => ({ offset, reading })),
      configs,
      {},
      modelLookup([model]),
    );
    const second = processBatch(
      first.state,
      readings
        .slice(half)
        .map((reading, k) => ({ offset: half + k, reading: { ...reading, seq: half + k } })),
      configs,
      {},
      modelLookup([{ ...model, version: 'v2' }]),
    );
    const versionsOpened = (events: TwinEvent[]) =>
      anomalies(events)
        .filter((e) => e.type === 'ANOMALY_OPENED')
        .map((e) => e.ml?.modelVersion);
    expect(versionsOpened(first.events)).toEqual(['v1']);
    expect(versionsOpened(second.events)).toEqual(['v2']);
  });

  it('given no model for a machine type, when its readings are folded, then the detector is off for it', () => {
    const readings = pumps(10, 1, 30, {
      'pump-0': { from: T0 + 15 * MINUTE, to: T0 + 25 * MINUTE, temperature: 4 },
    });
    const { state, events } = fold(readings, () => undefined);
    expect(anomalies(events)).toEqual([]);
    expect(serializePartitionState(state).machines[0]!.twin).not.toHaveProperty('ml');
  });
});
