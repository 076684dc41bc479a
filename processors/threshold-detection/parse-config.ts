// Validation of machine type configs, run once when configs are loaded (never on the hot path).
// Every error is one line naming the path, e.g.
// `thresholds.sensors.temperature.high.CRITICAL: must be above HIGH (80 ≤ 85)`.
import { z } from 'zod';
import { errorWithCode } from '../errors.js';
import { checkCompiledConfig, compileMachineTypeConfig } from './compile-config.js';
import {
  OPERATIONAL_PATTERNS,
  THRESHOLD_SENSORS,
  type MachineTypeConfig,
  type Thresholds,
} from './machine-type-config.js';
import { SEVERITIES } from './severity.js';

/** A config or thresholds document that can't be used; `message` is one line naming the path. */
export class ThresholdConfigError extends errorWithCode('ThresholdConfigError', 'THRESHOLD_CONFIG_INVALID') {}

const durationMs = z.number().int().min(0).max(2_147_483_647);
const severity = z.enum(SEVERITIES);
const bound = z.number();

// direction +1: bounds must increase with severity (high bounds, rate limits); -1: decrease (low bounds).
function severityBounds(direction: 1 | -1) {
  return z
    .strictObject({
      LOW: bound.optional(),
      MEDIUM: bound.optional(),
      HIGH: bound.optional(),
      CRITICAL: bound.optional(),
    })
    .superRefine((bounds, ctx) => {
      let previous: { severity: string; value: number } | undefined;
      for (const name of SEVERITIES) {
        const value = bounds[name];
        if (value === undefined) continue;
        if (previous && !(direction * value > direction * previous.value)) {
          const relation = direction > 0 ? 'above' : 'below';
          const sign = direction > 0 ? '≤' : '≥';
          ctx.addIssue({
            code: 'custom',
            path: [name],
            message: `must be ${relation} ${previous.severity} (${value} ${sign} ${previous.value})`,
          });
        }
        previous = { severity: name, value };
      }
      if (previous === undefined)
        ctx.addIssue({ code: 'custom', message: 'needs at least one of LOW, MEDIUM, HIGH, CRITICAL' });
    });
}

const rateThresholds = z.strictObject({
  limits: severityBounds(1).refine((limits) => Object.values(limits).every((value) => value > 0), {
    message: 'rate limits must be positive (units per minute, judged on |rate|)',
  }),
  windowMs: z
    .number()
    .int()
    .min(1_000, 'must be ≥ 1000 ms (a rate over a shorter span measures sensor noise)')
    .max(86_400_000, 'must be ≤ 86400000 ms (a day)')
    .optional(),
  hysteresis: z.number().min(0).optional(),
  raiseAfterMs: durationMs.optional(),
  clearAfterMs: durationMs.optional(),
});

const sensorThresholds = z
  .strictObject({
    high: severityBounds(1).nullable().optional(),
    low: severityBounds(-1).nullable().optional(),
    hysteresis: z.number().min(0).optional(),
    raiseAfterMs: durationMs.optional(),
    clearAfterMs: durationMs.optional(),
    ratePerMinute: rateThresholds.optional(),
  })
  .superRefine((sensor, ctx) => {
    const highLeast = sensor.high ? leastBound(sensor.high) : undefined;
    const lowLeast = sensor.low ? leastBound(sensor.low) : undefined;
    if (highLeast !== undefined && lowLeast !== undefined && !(lowLeast < highLeast)) {
      ctx.addIssue({
        code: 'custom',
        path: ['low'],
        message: `must lie below the high bounds (${lowLeast} ≥ ${highLeast})`,
      });
    }
  });

const statusThresholds = z.strictObject({
  severity,
  raiseAfterMs: durationMs.optional(),
  clearAfterMs: durationMs.optional(),
});

const sensorsShape = Object.fromEntries(
  THRESHOLD_SENSORS.map((name) => [name, sensorThresholds.optional()]),
) as {
  [S in (typeof THRESHOLD_SENSORS)[number]]: z.ZodOptional<typeof sensorThresholds>;
};

