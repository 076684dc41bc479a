// How each machine type behaves when healthy: its sensors' normal level and spread, and its operating pattern
// as a small chain of phases (a CNC job, the idle gap after it, …). These describe the equipment, not the
// detector: threshold-detection has its own per-type limits, and the simulator must not be tuned to them.

export const MACHINE_TYPES = ['cnc_mill', 'pump', 'compressor', 'conveyor'] as const;
export type MachineType = (typeof MACHINE_TYPES)[number];

/** CONTINUOUS runs all the time, CYCLIC runs jobs with idle gaps, INTERMITTENT starts and stops on demand. */
export type OperatingPattern = 'CONTINUOUS' | 'CYCLIC' | 'INTERMITTENT';

type Range = readonly [min: number, max: number];

export interface Phase {
  readonly name: string;
  readonly status: 'RUNNING' | 'IDLE' | 'STOPPED';
  /** % of rated load, drawn once per phase; measurement noise comes on top. */
  readonly load: Range;
  readonly durationS: Range;
  /** Shaft speed, drawn once per phase; [0, 0] when nothing turns. */
  readonly rpm: Range;
  /** Share of the running temperature rise above ambient the machine settles at in this phase. */
  readonly heat: number;
  /** Share of the running vibration level. */
  readonly vibration: number;
  /** Compressors: +1 while pressure builds (loaded), −1 while it falls (unloaded), 0 otherwise. */
  readonly pressureTrend: -1 | 0 | 1;
  /** Names of the phases that may follow, with weights. */
  readonly next: Readonly<Record<string, number>>;
}

export interface MachineProfile {
  readonly type: MachineType;
  readonly pattern: OperatingPattern;
  /** °C while running at referenceLoad: mean and the spread of healthy readings. */
  readonly temperature: {
    readonly mean: number;
    readonly sigma: number;
    /** °C per % of load above referenceLoad, while running. */
    readonly perLoad: number;
    /** Thermal time constant: how slowly the housing follows a change of load or phase. */
    readonly tauS: number;
    /** Standard deviation of the sensor's own noise. */
    readonly noise: number;
  };
  /** mm/s RMS while running at referenceLoad. */
  readonly vibration: {
    readonly mean: number;
    readonly sigma: number;
    readonly perLoad: number;
    readonly noise: number;
  };
  readonly referenceLoad: number;
  /** Standard deviation of load around the phase's level, %. */
  readonly loadNoise: number;
  /** Electrical power: baseKw for controls and auxiliaries, plus ratedKw × load. */
  readonly ratedKw: number;
  readonly baseKw: number;
  /** Machines that count parts: parts (or items) per second while running, drawn per phase, and reject share. */
  readonly production?: { readonly unitsPerSecond: Range; readonly rejectRate: number };
  /** Machines with a pressure gauge: bar at referenceLoad, bar per % load, the loaded/unloaded swing. */
  readonly pressure?: { readonly bar: number; readonly perLoad: number; readonly swing: number };
  /** Phase 0 is the main running phase: a machine with an active fault is held in it. */
  readonly phases: readonly Phase[];
}

const STILL: Range = [0, 0];

const CNC_MILL: MachineProfile = {
  type: 'cnc_mill',
  pattern: 'CYCLIC',
  temperature: { mean: 45, sigma: 3, perLoad: 0.07, tauS: 300, noise: 1.2 },
  vibration: { mean: 2.5, sigma: 0.5, perLoad: 0.01, noise: 0.3 },
  referenceLoad: 60,
  loadNoise: 2.5,
  ratedKw: 15,
  baseKw: 1.2,
  production: { unitsPerSecond: [1 / 240, 1 / 45], rejectRate: 0.015 },
  phases: [
    {
      name: 'job',
      status: 'RUNNING',
      load: [30, 90],
      durationS: [180, 720],
      rpm: [6_000, 18_000],
      heat: 1,
      vibration: 1,
      pressureTrend: 0,
      next: { idle: 1 },
    },
    {
      name: 'idle',
      status: 'IDLE',
      load: [2, 6],
      durationS: [30, 180],
      rpm: STILL,
      heat: 0.75,
      vibration: 0.2,
      pressureTrend: 0,
      next: { job: 1 },
    },
  ],
};

