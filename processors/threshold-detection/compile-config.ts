// Turns a MachineTypeConfig into the flat rules detection runs on: bounds derived from the baseline
// columns where the thresholds JSON leaves them out, defaults filled in. Done once per (type, version),
// never per reading.
import type { MachineStatus } from '../readings/reading.js';
import { TWIN_SENSORS, type TwinSensor } from '../twin-state/index.js';
import type {
  MachineTypeConfig,
  OperationalPattern,
  SensorThresholds,
  SeverityBounds,
  StatusThresholds,
  ThresholdSensor,
} from './machine-type-config.js';
import { SEVERITIES, severityAt, severityRank, type Severity } from './severity.js';

/** Derived bounds sit at baseline ± k·variation, with k per severity. */
export const DERIVATION_FACTORS: Readonly<Record<Severity, number>> = Object.freeze({
  LOW: 1.5,
  MEDIUM: 2,
  HIGH: 3,
  CRITICAL: 4,
});

/** What an omitted part of the thresholds JSON means (see README.md). */
export const THRESHOLD_DEFAULTS = Object.freeze({
  raiseAfterMs: 0,
  clearAfterMs: 0,
  /** Default hysteresis of temperature and vibration, as a fraction of the variation column. */
  hysteresisPerVariation: 0.5,
  fault: Object.freeze({ severity: 'HIGH', raiseAfterMs: 0, clearAfterMs: 0 }),
  unplannedStop: Object.freeze({
    severity: 'MEDIUM',
    raiseAfterMs: 60_000,
    clearAfterMs: 0,
  }),
  staleData: Object.freeze({ afterMs: 300_000, severity: 'MEDIUM', missedReadings: 20 }),
  operationalPattern: 'CYCLIC',
  /** Rate rules: the span of event time a rate is measured over. */
  rateWindowMs: 60_000,
});

export type RuleKind = 'high' | 'low' | 'rate' | 'status';

export interface CompiledRule {
  /** Stable across config versions: `<sensor>.high|low|rate`, `status.fault`, `status.unplanned-stop`. */
  readonly ruleId: string;
  readonly anomalyType: string;
  readonly kind: RuleKind;
  /** The reading field judged (null for status rules). */
  readonly sensor: TwinSensor | null;
  /** Its TWIN_SENSORS index (-1 for status rules). */
  readonly sensorIndex: number;
  /** Rate rules: the span of event time a rate is measured over, ms; 0 for other rules. */
  readonly windowMs: number;
  /** Bound per severity rank (LOW..CRITICAL); NaN where not configured, so comparisons are simply false. */
  readonly bounds: readonly number[];
  /** Rank of the least severe configured bound: the one clearing is judged against. */
  readonly leastRank: number;
  readonly hysteresis: number;
  readonly raiseAfterMs: number;
  readonly clearAfterMs: number;
  /** Judged only on RUNNING readings (otherwise the condition counts as not holding). */
  readonly runningOnly: boolean;
  readonly baseline: number | null;
  readonly variation: number | null;
  /** Status rules: the status that raises, at a fixed severity rank. */
  readonly status: MachineStatus | null;
  readonly statusRank: number;
}

export interface CompiledConfig {
  /** The machine type of the config used (DEFAULT_MACHINE_TYPE_CONFIG's for unknown types). */
  readonly configType: string;
  readonly version: number;
  readonly operationalPattern: OperationalPattern;
  readonly rules: readonly CompiledRule[];
  readonly ruleIds: ReadonlySet<string>;
  /** null: no stale-data detection. */
  readonly staleAfterMs: number | null;
  readonly staleSeverity: Severity;
  /** Loss of signal also after this many of the machine's own typical intervals (null: staleAfterMs alone). */
  readonly staleMissedReadings: number | null;
  readonly source: MachineTypeConfig;
}

const READING_FIELD: Readonly<Record<ThresholdSensor, TwinSensor>> = {
  temperature: 'temperature',
  vibration: 'vibration',
  load: 'load',
  rpm: 'rpm',
  power_kw: 'powerKw',
  pressure_bar: 'pressureBar',
};

/** Temperature and vibration high bounds are judged in every status but MAINTENANCE: a stopped machine can still overheat. */
const JUDGED_WHEN_NOT_RUNNING: ReadonlySet<string> = new Set(['temperature.high', 'vibration.high']);

