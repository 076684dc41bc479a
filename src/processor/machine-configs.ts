// The machine type configurations the processor judges readings with, read from machine_configurations and
// re-read every few seconds so a change reaches running processors without a restart. Each change is a new
// row; the newest row of a type is in force and its id is the config's version.
import type pg from 'pg';
import {
  safeParseMachineTypeConfig,
  type ConfigLookup,
  type MachineTypeConfig,
} from '../../processors/threshold-detection/index.js';
import { loadLatestConfigurations } from '../db/repositories/machine-configurations.js';
import type { Logger } from '../logger.js';

const decimal = (value: string | null) => (value === null ? null : Number(value));

/** Reads the newest configuration of every machine type; rows that fail validation are reported and skipped. */
export async function loadMachineConfigs(
  pool: pg.Pool,
  logger?: Logger,
): Promise<Map<string, MachineTypeConfig>> {
  const configs = new Map<string, MachineTypeConfig>();
  for (const row of await loadLatestConfigurations(pool)) {
    const parsed = safeParseMachineTypeConfig({
      machineType: row.machine_type,
      version: row.id,
      baselineTemp: decimal(row.baseline_temp),
      tempVariation: decimal(row.temp_variation),
      baselineVibration: decimal(row.baseline_vibration),
      vibrationVariation: decimal(row.vibration_variation),
      operationalPattern: row.operational_pattern,
      thresholds: row.thresholds ?? {},
    });
    if (parsed.ok) configs.set(row.machine_type, parsed.value);
    else
      logger?.error(
        { machineType: row.machine_type, version: row.id },
        `ignoring invalid configuration: ${parsed.error}`,
      );
  }
  return configs;
}

export interface MachineConfigSource {
  readonly lookup: ConfigLookup;
  stop(): void;
}

export async function startMachineConfigSource(
  pool: pg.Pool,
  refreshMs: number,
  logger: Logger,
): Promise<MachineConfigSource> {
  let current = await loadMachineConfigs(pool, logger);
  logger.info({ machineTypes: [...current.keys()] }, 'machine configurations loaded');
  const timer = setInterval(() => {
    loadMachineConfigs(pool, logger).then(
      (next) => {
        for (const [type, config] of next) {
          if (current.get(type)?.version !== config.version) {
            logger.info({ machineType: type, version: config.version }, 'machine configuration changed');
          }
        }
        current = next;
      },
      (error: unknown) =>
        logger.warn({ err: error }, 'refreshing machine configurations failed; keeping the last ones'),
    );
  }, refreshMs);
  timer.unref();
  return { lookup: (machineType) => current.get(machineType), stop: () => clearInterval(timer) };
}
