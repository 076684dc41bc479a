// Machine type configurations (twin database). A change is a new row, never an update: the newest row of a type
// is in force and its id is the configuration's version, so every earlier version stays on record.
import type { Pool } from 'pg';
import { epochMs, utcTimestamp } from '../sql-time.js';

/** A row of machine_configurations as read (DECIMAL columns as strings, times as epoch ms). */
export interface ConfigurationRow {
  id: number;
  machine_type: string;
  baseline_temp: string | null;
  temp_variation: string | null;
  baseline_vibration: string | null;
  vibration_variation: string | null;
  operational_pattern: string | null;
  thresholds: unknown;
  created_at_ms: number | null;
  updated_at_ms: number | null;
}

const CONFIGURATION_COLUMNS = `id, machine_type, baseline_temp, temp_variation, baseline_vibration, vibration_variation,
  operational_pattern, thresholds, ${epochMs('created_at')} AS created_at_ms, ${epochMs('updated_at')} AS updated_at_ms`;

/** A new version's values, as the API took them. */
export interface ConfigurationInput {
  readonly baselineTemp: number | null;
  readonly tempVariation: number | null;
  readonly baselineVibration: number | null;
  readonly vibrationVariation: number | null;
  readonly operationalPattern: string | null;
  readonly thresholds: Record<string, unknown> | null;
}

/** The configuration in force for every machine type (its newest row), ordered by machine type. */
export async function loadLatestConfigurations(pool: Pool): Promise<ConfigurationRow[]> {
  const result = await pool.query<ConfigurationRow>(
    `SELECT DISTINCT ON (machine_type) ${CONFIGURATION_COLUMNS}
       FROM machine_configurations ORDER BY machine_type, id DESC`,
  );
  return result.rows;
}

/** The configuration in force for one machine type, if it has any. */
export async function findLatestConfiguration(
  pool: Pool,
  machineType: string,
): Promise<ConfigurationRow | undefined> {
  const result = await pool.query<ConfigurationRow>(
    `SELECT ${CONFIGURATION_COLUMNS} FROM machine_configurations WHERE machine_type = $1 ORDER BY id DESC LIMIT 1`,
    [machineType],
  );
  return result.rows[0];
}

/** Stores a new version for the machine type, created and updated at `at` (epoch ms); returns its row. */
export async function insertConfiguration(
  pool: Pool,
  machineType: string,
  input: ConfigurationInput,
  at: number,
): Promise<ConfigurationRow> {
  // Written as UTC explicitly: the column default would use the server's time zone.
  const result = await pool.query<ConfigurationRow>(
    `INSERT INTO machine_configurations (machine_type, baseline_temp, temp_variation, baseline_vibration,
                                         vibration_variation, operational_pattern, thresholds,
                                         created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, ${utcTimestamp('$8::float8')}, ${utcTimestamp('$8::float8')})
     RETURNING ${CONFIGURATION_COLUMNS}`,
    [
      machineType,
      input.baselineTemp,
      input.tempVariation,
      input.baselineVibration,
      input.vibrationVariation,
      input.operationalPattern,
      input.thresholds === null ? null : JSON.stringify(input.thresholds),
      at,
    ],
  );
  return result.rows[0]!;
}