export function compileMachineTypeConfig(config: MachineTypeConfig): CompiledConfig {
  const thresholds = config.thresholds;
  const rules: CompiledRule[] = [];
  const pattern = config.operationalPattern ?? THRESHOLD_DEFAULTS.operationalPattern;
  const raiseDefault = thresholds.raiseAfterMs ?? THRESHOLD_DEFAULTS.raiseAfterMs;
  const clearDefault = thresholds.clearAfterMs ?? THRESHOLD_DEFAULTS.clearAfterMs;

  for (const [name, field] of Object.entries(READING_FIELD) as Array<[ThresholdSensor, TwinSensor]>) {
    const sensor: SensorThresholds = thresholds.sensors?.[name] ?? {};
    const { baseline, variation } = baselineOf(config, name);
    const derivable = baseline !== null && variation !== null && variation > 0;
    const high =
      sensor.high !== undefined ? sensor.high : derivable ? deriveBounds(baseline, variation, 1) : null;
    const low =
      sensor.low !== undefined
        ? sensor.low
        : derivable && name === 'temperature'
          ? deriveBounds(baseline, variation, -1)
          : null;
    const hysteresis =
      sensor.hysteresis ??
      (variation !== null ? round2(variation * THRESHOLD_DEFAULTS.hysteresisPerVariation) : 0);
    const raiseAfterMs = sensor.raiseAfterMs ?? raiseDefault;
    const clearAfterMs = sensor.clearAfterMs ?? clearDefault;
    const upper = name.toUpperCase();
    const common = {
      sensor: field,
      sensorIndex: TWIN_SENSORS.indexOf(field),
      windowMs: 0,
      baseline,
      variation,
      status: null,
      statusRank: -1,
    };
    if (high) {
      const ruleId = `${name}.high`;
      rules.push({
        ...common,
        ruleId,
        anomalyType: `${upper}_HIGH`,
        kind: 'high',
        ...boundsOf(high),
        hysteresis,
        raiseAfterMs,
        clearAfterMs,
        runningOnly: !JUDGED_WHEN_NOT_RUNNING.has(ruleId),
      });
    }
    if (low) {
      rules.push({
        ...common,
        ruleId: `${name}.low`,
        anomalyType: `${upper}_LOW`,
        kind: 'low',
        ...boundsOf(low),
        hysteresis,
        raiseAfterMs,
        clearAfterMs,
        runningOnly: true,
      });
    }
    const rate = sensor.ratePerMinute;
    if (rate) {
      rules.push({
        ...common,
        ruleId: `${name}.rate`,
        anomalyType: `${upper}_RATE`,
        kind: 'rate',
        ...boundsOf(rate.limits),
        windowMs: rate.windowMs ?? THRESHOLD_DEFAULTS.rateWindowMs,
        hysteresis: rate.hysteresis ?? 0,
        raiseAfterMs: rate.raiseAfterMs ?? raiseAfterMs,
        clearAfterMs: rate.clearAfterMs ?? clearAfterMs,
        runningOnly: true,
      });
    }
  }

  const fault = thresholds.status?.fault === undefined ? THRESHOLD_DEFAULTS.fault : thresholds.status.fault;
  if (fault) rules.push(statusRule('status.fault', 'STATUS_FAULT', 'FAULT', fault));
  if (pattern === 'CONTINUOUS') {
    const stop =
      thresholds.status?.unplannedStop === undefined
        ? THRESHOLD_DEFAULTS.unplannedStop
        : thresholds.status.unplannedStop;
    if (stop) rules.push(statusRule('status.unplanned-stop', 'UNPLANNED_STOP', 'STOPPED', stop));
  }

  const stale = thresholds.staleData === undefined ? THRESHOLD_DEFAULTS.staleData : thresholds.staleData;
  return {
    configType: config.machineType,
    version: config.version,
    operationalPattern: pattern,
    rules,
    ruleIds: new Set(rules.map((rule) => rule.ruleId)),
    staleAfterMs: stale ? stale.afterMs : null,
    staleSeverity: stale?.severity ?? THRESHOLD_DEFAULTS.staleData.severity,
    staleMissedReadings:
      stale?.missedReadings === undefined
        ? THRESHOLD_DEFAULTS.staleData.missedReadings
        : stale.missedReadings,
    source: config,
  };
}

/**
 * Problems of the config as a whole once derived bounds are filled in (parse-time checks see only the
 * JSON): a sensor's low bounds must lie below its high bounds. Each problem names its path.
 */
export function checkCompiledConfig(compiled: CompiledConfig): string[] {
  const problems: string[] = [];
  for (const high of compiled.rules) {
    if (high.kind !== 'high') continue;
    const name = high.ruleId.slice(0, -'.high'.length);
    const low = compiled.rules.find((rule) => rule.ruleId === `${name}.low`);
    if (!low) continue;
    const highLeast = high.bounds[high.leastRank] ?? NaN;
    const lowLeast = low.bounds[low.leastRank] ?? NaN;
    if (!(lowLeast < highLeast)) {
      problems.push(
        `thresholds.sensors.${name}: low bounds must lie below high bounds (low ${severityAt(low.leastRank)} ${lowLeast} ≥ high ${severityAt(high.leastRank)} ${highLeast}, derived bounds included)`,
      );
    }
  }
  return problems;
}

function statusRule(
  ruleId: string,
  anomalyType: string,
  status: MachineStatus,
  t: StatusThresholds,
): CompiledRule {
  return {
    ruleId,
    anomalyType,
    kind: 'status',
    sensor: null,
    sensorIndex: -1,
    windowMs: 0,
    bounds: [NaN, NaN, NaN, NaN],
    leastRank: severityRank(t.severity),
    hysteresis: 0,
    raiseAfterMs: t.raiseAfterMs ?? 0,
    clearAfterMs: t.clearAfterMs ?? 0,
    runningOnly: false,
    baseline: null,
    variation: null,
    status,
    statusRank: severityRank(t.severity),
  };
}

function baselineOf(config: MachineTypeConfig, sensor: ThresholdSensor) {
  if (sensor === 'temperature') return { baseline: config.baselineTemp, variation: config.tempVariation };
  if (sensor === 'vibration')
    return { baseline: config.baselineVibration, variation: config.vibrationVariation };
  return { baseline: null, variation: null };
}

/** Bounds at baseline ± k·variation, rounded to the columns' two decimals. */
export function deriveBounds(baseline: number, variation: number, direction: 1 | -1): SeverityBounds {
  const bounds: SeverityBounds = {};
  for (const severity of SEVERITIES) {
    bounds[severity] = round2(baseline + direction * DERIVATION_FACTORS[severity] * variation);
  }
  return bounds;
}

function boundsOf(bounds: SeverityBounds): { bounds: number[]; leastRank: number } {
  const values = SEVERITIES.map((severity) => bounds[severity] ?? NaN);
  const leastRank = values.findIndex((value) => !Number.isNaN(value));
  return { bounds: values, leastRank };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
