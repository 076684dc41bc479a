import { describe, expect, it } from 'vitest';
import type { SensorReading } from '../readings/reading.js';
import { prng, T0 } from '../testing/index.js';
import type { GroundTruthFault } from './detection-quality.js';
import { evaluateHeldOut, HOLDOUT_FRACTION, splitByTime } from './evaluate.js';
import type { MlModel } from './model.js';
import { fitModel } from './train.js';

const MINUTE = 60_000;

/** Pumps at 1 s: 55 ± 1 °C, 3 ± 0.45 mm/s, 70 ± 1.5 %; `hot`: machines running +8 °C over a span. */
function pumps(
  seed: number,
  machines: number,
  minutes: number,
  hot: Record<string, { from: number; to: number }> = {},
): SensorReading[] {
  const random = prng(seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const readings: SensorReading[] = [];
  for (let s = 0; s < minutes * 60; s++) {
    for (let m = 0; m < machines; m++) {
      const machineId = `pump-${m}`;
      const t = T0 + s * 1_000 + m;
      const span = hot[machineId];
      const on = span !== undefined && t >= span.from && t < span.to;
      readings.push({
        machineId,
        machineType: 'pump',
        timestamp: t,
        temperature: Math.round((55 + (on ? 8 : 0) + gaussian()) * 100) / 100,
        vibration: Math.round((3 + 0.45 * gaussian()) * 1000) / 1000,
        load: Math.round((70 + 1.5 * gaussian()) * 10) / 10,
        status: 'RUNNING',
        seq: s,
      });
    }
  }
  return readings;
}

const FROM = T0;
const TO = T0 + 60 * MINUTE;

function fitted(training: SensorReading[]): MlModel {
  const result = fitModel('pump', training);
  if (!result.ok) throw new Error(result.reason);
  return { ...result.parameters, version: 'candidate' };
}

describe('splitByTime', () => {
  it('given an hour of history, when split with the default fraction, then the last 20 % of the range is held out, by event time', () => {
    const readings = pumps(1, 2, 60);
    const split = splitByTime(readings, FROM, TO);
    expect(HOLDOUT_FRACTION).toBe(0.2);
    expect(split.cut).toBe(T0 + 48 * MINUTE);
    expect(split.training.length + split.heldOut.length).toBe(readings.length);
    expect(split.training.every((r) => r.timestamp < split.cut)).toBe(true);
    expect(split.heldOut.every((r) => r.timestamp >= split.cut)).toBe(true);
    expect(split.heldOut.length / readings.length).toBeCloseTo(0.2, 2);
  });

  it('given a fraction outside (0, 1) or an empty range, when split, then it throws', () => {
    expect(() => splitByTime([], FROM, TO, 0)).toThrow('fraction');
    expect(() => splitByTime([], FROM, TO, 1)).toThrow('fraction');
    expect(() => splitByTime([], TO, FROM)).toThrow('before');
  });
});

describe('evaluateHeldOut', () => {
  it('given healthy pumps, when fitted on the training part and evaluated on the held-out part, then it keeps quiet on nearly every held-out reading and opens nothing', () => {
    const split = splitByTime(pumps(2, 4, 60), FROM, TO);
    const evaluation = evaluateHeldOut(fitted(split.training), split);
    expect(evaluation.machines).toBe(4);
    expect(evaluation.readings).toBe(split.heldOut.length);
    // Every held-out reading is judged: the state was warmed on the training part.
    expect(evaluation.judged).toBe(split.heldOut.length);
    expect(evaluation.quietShare).toBeGreaterThan(0.99);
    expect(evaluation.falseAlarmRate).toBeCloseTo(1 - evaluation.quietShare, 12);
    expect(evaluation.opened).toBe(0);
    expect(evaluation.alarmedShare).toBe(0);
    expect(evaluation.runningHours).toBeCloseTo((4 * 12) / 60, 1);
    expect(evaluation.faults).toBeUndefined();
  });

  it('given a model whose cutoff is far too low, when evaluated, then its held-out quiet share falls and it is alarmed most of the time: what the activation gate catches', () => {
    const split = splitByTime(pumps(3, 4, 60), FROM, TO);
    const evaluation = evaluateHeldOut({ ...fitted(split.training), cutoff: 0.5 }, split);
    expect(evaluation.quietShare).toBeLessThan(0.8);
    // Raised while warming up on the training part and never cleared: open through the held-out part.
    expect(evaluation.alarmedShare).toBeGreaterThan(0.5);
  });

  it('given injected faults with their ground truth, when evaluated, then recall and precision count the faults starting in the held-out part, and faulty readings are left out of the quiet share', () => {
    const faults: GroundTruthFault[] = [
      // In the training part (fitting sees it as part of unlabelled history): not scored.
      { machineId: 'pump-0', fault: 'overheating', startTime: T0 + 20 * MINUTE, endTime: T0 + 25 * MINUTE },
      // In the held-out part.
      { machineId: 'pump-1', fault: 'overheating', startTime: T0 + 50 * MINUTE, endTime: T0 + 55 * MINUTE },
      { machineId: 'pump-2', fault: 'overheating', startTime: T0 + 52 * MINUTE, endTime: T0 + 57 * MINUTE },
    ];
    const hot = Object.fromEntries(faults.map((f) => [f.machineId, { from: f.startTime, to: f.endTime }]));
    const split = splitByTime(pumps(4, 4, 60, hot), FROM, TO);
    const model = fitted(split.training);

    const labelled = evaluateHeldOut(model, split, faults);
    expect(labelled.faults).toEqual({
      windows: 2,
      detected: 2,
      recall: 1,
      opened: 2,
      truePositives: 2,
      precision: 1,
    });
    expect(labelled.quietShare).toBeGreaterThan(0.99);
    // Without labels the faulty readings count as healthy ones scored loud: a lower share.
    const unlabelled = evaluateHeldOut(model, split);
    expect(unlabelled.judged).toBeGreaterThan(labelled.judged);
    expect(unlabelled.quietShare).toBeLessThan(labelled.quietShare);
    expect(unlabelled.opened).toBe(2);
  });
});
