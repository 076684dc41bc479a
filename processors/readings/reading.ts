// A sensor reading as the edge gateways send it, after decoding and validation: the domain's one input.
// Wire names are snake_case (the contract in the README); in code they are camelCase.

export const MACHINE_STATUSES = ['RUNNING', 'IDLE', 'STOPPED', 'FAULT', 'MAINTENANCE'] as const;
export type MachineStatus = (typeof MACHINE_STATUSES)[number];

/** The sensors every reading carries, in their units: °C, mm/s RMS, % of rated load. */
export const CORE_SENSORS = ['temperature', 'vibration', 'load'] as const;
/** Optional sensors a gateway may add: revolutions per minute, kW, bar. */
export const OPTIONAL_SENSORS = ['rpm', 'powerKw', 'pressureBar'] as const;
export type SensorName = (typeof CORE_SENSORS)[number] | (typeof OPTIONAL_SENSORS)[number];

export interface SensorReading {
  readonly machineId: string;
  readonly machineType: string;
  /** Event time: when the gateway measured it, epoch milliseconds (UTC). */
  readonly timestamp: number;
  readonly temperature: number;
  readonly vibration: number;
  readonly load: number;
  readonly status: MachineStatus;
  /** Per-machine increasing number from the gateway; duplicates are detected by it when present. */
  readonly seq?: number;
  /** Cumulative production counters, when the gateway has them. */
  readonly goodCount?: number;
  readonly rejectCount?: number;
  readonly rpm?: number;
  readonly powerKw?: number;
  readonly pressureBar?: number;
}
