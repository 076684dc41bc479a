// The fallback config for unknown machine types and four seed configs, as data a migration can insert
// into machine_configurations. Vibration bounds follow ISO 10816-3 zone boundaries (mm/s RMS:
// A/B 1.4–2.3, B/C 2.8–4.5, C/D 4.5–7.1 for medium machines; 7.1–11 for large rigid ones), read as:
// LOW = leaving zone B, HIGH = entering zone D ("damage"), CRITICAL = well into D.
import type { MachineTypeConfig } from './machine-type-config.js';

/**
 * For readings whose machine type has no config. No baselines, so nothing is derived: only gross limits
 * a general-purpose industrial machine should never exceed, CYCLIC (stops are not anomalies), faults,
 * and stale data after 5 minutes.
 */
export const DEFAULT_MACHINE_TYPE_CONFIG: MachineTypeConfig = deepFreeze({
  machineType: 'default',
  version: 1,
  baselineTemp: null,
  tempVariation: null,
  baselineVibration: null,
  vibrationVariation: null,
  operationalPattern: 'CYCLIC',
  thresholds: {
    raiseAfterMs: 30_000,
    clearAfterMs: 60_000,
    sensors: {
      temperature: { high: { MEDIUM: 80, HIGH: 95, CRITICAL: 110 }, low: null, hysteresis: 3 },
      // ISO 10816-3 group 2 (medium machines), flexible foundation.
      vibration: { high: { LOW: 4.5, MEDIUM: 7.1, HIGH: 11, CRITICAL: 18 }, hysteresis: 0.5 },
      load: { high: { MEDIUM: 100, HIGH: 110, CRITICAL: 125 }, hysteresis: 5 },
    },
    status: { fault: { severity: 'HIGH' } },
    staleData: { afterMs: 300_000, severity: 'MEDIUM' },
  },
});

/** CNC milling machine: spindle bearings ~45 °C, ~2.5 mm/s; runs jobs with idle gaps (CYCLIC). */
export const CNC_MILL_CONFIG: MachineTypeConfig = deepFreeze({
  machineType: 'cnc_mill',
  version: 1,
  baselineTemp: 45,
  tempVariation: 5, // derived high bounds: 52.5 / 55 / 60 / 65 °C
  baselineVibration: 2.5,
  vibrationVariation: 0.8,
  operationalPattern: 'CYCLIC',
  thresholds: {
    raiseAfterMs: 15_000,
    clearAfterMs: 60_000,
    sensors: {
      // A spindle running cold is a warm-up, not a fault: only implausibly low values (sensor failure).
      temperature: {
        low: { LOW: 10, HIGH: 0 },
        hysteresis: 2,
        ratePerMinute: { limits: { MEDIUM: 4, HIGH: 8 } },
      },
      // ISO 10816-3 group 2, rigid foundation: B/C 2.8, C/D 4.5; spindles tolerate a little more.
      vibration: { high: { LOW: 3.5, MEDIUM: 4.5, HIGH: 7.1, CRITICAL: 11 }, hysteresis: 0.4 },
      load: { high: { MEDIUM: 95, HIGH: 110, CRITICAL: 125 }, hysteresis: 5, raiseAfterMs: 5_000 },
      rpm: { high: { HIGH: 24_000, CRITICAL: 26_000 }, hysteresis: 500 },
    },
    status: { fault: { severity: 'HIGH' } },
    staleData: { afterMs: 120_000, severity: 'MEDIUM' },
  },
});

