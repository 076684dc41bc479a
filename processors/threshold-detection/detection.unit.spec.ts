import { describe, expect, it } from 'vitest';
import { given, machine, seconds, T0, type MachineReadings } from '../testing/index.js';
import type { MachineTypeConfig, SensorThresholds, Thresholds } from './machine-type-config.js';
import { PUMP_CONFIG } from './seed-configs.js';

/** A number within 10^−digits / 2 of `value`, as a matcher inside expected objects. */
const near = (value: number, digits = 0): number => expect.closeTo(value, digits) as number;

// An oven with round numbers: temperature high bounds 60/70/80/90 °C, hysteresis 5 °C.
function oven(
  temperature: Partial<SensorThresholds> = {},
  thresholds: Thresholds = {},
  version = 1,
): MachineTypeConfig {
  return {
    machineType: 'oven',
    version,
    baselineTemp: 50,
    tempVariation: 5,
    baselineVibration: null,
    vibrationVariation: null,
    operationalPattern: 'CYCLIC',
    thresholds: {
      staleData: null,
      ...thresholds,
      sensors: {
        temperature: {
          high: { LOW: 60, MEDIUM: 70, HIGH: 80, CRITICAL: 90 },
          low: null,
          hysteresis: 5,
          raiseAfterMs: 0,
          clearAfterMs: 0,
          ...temperature,
        },
        ...thresholds.sensors,
      },
    },
  };
}

const ovenReadings = () => machine('oven-1', 'oven');

