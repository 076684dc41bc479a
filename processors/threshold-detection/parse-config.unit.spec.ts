import { describe, expect, it } from 'vitest';
import {
  parseMachineTypeConfig,
  parseThresholds,
  safeParseMachineTypeConfig,
  safeParseThresholds,
  ThresholdConfigError,
} from './parse-config.js';
import { DEFAULT_MACHINE_TYPE_CONFIG, SEED_MACHINE_TYPE_CONFIGS } from './seed-configs.js';

const row = (overrides: Record<string, unknown> = {}) => ({
  machineType: 'press',
  version: 3,
  baselineTemp: '50.00',
  tempVariation: '5.00',
  baselineVibration: 2,
  vibrationVariation: 0.5,
  operationalPattern: 'CYCLIC',
  thresholds: null,
  ...overrides,
});

describe('parseThresholds', () => {
  it('given a NULL column, when parsed, then it is {} (everything derived or defaulted)', () => {
    expect(parseThresholds(null)).toEqual({});
    expect(parseThresholds(undefined)).toEqual({});
  });

  it('given the README example, when parsed, then it is accepted as is', () => {
    const example = {
      raiseAfterMs: 30000,
      clearAfterMs: 120000,
      sensors: {
        temperature: {
          high: { LOW: 64, MEDIUM: 67, HIGH: 73, CRITICAL: 79 },
          low: { MEDIUM: 5, HIGH: 2 },
          hysteresis: 3,
          raiseAfterMs: 60000,
          ratePerMinute: {
            limits: { MEDIUM: 3, HIGH: 6, CRITICAL: 10 },
            windowMs: 60000,
            hysteresis: 0.5,
            raiseAfterMs: 0,
          },
        },
        vibration: { high: { LOW: 4.5, MEDIUM: 5.8, HIGH: 7.1, CRITICAL: 11 }, hysteresis: 0.5 },
        load: { high: { HIGH: 105, CRITICAL: 120 }, low: { LOW: 20, MEDIUM: 10 }, hysteresis: 5 },
        pressure_bar: { low: { LOW: 3, MEDIUM: 2, HIGH: 1 }, hysteresis: 0.3 },
        rpm: { high: null, low: { HIGH: 100 } },
      },
      status: { fault: { severity: 'HIGH' }, unplannedStop: { severity: 'MEDIUM', raiseAfterMs: 60000 } },
      staleData: { afterMs: 180000, severity: 'MEDIUM' },
    };
    expect(parseThresholds(example)).toEqual(example);
  });

  it.each([
    [
      'high bounds not increasing',
      { sensors: { temperature: { high: { HIGH: 85, CRITICAL: 80 } } } },
      'thresholds.sensors.temperature.high.CRITICAL: must be above HIGH (80 ≤ 85)',
    ],
    [
      'low bounds not decreasing',
      { sensors: { load: { low: { LOW: 10, MEDIUM: 20 } } } },
      'thresholds.sensors.load.low.MEDIUM: must be below LOW (20 ≥ 10)',
    ],
    [
      'equal bounds',
      { sensors: { vibration: { high: { LOW: 4.5, MEDIUM: 4.5 } } } },
      'thresholds.sensors.vibration.high.MEDIUM: must be above LOW (4.5 ≤ 4.5)',
    ],
    [
      'a misspelt severity',
      { sensors: { vibration: { high: { CRTICAL: 9 } } } },
      'thresholds.sensors.vibration.high',
    ],
    [
      'no bound at all',
      { sensors: { load: { high: {} } } },
      'thresholds.sensors.load.high: needs at least one of',
    ],
    [
      'low bounds above high bounds',
      { sensors: { load: { high: { LOW: 50 }, low: { LOW: 60 } } } },
      'thresholds.sensors.load.low: must lie below the high bounds (60 ≥ 50)',
    ],
    ['an unknown sensor', { sensors: { humidity: { high: { LOW: 1 } } } }, 'thresholds.sensors'],
    [
      'a negative hysteresis',
      { sensors: { load: { hysteresis: -1 } } },
      'thresholds.sensors.load.hysteresis',
    ],
    ['a fractional duration', { raiseAfterMs: 1.5 }, 'thresholds.raiseAfterMs'],
    [
      'a zero rate limit',
      { sensors: { load: { ratePerMinute: { limits: { LOW: 0 } } } } },
      'thresholds.sensors.load.ratePerMinute.limits',
    ],
    [
      'a rate window under a second (it would measure noise)',
      { sensors: { temperature: { ratePerMinute: { limits: { HIGH: 5 }, windowMs: 500 } } } },
      'thresholds.sensors.temperature.ratePerMinute.windowMs: must be ≥ 1000 ms',
    ],
    [
      'a fractional rate window',
      { sensors: { temperature: { ratePerMinute: { limits: { HIGH: 5 }, windowMs: 60_000.5 } } } },
      'thresholds.sensors.temperature.ratePerMinute.windowMs',
    ],
    [
      'an unknown severity',
      { status: { fault: { severity: 'SEVERE' } } },
      'thresholds.status.fault.severity',
    ],
    ['a zero stale timeout', { staleData: { afterMs: 0 } }, 'thresholds.staleData.afterMs: must be > 0'],
    ['not an object', 42, 'thresholds: '],
  ])('given %s, when parsed, then it fails with one line naming the path', (_case, json, message) => {
    expect(() => parseThresholds(json)).toThrow(ThresholdConfigError);
    const result = safeParseThresholds(json);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toContain(message);
      expect(result.error).not.toContain('\n');
    }
  });
});