/** Centrifugal pump: ~55 °C bearing housing, ~3 mm/s; runs around the clock (CONTINUOUS). */
export const PUMP_CONFIG: MachineTypeConfig = deepFreeze({
  machineType: 'pump',
  version: 1,
  baselineTemp: 55,
  tempVariation: 6, // derived high bounds: 64 / 67 / 73 / 79 °C
  baselineVibration: 3,
  vibrationVariation: 1,
  operationalPattern: 'CONTINUOUS',
  thresholds: {
    raiseAfterMs: 30_000,
    clearAfterMs: 120_000,
    sensors: {
      // Not the derived low bounds (46 °C…): a pump starting cold is normal; near-freezing fluid is not.
      temperature: {
        low: { MEDIUM: 5, HIGH: 2 },
        ratePerMinute: { limits: { MEDIUM: 3, HIGH: 6, CRITICAL: 10 }, hysteresis: 0.5 },
      },
      // ISO 10816-3 group 1 pumps (> 15 kW, separate driver), flexible: B/C 4.5, C/D 7.1.
      vibration: { high: { LOW: 4.5, MEDIUM: 5.8, HIGH: 7.1, CRITICAL: 11 }, hysteresis: 0.5 },
      load: { high: { HIGH: 105, CRITICAL: 120 }, low: { LOW: 20, MEDIUM: 10 }, hysteresis: 5 },
      // Loss of prime or a blocked suction shows as falling discharge pressure.
      pressure_bar: {
        high: { HIGH: 10, CRITICAL: 12 },
        low: { LOW: 3, MEDIUM: 2, HIGH: 1 },
        hysteresis: 0.3,
      },
    },
    status: {
      fault: { severity: 'HIGH' },
      unplannedStop: { severity: 'MEDIUM', raiseAfterMs: 60_000 },
    },
    staleData: { afterMs: 180_000, severity: 'MEDIUM' },
  },
});

/** Screw air compressor: ~70 °C, ~4.5 mm/s; starts and stops on air demand (INTERMITTENT). */
export const COMPRESSOR_CONFIG: MachineTypeConfig = deepFreeze({
  machineType: 'compressor',
  version: 1,
  baselineTemp: 70,
  tempVariation: 8, // derived: high 82 / 86 / 94 / 102 °C (screw compressors trip around 105-110 °C)
  baselineVibration: 4.5,
  vibrationVariation: 1.5,
  operationalPattern: 'INTERMITTENT',
  thresholds: {
    raiseAfterMs: 20_000,
    clearAfterMs: 60_000,
    sensors: {
      temperature: { low: null, ratePerMinute: { limits: { HIGH: 8, CRITICAL: 15 }, raiseAfterMs: 0 } },
      // ISO 10816-3 group 1, rigid, plus the pulsation compressors live with: C/D 7.1 as LOW.
      vibration: { high: { LOW: 7.1, MEDIUM: 9, HIGH: 11, CRITICAL: 18 }, hysteresis: 0.8 },
      load: { high: { HIGH: 105, CRITICAL: 115 }, hysteresis: 5 },
      pressure_bar: { high: { MEDIUM: 10, HIGH: 11, CRITICAL: 12.5 }, hysteresis: 0.3 },
      power_kw: { high: { HIGH: 85, CRITICAL: 95 }, hysteresis: 3 },
    },
    status: { fault: { severity: 'CRITICAL' } },
    staleData: { afterMs: 300_000, severity: 'MEDIUM' },
  },
});

/**
 * Belt conveyor drive: ~35 °C gearbox, ~1.5 mm/s. It runs when there is product, idles (belt moving empty)
 * while waiting for it, and stops when the line upstream or downstream does: stops are part of its normal
 * work (INTERMITTENT), so a STOPPED conveyor is not an unplanned stop.
 */
export const CONVEYOR_CONFIG: MachineTypeConfig = deepFreeze({
  machineType: 'conveyor',
  version: 1,
  baselineTemp: 35,
  tempVariation: 5, // derived: high 42.5 / 45 / 50 / 55 °C
  baselineVibration: 1.5,
  vibrationVariation: 0.5, // derived: high 2.25 / 2.5 / 3 / 3.5 mm/s (small machines: B/C 1.8, C/D 4.5)
  operationalPattern: 'INTERMITTENT',
  thresholds: {
    raiseAfterMs: 30_000,
    clearAfterMs: 120_000,
    sensors: {
      temperature: { low: null },
      // A jam shows as load climbing fast before it trips.
      load: {
        high: { MEDIUM: 100, HIGH: 115, CRITICAL: 130 },
        hysteresis: 5,
        ratePerMinute: { limits: { HIGH: 40 } },
      },
    },
    status: { fault: { severity: 'HIGH' } },
    staleData: { afterMs: 120_000, severity: 'HIGH' },
  },
});

/** The seed rows for machine_configurations (thresholds is the JSONB column as is). */
export const SEED_MACHINE_TYPE_CONFIGS: readonly MachineTypeConfig[] = Object.freeze([
  CNC_MILL_CONFIG,
  PUMP_CONFIG,
  COMPRESSOR_CONFIG,
  CONVEYOR_CONFIG,
]);

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
