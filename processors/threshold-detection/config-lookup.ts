// Which config judges a reading: the machine type's own, or the documented fallback.
import type { ConfigLookup, MachineTypeConfig } from './machine-type-config.js';
import { DEFAULT_MACHINE_TYPE_CONFIG } from './seed-configs.js';

/** A lookup over a list of (already validated) configs; the last one of a type wins. */
export function configLookup(configs: Iterable<MachineTypeConfig>): ConfigLookup {
  const byType = new Map<string, MachineTypeConfig>();
  for (const config of configs) byType.set(config.machineType, config);
  return (machineType) => byType.get(machineType);
}

/** The config for a machine type, DEFAULT_MACHINE_TYPE_CONFIG when the lookup has none. */
export function resolveConfig(lookup: ConfigLookup, machineType: string): MachineTypeConfig {
  return lookup(machineType) ?? DEFAULT_MACHINE_TYPE_CONFIG;
}
