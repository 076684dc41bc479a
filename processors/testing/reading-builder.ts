// Readings for tests, with plausible defaults so a test states only what matters to it.
import type { SensorReading } from '../readings/reading.js';

/** 2025-01-01T00:00:00Z: event time zero of the tests. */
export const T0 = 1_735_689_600_000;
export const seconds = (n: number): number => n * 1_000;
export const minutes = (n: number): number => n * 60_000;

type Overrides = { -readonly [K in keyof SensorReading]?: SensorReading[K] };

/** A RUNNING pump reading near its baseline, at T0, without seq. */
export function reading(overrides: Overrides = {}): SensorReading {
  return {
    machineId: 'pump-1',
    machineType: 'pump',
    timestamp: T0,
    temperature: 55,
    vibration: 3,
    load: 60,
    status: 'RUNNING',
    ...overrides,
  };
}

export interface MachineReadings {
  readonly machineId: string;
  readonly machineType: string;
  /** A reading `offsetMs` after T0, with the next seq (unless overrides set one). */
  at(offsetMs: number, overrides?: Overrides): SensorReading;
}

/** Readings of one machine with an increasing seq, as its gateway would send them. */
export function machine(machineId: string, machineType: string, defaults: Overrides = {}): MachineReadings {
  let seq = 0;
  return {
    machineId,
    machineType,
    at(offsetMs, overrides = {}) {
      const next = reading({
        machineId,
        machineType,
        seq: seq,
        ...defaults,
        ...overrides,
        timestamp: T0 + offsetMs,
      });
      if (!('seq' in overrides)) seq += 1;
      return next;
    },
  };
}
