// The simulator's public surface for tests, benchmarks and `twin simulate`: a deterministic fleet of machines
// and the readings its edge gateways send, with injected faults and their ground truth.
export { createFleet, generateReadings, Fleet } from './fleet.js';
export type { FleetOptions, GenerateOptions, MachineInfo } from './fleet.js';
export { FAULT_TYPES, STUCK_SENSORS } from './faults.js';
export type { FaultPlan, FaultRecord, FaultType, FaultWindow, StuckSensor } from './faults.js';
export { MACHINE_PROFILES, MACHINE_TYPES } from './machine-profiles.js';
export type { MachineProfile, MachineType, OperatingPattern } from './machine-profiles.js';