const thresholdsSchema = z.strictObject({
  raiseAfterMs: durationMs.optional(),
  clearAfterMs: durationMs.optional(),
  sensors: z.strictObject(sensorsShape).optional(),
  status: z
    .strictObject({
      fault: statusThresholds.nullable().optional(),
      unplannedStop: statusThresholds.nullable().optional(),
    })
    .optional(),
  staleData: z
    .strictObject({
      afterMs: durationMs.refine((ms) => ms > 0, { message: 'must be > 0' }),
      severity: severity.optional(),
      missedReadings: z.number().int().min(2).max(10_000).nullable().optional(),
    })
    .nullable()
    .optional(),
});

// The DECIMAL(5,2) columns: pg returns NUMERIC as a string, so accept "45.00" as well as 45.
const decimalColumn = z
  .union([
    z.number(),
    z
      .string()
      .trim()
      .regex(/^-?\d+(\.\d+)?$/, 'expected a decimal number'),
  ])
  .transform(Number)
  .pipe(z.number().gt(-1000, 'must be > -1000 (DECIMAL(5,2))').lt(1000, 'must be < 1000 (DECIMAL(5,2))'))
  .nullable();
const variationColumn = decimalColumn.refine((value) => value === null || value >= 0, {
  message: 'must be ≥ 0',
});

const machineTypeConfigSchema = z.strictObject({
  machineType: z.string().min(1).max(50),
  version: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  baselineTemp: decimalColumn,
  tempVariation: variationColumn,
  baselineVibration: decimalColumn,
  vibrationVariation: variationColumn,
  operationalPattern: z.enum(OPERATIONAL_PATTERNS).nullable(),
  thresholds: z.unknown().optional(),
});

/**
 * The `thresholds` JSONB column, validated. null or undefined (a NULL column) is `{}`: everything derived
 * or defaulted. Throws ThresholdConfigError with one line naming the path.
 */
export function parseThresholds(json: unknown, path = 'thresholds'): Thresholds {
  if (json === null || json === undefined) return {};
  const parsed = thresholdsSchema.safeParse(json);
  if (!parsed.success) throw new ThresholdConfigError(describeIssues(parsed.error.issues, path));
  return parsed.data;
}

export type ParseResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** parseThresholds without throwing. */
export function safeParseThresholds(json: unknown): ParseResult<Thresholds> {
  return attempt(() => parseThresholds(json));
}

/**
 * A whole machine type config (columns + thresholds), validated, including the checks that need derived
 * bounds. Throws ThresholdConfigError: `machine type config 'pump': thresholds.sensors…: …`.
 */
export function parseMachineTypeConfig(input: unknown): MachineTypeConfig {
  const parsed = machineTypeConfigSchema.safeParse(input);
  const label = labelOf(input);
  if (!parsed.success) throw new ThresholdConfigError(`${label}: ${describeIssues(parsed.error.issues, '')}`);
  let thresholds: Thresholds;
  try {
    thresholds = parseThresholds(parsed.data.thresholds);
  } catch (error) {
    throw new ThresholdConfigError(`${label}: ${(error as Error).message}`);
  }
  const config: MachineTypeConfig = { ...parsed.data, thresholds };
  const problems = checkCompiledConfig(compileMachineTypeConfig(config));
  if (problems.length > 0) throw new ThresholdConfigError(`${label}: ${problems.join('; ')}`);
  return config;
}

/** parseMachineTypeConfig without throwing. */
export function safeParseMachineTypeConfig(input: unknown): ParseResult<MachineTypeConfig> {
  return attempt(() => parseMachineTypeConfig(input));
}

function attempt<T>(parse: () => T): ParseResult<T> {
  try {
    return { ok: true, value: parse() };
  } catch (error) {
    if (error instanceof ThresholdConfigError) return { ok: false, error: error.message };
    throw error;
  }
}

function describeIssues(issues: readonly z.core.$ZodIssue[], root: string): string {
  return issues
    .map((issue) => {
      const path = issue.path.reduce<string>(
        (text, key) =>
          typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key),
        root,
      );
      return `${path || '(root)'}: ${issue.message}`;
    })
    .join('; ');
}

function labelOf(input: unknown): string {
  const type = (input as { machineType?: unknown } | null)?.machineType;
  return typeof type === 'string' ? `machine type config '${type}'` : 'machine type config';
}

function leastBound(bounds: Partial<Record<(typeof SEVERITIES)[number], number>>): number | undefined {
  for (const name of SEVERITIES) if (bounds[name] !== undefined) return bounds[name];
  return undefined;
}