describe('threshold detection', () => {
  describe('raising', () => {
    it('given no delay, when a reading crosses the LOW bound, then the anomaly opens at once with its metrics', () => {
      const m = ovenReadings();
      given([oven()])
        .readings(m.at(0, { temperature: 55 }))
        .when(m.at(seconds(1), { temperature: 65 }))
        .then([
          {
            type: 'ANOMALY_OPENED',
            machineId: 'oven-1',
            machineType: 'oven',
            anomalyType: 'TEMPERATURE_HIGH',
            ruleId: 'temperature.high',
            severity: 'LOW',
            configVersion: 1,
            eventTime: T0 + seconds(1),
            reading: { temperature: 65 },
            calculatedMetrics: {
              value: 65,
              bound: 60,
              boundSeverity: 'LOW',
              durationMs: 0,
              deviationFromBaseline: { value: 15, variations: 3 },
            },
          },
        ]);
    });

    it('given a bound exactly reached, when judged, then it is not crossed (strictly above)', () => {
      const m = ovenReadings();
      given([oven()])
        .when(m.at(0, { temperature: 60 }))
        .then([{ type: 'STATUS_CHANGED' }]);
    });

    it('given raiseAfterMs 10 s, when the condition holds 5 s then 10 s, then it opens only at 10 s', () => {
      const m = ovenReadings();
      given([oven({ raiseAfterMs: seconds(10) })])
        .readings(m.at(0, { temperature: 55 }))
        .when(m.at(seconds(1), { temperature: 75 }))
        .then([])
        .when(m.at(seconds(6), { temperature: 75 }))
        .then([])
        .when(m.at(seconds(11), { temperature: 72 }))
        .then([
          { type: 'ANOMALY_OPENED', severity: 'MEDIUM', calculatedMetrics: { durationMs: seconds(10) } },
        ]);
    });

    it('given raiseAfterMs 10 s, when the value dips back inside before 10 s, then the timer starts again', () => {
      const m = ovenReadings();
      given([oven({ raiseAfterMs: seconds(10) })])
        .readings(
          m.at(0, { temperature: 65 }),
          m.at(seconds(5), { temperature: 59 }),
          m.at(seconds(6), { temperature: 65 }),
        )
        .when(m.at(seconds(12), { temperature: 65 }))
        .then([])
        .when(m.at(seconds(16), { temperature: 65 }))
        .then([{ type: 'ANOMALY_OPENED', calculatedMetrics: { durationMs: seconds(10) } }]);
    });
  });

  describe('hysteresis', () => {
    it('given an open anomaly (LOW 60, hysteresis 5), when the value drops below 60 but not to 55, then it stays open; at 55 it clears', () => {
      const m = ovenReadings();
      given([oven()])
        .readings(m.at(0, { temperature: 65 }))
        .when(m.at(seconds(1), { temperature: 59 }))
        .then([])
        .when(m.at(seconds(2), { temperature: 56 }))
        .then([])
        .when(m.at(seconds(3), { temperature: 55 }))
        .then([
          {
            type: 'ANOMALY_CLEARED',
            anomalyType: 'TEMPERATURE_HIGH',
            severity: 'LOW',
            clearReason: 'back_to_normal',
            calculatedMetrics: { value: 55, bound: 60, hysteresis: 5, durationMs: seconds(3) },
          },
        ]);
    });

    it('given a value oscillating around the bound, when judged, then it opens once and does not flap', () => {
      const m = ovenReadings();
      const values = [61, 59, 61, 58, 62, 57, 61];
      const outcome = given([oven()]).when(
        ...values.map((temperature, i) => m.at(seconds(i), { temperature })),
      );
      expect(outcome.changes.filter((e) => e.type !== 'STATUS_CHANGED').map((e) => e.type)).toEqual([
        'ANOMALY_OPENED',
      ]);
    });

    it('given low bounds, when the value recovers, then it must rise above the bound plus the band', () => {
      const m = ovenReadings();
      given([oven({ high: null, low: { LOW: 20, HIGH: 10 }, hysteresis: 2 })])
        .readings(m.at(0, { temperature: 15 }))
        .when(m.at(seconds(1), { temperature: 21 }))
        .then([])
        .when(m.at(seconds(2), { temperature: 22 }))
        .then([{ type: 'ANOMALY_CLEARED', anomalyType: 'TEMPERATURE_LOW' }]);
    });
  });

  describe('clearing', () => {
    it('given clearAfterMs 20 s, when back inside the band for 10 s then 20 s, then it clears only at 20 s', () => {
      const m = ovenReadings();
      given([oven({ clearAfterMs: seconds(20) })])
        .readings(m.at(0, { temperature: 65 }))
        .when(m.at(seconds(10), { temperature: 50 }))
        .then([])
        .when(m.at(seconds(20), { temperature: 50 }))
        .then([])
        .when(m.at(seconds(30), { temperature: 50 }))
        .then([{ type: 'ANOMALY_CLEARED', calculatedMetrics: { durationMs: seconds(30) } }]);
    });

    it('given clearAfterMs 20 s, when the value leaves the band meanwhile, then the clear timer starts again', () => {
      const m = ovenReadings();
      given([oven({ clearAfterMs: seconds(20) })])
        .readings(
          m.at(0, { temperature: 65 }),
          m.at(seconds(10), { temperature: 50 }),
          m.at(seconds(20), { temperature: 57 }),
        )
        .when(m.at(seconds(30), { temperature: 50 }))
        .then([])
        .when(m.at(seconds(49), { temperature: 50 }))
        .then([])
        .when(m.at(seconds(50), { temperature: 50 }))
        .then([{ type: 'ANOMALY_CLEARED' }]);
    });
  });

  describe('escalation', () => {
    it('given an open LOW anomaly, when the value crosses HIGH, then it escalates with the previous severity', () => {
      const m = ovenReadings();
      given([oven()])
        .readings(m.at(0, { temperature: 65 }))
        .when(m.at(seconds(1), { temperature: 85 }))
        .then([
          {
            type: 'ANOMALY_ESCALATED',
            severity: 'HIGH',
            previousSeverity: 'LOW',
            calculatedMetrics: { value: 85, bound: 80, boundSeverity: 'HIGH' },
          },
        ])
        .when(m.at(seconds(2), { temperature: 95 }))
        .then([{ type: 'ANOMALY_ESCALATED', severity: 'CRITICAL', previousSeverity: 'HIGH' }]);
    });

    it('given raiseAfterMs 10 s, when a higher level holds 10 s, then it escalates only then', () => {
      const m = ovenReadings();
      given([oven({ raiseAfterMs: seconds(10) })])
        .readings(m.at(0, { temperature: 65 }), m.at(seconds(10), { temperature: 65 }))
        .when(m.at(seconds(11), { temperature: 95 }))
        .then([])
        .when(m.at(seconds(15), { temperature: 75 })) // above LOW, back below CRITICAL: escalation timer resets
        .then([])
        .when(m.at(seconds(25), { temperature: 75 }))
        .then([{ type: 'ANOMALY_ESCALATED', severity: 'MEDIUM', previousSeverity: 'LOW' }]);
    });

    it('given an escalated anomaly, when the value falls to a lower level, then it keeps its peak until it clears', () => {
      const m = ovenReadings();
      given([oven()])
        .readings(m.at(0, { temperature: 95 }))
        .when(m.at(seconds(1), { temperature: 62 }))
        .then([])
        .when(m.at(seconds(2), { temperature: 54 }))
        .then([{ type: 'ANOMALY_CLEARED', severity: 'CRITICAL' }]);
    });
  });

  describe('rate of change', () => {
    // Limits MEDIUM 5, HIGH 10 °C/min over the default 60 s window; oven baseline 50 °C. Rates are judged
    // once per window of RUNNING time, the first window starting 30 s (half a window) into the run: with
    // readings 30 s apart, at 90 s, 150 s, … (see rate-of-change.unit.spec.ts for noise and ramps).
    const rated = () => oven({ high: null, ratePerMinute: { limits: { MEDIUM: 5, HIGH: 10 } } });
    const temperatures = (m: MachineReadings, values: number[], from = 0) =>
      values.map((temperature, i) => m.at(from + seconds(30 * i), { temperature }));

    it('given RUNNING readings rising 3 °C every 30 s (6 °C/min), when a window ends, then a MEDIUM TEMPERATURE_RATE opens with the rate over the window', () => {
      const m = ovenReadings();
      given([rated()])
        .readings(...temperatures(m, [50, 53, 56]))
        .when(m.at(seconds(90), { temperature: 59 }))
        .then([
          {
            type: 'ANOMALY_OPENED',
            anomalyType: 'TEMPERATURE_RATE',
            ruleId: 'temperature.rate',
            severity: 'MEDIUM',
            calculatedMetrics: { value: 59, rate: near(6, 0), bound: 5, boundSeverity: 'MEDIUM' },
          },
        ]);
    });

    it('given a fast fall, when judged, then it counts too (|rate|) and the signed rate is reported', () => {
      const m = ovenReadings();
      given([rated()])
        .readings(...temperatures(m, [50, 44, 38]))
        .when(m.at(seconds(90), { temperature: 32 }))
        .then([{ type: 'ANOMALY_OPENED', severity: 'HIGH', calculatedMetrics: { rate: near(-12, 0) } }]);
    });

    it('given a machine starting up (STOPPED → RUNNING), when the temperature jumps, then the ramp is not judged', () => {
      const m = ovenReadings();
      given([rated()])
        .readings(m.at(0, { temperature: 20, status: 'STOPPED' }))
        .when(...temperatures(m, [40, 40, 40, 40], seconds(30)))
        .then([{ type: 'STATUS_CHANGED', from: 'STOPPED', to: 'RUNNING' }]);
    });

    it('given an open rate anomaly, when the temperature levels off, then the next window clears it', () => {
      const m = ovenReadings();
      given([rated()])
        .readings(...temperatures(m, [50, 53, 56, 59]))
        .when(m.at(seconds(120), { temperature: 59 }))
        .then([])
        .when(m.at(seconds(150), { temperature: 59 }))
        .then([
          {
            type: 'ANOMALY_CLEARED',
            anomalyType: 'TEMPERATURE_RATE',
            calculatedMetrics: { rate: near(0.5, 0), bound: 5, hysteresis: 0 },
          },
        ]);
    });

    it('given an open rate anomaly, when the machine stops, then it counts as calmed down and clears', () => {
      const m = ovenReadings();
      given([rated()])
        .readings(...temperatures(m, [50, 53, 56, 59]))
        .when(m.at(seconds(100), { temperature: 60, status: 'IDLE' }))
        .then([
          { type: 'STATUS_CHANGED', to: 'IDLE' },
          { type: 'ANOMALY_CLEARED', anomalyType: 'TEMPERATURE_RATE' },
        ]);
    });
  });

  describe('operational status', () => {
    it('given load bounds, when an IDLE reading is overloaded, then it is not judged (load rules judge RUNNING only)', () => {
      const m = ovenReadings();
      given([oven({}, { sensors: { load: { high: { HIGH: 100 } } } })])
        .readings(m.at(0, { status: 'IDLE' }))
        .when(m.at(seconds(1), { status: 'IDLE', load: 130 }))
        .then([])
        .when(m.at(seconds(2), { load: 130 }))
        .then([
          { type: 'STATUS_CHANGED' },
          { type: 'ANOMALY_OPENED', anomalyType: 'LOAD_HIGH', severity: 'HIGH' },
        ]);
    });

    it('given a STOPPED machine, when it is too hot, then the temperature high is still judged', () => {
      const m = ovenReadings();
      given([oven()])
        .readings(m.at(0, { status: 'STOPPED' }))
        .when(m.at(seconds(1), { status: 'STOPPED', temperature: 85 }))
        .then([{ type: 'ANOMALY_OPENED', severity: 'HIGH' }]);
    });

    it('given an open anomaly, when the machine goes into MAINTENANCE, then rules are suspended and it clears', () => {
      const m = ovenReadings();
      given([oven()])
        .readings(m.at(0, { temperature: 85 }))
        .when(m.at(seconds(1), { temperature: 85, status: 'MAINTENANCE' }))
        .then([
          { type: 'STATUS_CHANGED', to: 'MAINTENANCE' },
          { type: 'ANOMALY_CLEARED', anomalyType: 'TEMPERATURE_HIGH' },
        ]);
    });

    it('given any pattern, when the machine reports FAULT, then STATUS_FAULT opens, and clears when it recovers', () => {
      const m = ovenReadings();
      given([oven()])
        .readings(m.at(0))
        .when(m.at(seconds(1), { status: 'FAULT' }))
        .then([
          { type: 'STATUS_CHANGED', from: 'RUNNING', to: 'FAULT', previousDurationMs: seconds(1) },
          {
            type: 'ANOMALY_OPENED',
            anomalyType: 'STATUS_FAULT',
            severity: 'HIGH',
            calculatedMetrics: { status: 'FAULT' },
          },
        ])
        .when(m.at(seconds(2)))
        .then([
          { type: 'STATUS_CHANGED', to: 'RUNNING' },
          { type: 'ANOMALY_CLEARED', anomalyType: 'STATUS_FAULT' },
        ]);
    });

    it('given a CONTINUOUS pump, when it stays STOPPED for 60 s, then UNPLANNED_STOP opens', () => {
      const p = machine('pump-1', 'pump');
      given([PUMP_CONFIG])
        .readings(p.at(0), p.at(seconds(10), { status: 'STOPPED' }))
        .when(p.at(seconds(40), { status: 'STOPPED' }))
        .then([])
        .when(p.at(seconds(70), { status: 'STOPPED' }))
        .then([{ type: 'ANOMALY_OPENED', anomalyType: 'UNPLANNED_STOP', severity: 'MEDIUM' }]);
    });

    it.each(['CYCLIC', 'INTERMITTENT'] as const)(
      'given a %s machine, when it is STOPPED or IDLE for long, then that is normal',
      (pattern) => {
        const m = ovenReadings();
        const config = { ...oven(), operationalPattern: pattern };
        given([config])
          .readings(m.at(0))
          .when(
            m.at(seconds(10), { status: 'STOPPED' }),
            m.at(seconds(600), { status: 'STOPPED' }),
            m.at(seconds(700), { status: 'IDLE' }),
          )
          .then([
            { type: 'STATUS_CHANGED', to: 'STOPPED' },
            { type: 'STATUS_CHANGED', to: 'IDLE' },
          ]);
      },
    );
  });

  describe('config change', () => {
    it('given a pending detection (raiseAfterMs 10 s), when the config version changes, then its timer carries on under the new version', () => {
      const m = ovenReadings();
      given([oven({ raiseAfterMs: seconds(10) })])
        .readings(m.at(0, { temperature: 65 }))
        .withConfigs([oven({ raiseAfterMs: seconds(10), high: { LOW: 62, HIGH: 80 } }, {}, 2)])
        .when(m.at(seconds(5), { temperature: 65 }))
        .then([])
        .when(m.at(seconds(10), { temperature: 65 }))
        .then([
          {
            type: 'ANOMALY_OPENED',
            configVersion: 2,
            calculatedMetrics: { bound: 62, durationMs: seconds(10) },
          },
        ]);
    });

    it('given an open anomaly, when a new version drops its rule, then it clears with reason rule_removed', () => {
      const m = ovenReadings();
      given([oven()])
        .readings(m.at(0, { temperature: 85 }))
        .withConfigs([oven({ high: null }, {}, 2)])
        .when(m.at(seconds(1), { temperature: 85 }))
        .then([{ type: 'ANOMALY_CLEARED', clearReason: 'rule_removed', severity: 'HIGH', configVersion: 2 }]);
    });

    it('given an open anomaly, when a new version raises the bounds above the value, then it is re-judged and clears', () => {
      const m = ovenReadings();
      given([oven()])
        .readings(m.at(0, { temperature: 65 }))
        .withConfigs([oven({ high: { LOW: 75 } }, {}, 2)])
        .when(m.at(seconds(1), { temperature: 65 }))
        .then([{ type: 'ANOMALY_CLEARED', clearReason: 'back_to_normal', configVersion: 2 }]);
    });

    it('given the same version returned as a new object, when folding, then nothing changes (the version is the identity)', () => {
      const m = ovenReadings();
      const driver = given([oven()]).readings(m.at(0, { temperature: 65 }));
      driver
        .withConfigs([oven({ high: null })])
        .when(m.at(seconds(1), { temperature: 65 }))
        .then([]);
      expect(driver.detection('oven-1')?.rules).toHaveLength(1);
    });
  });

  describe('unknown machine type', () => {
    it('given no config for a type, when its readings arrive, then DEFAULT_MACHINE_TYPE_CONFIG judges them', () => {
      const m = machine('mystery-1', 'mystery_machine');
      given([PUMP_CONFIG])
        .readings(m.at(0, { temperature: 100 }))
        .when(m.at(seconds(30), { temperature: 100 }))
        .then([
          {
            type: 'ANOMALY_OPENED',
            machineType: 'mystery_machine',
            configMachineType: 'default',
            anomalyType: 'TEMPERATURE_HIGH',
            severity: 'HIGH',
            calculatedMetrics: { bound: 95 },
          },
        ]);
    });
  });

  it('given optional sensors in the thresholds, when a reading lacks them, then their rules are left as they are', () => {
    const m = machine('pump-1', 'pump');
    given([PUMP_CONFIG])
      .readings(m.at(0, { pressureBar: 0.5 }), m.at(seconds(30), { pressureBar: 0.5 }))
      .when(m.at(seconds(200)))
      .then([]);
  });
});

