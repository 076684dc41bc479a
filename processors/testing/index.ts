// Test support for the fold: a driver without broker or sleeps, reading builders, seeded random streams.
export { machine, minutes, reading, seconds, T0, type MachineReadings } from './reading-builder.js';
export { prng, randomReadings, type RandomStreamOptions } from './random-readings.js';
export { TwinTestDriver, given, type ExpectedEvent, type Outcome } from './test-driver.js';
export { windowSums } from './window-sums.js';