const PUMP: MachineProfile = {
  type: 'pump',
  pattern: 'CONTINUOUS',
  temperature: { mean: 55, sigma: 2.5, perLoad: 0.15, tauS: 600, noise: 1 },
  vibration: { mean: 3, sigma: 0.6, perLoad: 0.02, noise: 0.45 },
  referenceLoad: 70,
  loadNoise: 1.5,
  ratedKw: 22,
  baseKw: 0.3,
  pressure: { bar: 4.2, perLoad: 0.02, swing: 0 },
  phases: [
    {
      name: 'run',
      status: 'RUNNING',
      load: [66, 74],
      durationS: [600, 1_800],
      rpm: [2_955, 2_975],
      heat: 1,
      vibration: 1,
      pressureTrend: 0,
      next: { run: 1 },
    },
  ],
};

const COMPRESSOR: MachineProfile = {
  type: 'compressor',
  pattern: 'CONTINUOUS',
  temperature: { mean: 70, sigma: 4, perLoad: 0.12, tauS: 240, noise: 1.5 },
  vibration: { mean: 4.5, sigma: 0.8, perLoad: 0.015, noise: 0.5 },
  referenceLoad: 62,
  loadNoise: 2,
  ratedKw: 75,
  baseKw: 0.8,
  // Screw compressors load until the receiver reaches 7.5 bar, unload until it falls to 6.5 bar.
  pressure: { bar: 7, perLoad: 0, swing: 1 },
  phases: [
    {
      name: 'loaded',
      status: 'RUNNING',
      load: [85, 98],
      durationS: [40, 120],
      rpm: [2_965, 2_975],
      heat: 1,
      vibration: 1,
      pressureTrend: 1,
      next: { unloaded: 1 },
    },
    {
      name: 'unloaded',
      status: 'RUNNING',
      load: [25, 35],
      durationS: [30, 90],
      rpm: [2_980, 2_990],
      heat: 1,
      vibration: 1,
      pressureTrend: -1,
      next: { loaded: 1 },
    },
  ],
};

const CONVEYOR: MachineProfile = {
  type: 'conveyor',
  pattern: 'INTERMITTENT',
  temperature: { mean: 35, sigma: 2, perLoad: 0.08, tauS: 1_500, noise: 0.8 },
  vibration: { mean: 1.5, sigma: 0.3, perLoad: 0.01, noise: 0.2 },
  referenceLoad: 52,
  loadNoise: 3,
  ratedKw: 5.5,
  baseKw: 0.15,
  production: { unitsPerSecond: [0.5, 1.5], rejectRate: 0.004 },
  phases: [
    {
      name: 'run',
      status: 'RUNNING',
      load: [40, 65],
      durationS: [120, 600],
      rpm: [1_440, 1_465],
      heat: 1,
      vibration: 1,
      pressureTrend: 0,
      next: { idle: 0.85, stopped: 0.15 },
    },
    {
      // Belt moving empty, waiting for product.
      name: 'idle',
      status: 'IDLE',
      load: [8, 15],
      durationS: [30, 240],
      rpm: [1_465, 1_480],
      heat: 0.9,
      vibration: 0.6,
      pressureTrend: 0,
      next: { run: 1 },
    },
    {
      name: 'stopped',
      status: 'STOPPED',
      load: STILL,
      durationS: [120, 600],
      rpm: STILL,
      heat: 0,
      vibration: 0.02,
      pressureTrend: 0,
      next: { run: 1 },
    },
  ],
};

export const MACHINE_PROFILES: Readonly<Record<MachineType, MachineProfile>> = {
  cnc_mill: CNC_MILL,
  pump: PUMP,
  compressor: COMPRESSOR,
  conveyor: CONVEYOR,
};

/** Factory hall temperature: where a stopped machine cools down to. */
export const AMBIENT_TEMPERATURE = 22;

/** Planned maintenance: rare, long, and the machine is locked out (no power, no motion). */
export const MAINTENANCE = { meanIntervalS: 48 * 3600, durationS: [15 * 60, 45 * 60] as Range } as const;

export function isMachineType(value: string): value is MachineType {
  return (MACHINE_TYPES as readonly string[]).includes(value);
}
