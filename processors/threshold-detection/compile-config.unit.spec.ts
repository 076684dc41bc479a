import { describe, expect, it } from 'vitest';
import { compileMachineTypeConfig, type CompiledConfig } from './compile-config.js';
import type { MachineTypeConfig } from './machine-type-config.js';
import { CONVEYOR_CONFIG, DEFAULT_MACHINE_TYPE_CONFIG, PUMP_CONFIG } from './seed-configs.js';

const base: MachineTypeConfig = {
  machineType: 'press',
  version: 1,
  baselineTemp: 50,
  tempVariation: 4,
  baselineVibration: 2,
  vibrationVariation: 0.5,
  operationalPattern: 'CONTINUOUS',
  thresholds: {},
};

const rule = (compiled: CompiledConfig, ruleId: string) => compiled.rules.find((r) => r.ruleId === ruleId);

describe('compileMachineTypeConfig', () => {
  it('given baselines and no thresholds JSON, when compiled, then temperature and vibration bounds sit at baseline ± k·variation (k 1.5/2/3/4)', () => {
    const compiled = compileMachineTypeConfig(base);
    expect(rule(compiled, 'temperature.high')?.bounds).toEqual([56, 58, 62, 66]);
    expect(rule(compiled, 'temperature.low')?.bounds).toEqual([44, 42, 38, 34]);
    expect(rule(compiled, 'vibration.high')?.bounds).toEqual([2.75, 3, 3.5, 4]);
    expect(rule(compiled, 'vibration.low')).toBeUndefined();
    expect(rule(compiled, 'load.high')).toBeUndefined(); // no baseline for load: nothing to derive
  });

  it('given derived bounds, when compiled, then the hysteresis defaults to half the variation', () => {
    const compiled = compileMachineTypeConfig(base);
    expect(rule(compiled, 'temperature.high')?.hysteresis).toBe(2);
    expect(rule(compiled, 'vibration.high')?.hysteresis).toBe(0.25);
  });

  it('given explicit high bounds, when compiled, then they replace the derived ones as a whole', () => {
    const compiled = compileMachineTypeConfig({
      ...base,
      thresholds: { sensors: { temperature: { high: { CRITICAL: 90 }, low: null } } },
    });
    expect(rule(compiled, 'temperature.high')?.bounds).toEqual([NaN, NaN, NaN, 90]);
    expect(rule(compiled, 'temperature.high')?.leastRank).toBe(3);
    expect(rule(compiled, 'temperature.low')).toBeUndefined(); // null: none, not derived
  });

  it('given NULL baselines, when compiled, then nothing is derived', () => {
    const compiled = compileMachineTypeConfig({ ...base, baselineTemp: null, baselineVibration: null });
    expect(compiled.rules.map((r) => r.ruleId)).toEqual(['status.fault', 'status.unplanned-stop']);
  });

  it('given a zero variation, when compiled, then nothing is derived (bounds would not increase)', () => {
    const compiled = compileMachineTypeConfig({ ...base, tempVariation: 0 });
    expect(rule(compiled, 'temperature.high')).toBeUndefined();
  });

  it.each([
    ['CONTINUOUS', ['status.fault', 'status.unplanned-stop']],
    ['CYCLIC', ['status.fault']],
    ['INTERMITTENT', ['status.fault']],
    [null, ['status.fault']],
  ] as const)('given pattern %s, when compiled, then the status rules are %j', (pattern, ruleIds) => {
    const compiled = compileMachineTypeConfig({ ...base, operationalPattern: pattern });
    expect(compiled.rules.filter((r) => r.kind === 'status').map((r) => r.ruleId)).toEqual(ruleIds);
  });

  it('judges temperature and vibration highs in any status but maintenance, everything else only when RUNNING', () => {
    const compiled = compileMachineTypeConfig(PUMP_CONFIG);
    const judgedAlways = compiled.rules
      .filter((r) => r.kind !== 'status' && !r.runningOnly)
      .map((r) => r.ruleId);
    expect(judgedAlways).toEqual(['temperature.high', 'vibration.high']);
  });

  it('uses the JSON-wide durations as defaults and lets sensors and rates override them', () => {
    const compiled = compileMachineTypeConfig({
      ...base,
      thresholds: {
        raiseAfterMs: 1000,
        clearAfterMs: 2000,
        sensors: {
          temperature: { raiseAfterMs: 5000, ratePerMinute: { limits: { HIGH: 5 }, clearAfterMs: 0 } },
        },
      },
    });
    expect(rule(compiled, 'temperature.high')).toMatchObject({ raiseAfterMs: 5000, clearAfterMs: 2000 });
    expect(rule(compiled, 'temperature.rate')).toMatchObject({
      raiseAfterMs: 5000,
      clearAfterMs: 0,
      hysteresis: 0,
      windowMs: 60_000, // the default rate window
    });
    expect(rule(compiled, 'vibration.high')).toMatchObject({ raiseAfterMs: 1000, clearAfterMs: 2000 });
  });

  it('takes a rate window from the JSON, and gives rate rules their sensor (other rules no window)', () => {
    const compiled = compileMachineTypeConfig({
      ...base,
      thresholds: { sensors: { power_kw: { ratePerMinute: { limits: { HIGH: 5 }, windowMs: 300_000 } } } },
    });
    expect(rule(compiled, 'power_kw.rate')).toMatchObject({
      sensor: 'powerKw',
      sensorIndex: 4,
      windowMs: 300_000,
    });
    expect(rule(compiled, 'temperature.high')).toMatchObject({ windowMs: 0 });
  });

  it('defaults stale data to 5 minutes at MEDIUM, and null turns it off', () => {
    expect(compileMachineTypeConfig(base)).toMatchObject({ staleAfterMs: 300_000, staleSeverity: 'MEDIUM' });
    expect(compileMachineTypeConfig({ ...base, thresholds: { staleData: null } }).staleAfterMs).toBeNull();
  });

  it('names anomaly types within the 50-character column', () => {
    for (const config of [DEFAULT_MACHINE_TYPE_CONFIG, PUMP_CONFIG, CONVEYOR_CONFIG]) {
      for (const r of compileMachineTypeConfig(config).rules)
        expect(r.anomalyType.length).toBeLessThanOrEqual(50);
    }
    expect(rule(compileMachineTypeConfig(PUMP_CONFIG), 'pressure_bar.low')?.anomalyType).toBe(
      'PRESSURE_BAR_LOW',
    );
  });
});
