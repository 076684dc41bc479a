// Machine type configurations (twin database). A change is a new machine_configurations row, never an update:
// the newest row of a type is in force and its id is the version, so running processors pick a PUT up at their
// next refresh (CONFIG_REFRESH_MS) without a restart, and every earlier version stays on record.
import { safeParseMachineTypeConfig } from '../../../processors/threshold-detection/index.js';
import {
  findLatestConfiguration,
  insertConfiguration,
  loadLatestConfigurations,
  type ConfigurationRow,
} from '../../db/repositories/machine-configurations.js';
import type { ApiRoutes } from '../context.js';
import { badRequest, notFound } from '../http-errors.js';
import { iso, numberOrNull } from '../paging.js';
import {
  errorResponses,
  identifier,
  nullableIsoTime,
  nullableJsonObject,
  operationalPattern,
} from '../schemas.js';

// DECIMAL(5,2): two decimals are kept, so anything within ±999.99 fits.
const decimal = { type: ['number', 'null'], minimum: -999.99, maximum: 999.99 } as const;
const variation = { type: ['number', 'null'], minimum: 0, maximum: 999.99 } as const;
const columnNumber = { type: ['number', 'null'] } as const;

const baselineProperties = {
  baseline_temp: { ...columnNumber, description: '°C' },
  temp_variation: { ...columnNumber, description: '°C, the normal spread around the baseline' },
  baseline_vibration: { ...columnNumber, description: 'mm/s RMS' },
  vibration_variation: { ...columnNumber, description: 'mm/s RMS' },
  operational_pattern: operationalPattern,
} as const;

const typeSummary = {
  type: 'object',
  additionalProperties: false,
  required: ['machine_type', 'version'],
  properties: {
    machine_type: { type: 'string' },
    version: { type: 'integer', description: 'the machine_configurations row id; increases on every change' },
    ...baselineProperties,
    updated_at: nullableIsoTime,
  },
} as const;

const configBody = {
  ...typeSummary,
  properties: {
    ...typeSummary.properties,
    thresholds: {
      ...nullableJsonObject,
      description: 'see processors/threshold-detection/README.md; null or {} derives or defaults everything',
    },
    created_at: nullableIsoTime,
  },
} as const;

const typeParams = {
  type: 'object',
  required: ['machine_type'],
  additionalProperties: false,
  properties: { machine_type: identifier },
} as const;

interface TypeParams {
  machine_type: string;
}

interface ConfigInput {
  baseline_temp: number | null;
  temp_variation: number | null;
  baseline_vibration: number | null;
  vibration_variation: number | null;
  operational_pattern: string | null;
  thresholds: Record<string, unknown> | null;
}

const decimalOf = (value: string | null) => numberOrNull(value);
const isoOrNullOf = (ms: number | null) => (ms === null ? null : iso(ms));

function summaryOf(row: ConfigurationRow) {
  return {
    machine_type: row.machine_type,
    version: row.id,
    baseline_temp: decimalOf(row.baseline_temp),
    temp_variation: decimalOf(row.temp_variation),
    baseline_vibration: decimalOf(row.baseline_vibration),
    vibration_variation: decimalOf(row.vibration_variation),
    operational_pattern: row.operational_pattern,
    updated_at: isoOrNullOf(row.updated_at_ms),
  };
}

function configOf(row: ConfigurationRow) {
  return {
    ...summaryOf(row),
    thresholds: (row.thresholds ?? null) as Record<string, unknown> | null,
    created_at: isoOrNullOf(row.created_at_ms),
  };
}

export const machineTypeRoutes: ApiRoutes = (app, { twinPool, now }) => {
  app.get(
    '/machine-types',
    {
      schema: {
        tags: ['machine types'],
        summary: 'The configuration in force for every machine type (baselines; thresholds per type)',
        response: {
          200: {
            type: 'object',
            additionalProperties: false,
            required: ['items'],
            properties: { items: { type: 'array', items: typeSummary } },
          },
          ...errorResponses(),
        },
      },
    },
    async () => {
      const rows = await loadLatestConfigurations(twinPool);
      return { items: rows.map(summaryOf) };
    },
  );

  app.get<{ Params: TypeParams }>(
    '/machine-types/:machine_type/config',
    {
      schema: {
        tags: ['machine types'],
        summary: 'The configuration in force for a machine type, with its thresholds and version',
        params: typeParams,
        response: { 200: configBody, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const { machine_type: machineType } = request.params;
      const row = await findLatestConfiguration(twinPool, machineType);
      if (!row) throw notFound(`no configuration for machine type ${machineType}`);
      return configOf(row);
    },
  );

  app.put<{ Params: TypeParams; Body: ConfigInput }>(
    '/machine-types/:machine_type/config',
    {
      schema: {
        tags: ['machine types'],
        summary: 'Put a new configuration version in force for a machine type',
        description:
          'The whole configuration (every field, null where unset). Validated like the processor validates ' +
          'it; stored as a new version, which running processors apply within CONFIG_REFRESH_MS.',
        params: typeParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: [
            'baseline_temp',
            'temp_variation',
            'baseline_vibration',
            'vibration_variation',
            'operational_pattern',
            'thresholds',
          ],
          properties: {
            baseline_temp: { ...decimal, description: '°C' },
            temp_variation: { ...variation, description: '°C, ≥ 0' },
            baseline_vibration: { ...decimal, description: 'mm/s RMS' },
            vibration_variation: { ...variation, description: 'mm/s RMS, ≥ 0' },
            operational_pattern: operationalPattern,
            thresholds: configBody.properties.thresholds,
          },
        },
        response: { 200: configBody, ...errorResponses(400) },
      },
    },
    async (request) => {
      const { machine_type: machineType } = request.params;
      const body = request.body;
      const settings = {
        baselineTemp: body.baseline_temp,
        tempVariation: body.temp_variation,
        baselineVibration: body.baseline_vibration,
        vibrationVariation: body.vibration_variation,
        operationalPattern: body.operational_pattern,
        thresholds: body.thresholds,
      };
      const parsed = safeParseMachineTypeConfig({ machineType, version: 0, ...settings });
      if (!parsed.ok) throw badRequest(parsed.error);
      const row = await insertConfiguration(twinPool, machineType, settings, now());
      request.log.info({ machineType, version: row.id }, 'machine configuration changed');
      return configOf(row);
    },
  );
};