describe('parseMachineTypeConfig', () => {
  it('given the seed configs and the default, when parsed, then each is valid and unchanged', () => {
    for (const config of [...SEED_MACHINE_TYPE_CONFIGS, DEFAULT_MACHINE_TYPE_CONFIG]) {
      expect(parseMachineTypeConfig(JSON.parse(JSON.stringify(config)))).toEqual(config);
    }
  });

  it('given NUMERIC columns as pg returns them (strings), when parsed, then they are numbers', () => {
    expect(parseMachineTypeConfig(row())).toMatchObject({
      baselineTemp: 50,
      tempVariation: 5,
      thresholds: {},
    });
  });

  it('given NULL columns, when parsed, then they stay null', () => {
    const config = parseMachineTypeConfig(
      row({
        baselineTemp: null,
        tempVariation: null,
        baselineVibration: null,
        vibrationVariation: null,
        operationalPattern: null,
      }),
    );
    expect(config).toMatchObject({ baselineTemp: null, operationalPattern: null });
  });

  it.each([
    [
      'a baseline outside DECIMAL(5,2)',
      { baselineTemp: 1000 },
      "machine type config 'press': baselineTemp: must be < 1000",
    ],
    ['a negative variation', { tempVariation: -1 }, 'tempVariation: must be ≥ 0'],
    ['an unknown pattern', { operationalPattern: 'SOMETIMES' }, 'operationalPattern'],
    ['a non-integer version', { version: 1.5 }, 'version'],
    ['a type longer than the column', { machineType: 'x'.repeat(51) }, 'machineType'],
    [
      'bad thresholds',
      { thresholds: { sensors: { load: { high: { LOW: 2, MEDIUM: 1 } } } } },
      "machine type config 'press': thresholds.sensors.load.high.MEDIUM: must be above LOW (1 ≤ 2)",
    ],
    [
      'explicit low bounds above the derived high ones',
      { thresholds: { sensors: { temperature: { low: { LOW: 60 } } } } },
      'thresholds.sensors.temperature: low bounds must lie below high bounds (low LOW 60 ≥ high LOW 57.5, derived bounds included)',
    ],
  ])('given %s, when parsed, then it fails with one line naming the path', (_case, overrides, message) => {
    const result = safeParseMachineTypeConfig(row(overrides));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(message);
  });
});