describe('machine type change', () => {
  it('given a machine whose gateway starts reporting another type, when its next reading arrives, then the new type’s config judges it and its open anomalies are re-judged', () => {
    const asOven = machine('m-1', 'oven');
    const asPump = machine('m-1', 'pump');
    const ovenConfig: MachineTypeConfig = {
      machineType: 'oven',
      version: 1,
      baselineTemp: null,
      tempVariation: null,
      baselineVibration: null,
      vibrationVariation: null,
      operationalPattern: 'CYCLIC',
      thresholds: { sensors: { temperature: { high: { LOW: 60 } } } },
    };
    const driver = given([ovenConfig, PUMP_CONFIG]).readings(asOven.at(0, { temperature: 65 }));
    // 65 °C is above the pump's derived LOW bound (64 °C) too: the anomaly carries on under the pump config…
    driver.when(asPump.at(seconds(1), { temperature: 65, seq: 1 })).then([]);
    expect(driver.twin('m-1')?.machineType).toBe('pump');
    expect(driver.detection('m-1')).toMatchObject({ configType: 'pump', configVersion: 1 });
    // …and clears by the pump's rules: at or below 64 − 3 °C (hysteresis) for 120 s.
    driver.when(asPump.at(seconds(2), { temperature: 55, seq: 2 })).then([]);
    driver.when(asPump.at(seconds(122), { temperature: 55, seq: 3 })).then([
      {
        type: 'ANOMALY_CLEARED',
        configMachineType: 'pump',
        machineType: 'pump',
        calculatedMetrics: { bound: 64 },
      },
    ]);
  });
});
