// One simulated machine behind its edge gateway: operating phase, housing temperature, production counters and
// its faults, advanced one reading at a time. Mutable numeric fields on purpose: this runs for every reading of
// a multi-million-reading benchmark stream, so it allocates nothing but the reading itself.
import type { MachineStatus, SensorReading } from '../../processors/readings/reading.js';
import { bearingWearOffset, overheatingShape, type FaultWindow } from './faults.js';
import {
  AMBIENT_TEMPERATURE,
  MACHINE_PROFILES,
  MAINTENANCE,
  type MachineProfile,
  type MachineType,
  type Phase,
} from './machine-profiles.js';
import type { Prng } from './prng.js';

/** A profile's phase chain with the follow-ups resolved to indexes and cumulative weights. */
interface CompiledPhase extends Phase {
  readonly nextIndexes: readonly number[];
  readonly nextCumulative: readonly number[];
}

/** Phase index while the machine is in planned maintenance. */
const IN_MAINTENANCE = -1;

const compiledPhases = new Map<MachineType, readonly CompiledPhase[]>();

function phasesOf(profile: MachineProfile): readonly CompiledPhase[] {
  let compiled = compiledPhases.get(profile.type);
  if (compiled === undefined) {
    compiled = compilePhases(profile);
    compiledPhases.set(profile.type, compiled);
  }
  return compiled;
}

function compilePhases(profile: MachineProfile): readonly CompiledPhase[] {
  const indexOf = (name: string): number => {
    const index = profile.phases.findIndex((phase) => phase.name === name);
    if (index < 0) throw new Error(`${profile.type}: phase "${name}" is not defined`);
    return index;
  };
  return profile.phases.map((phase) => {
    const entries = Object.entries(phase.next);
    const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
    let running = 0;
    return {
      ...phase,
      nextIndexes: entries.map(([name]) => indexOf(name)),
      nextCumulative: entries.map(([, weight]) => (running += weight / total)),
    };
  });
}

export interface MachineSetup {
  readonly machineId: string;
  readonly machineType: MachineType;
  readonly startTime: number;
  readonly intervalMs: number;
  readonly firstSeq: number;
}

export class Machine {
  readonly machineId: string;
  readonly machineType: MachineType;
  readonly profile: MachineProfile;
  /** Faults of this machine, sorted by start; the schedule appends to it period by period. */
  readonly faults: FaultWindow[] = [];

  private readonly phases: readonly CompiledPhase[];
  private readonly dtS: number;
  private readonly thermalBlend: number;
  private readonly hasCounters: boolean;
  // What makes this unit differ from its siblings of the same type.
  private readonly ambient: number;
  private readonly temperatureOffset: number;
  private readonly vibrationScale: number;

  private phase = 0;
  private phaseStart = 0;
  private phaseEnd = 0;
  private phaseLoad = 0;
  private phaseRpm = 0;
  private unitsPerSecond = 0;
  private housingTemperature = 0;
  private partProgress = 0;
  private goodCount = 0;
  private rejectCount = 0;
  private seq: number;
  private maintenanceDue: number;
  private faultCursor = 0;
  /** The frozen value while a stuck_sensor fault is active; NaN otherwise. */
  private stuckValue = Number.NaN;

  constructor(setup: MachineSetup, prng: Prng) {
    this.machineId = setup.machineId;
    this.machineType = setup.machineType;
    this.profile = MACHINE_PROFILES[setup.machineType];
    this.phases = phasesOf(this.profile);
    this.dtS = setup.intervalMs / 1000;
    this.thermalBlend = 1 - Math.exp(-this.dtS / this.profile.temperature.tauS);
    this.hasCounters = this.profile.production !== undefined;
    this.seq = setup.firstSeq;
    this.ambient = AMBIENT_TEMPERATURE + prng.noise();
    this.temperatureOffset = prng.noise() * 0.25 * this.profile.temperature.sigma;
    this.vibrationScale = 1 + prng.noise() * 0.04;
    this.maintenanceDue = setup.startTime + prng.exponential(MAINTENANCE.meanIntervalS * 1000);
    this.startMidway(setup.startTime, prng);
  }

  /** The plant was running before the stream starts: a random phase, part-way through, already warm. */
  private startMidway(startTime: number, prng: Prng): void {
    const phase = prng.below(this.phases.length);
    this.enterPhase(phase, startTime, prng);
    const elapsed = (this.phaseEnd - startTime) * prng.next();
    this.phaseStart -= elapsed;
    this.phaseEnd -= elapsed;
    this.housingTemperature = this.settledTemperature(this.phaseLoad);
    const production = this.profile.production;
    if (production !== undefined) {
      this.goodCount = prng.below(200_000);
      this.rejectCount = Math.round(this.goodCount * production.rejectRate * prng.between(0.5, 1.5));
    }
  }

  /** Advances to `time` and returns the gateway's reading, or undefined while a dropout silences it. */
  read(time: number, prng: Prng): SensorReading | undefined {
    const fault = this.activeFault(time);
    this.advancePhase(time, fault, prng);
    const phase = this.phases[this.phase];
    const status: MachineStatus = phase === undefined ? 'MAINTENANCE' : phase.status;
    const running = status === 'RUNNING';

    const load = this.measureLoad(phase, prng);
    let temperature = this.measureTemperature(phase, load, running, prng);
    let vibration = this.measureVibration(phase, load, running, prng);
    this.produce(running, prng);
    let reportedLoad = load;
    if (fault !== undefined) {
      if (fault.fault === 'dropout') return undefined;
      if (fault.fault === 'overheating') temperature += this.overheating(fault, time);
      else if (fault.fault === 'vibration_spike') vibration += fault.magnitude * prng.between(0.8, 1);
      else if (fault.fault === 'bearing_wear') vibration += bearingWearOffset(fault, time);
      else if (fault.fault === 'stuck_sensor') {
        // The register stops updating: the first value of the window repeats until it ends.
        const live = fault.sensor === 'vibration' ? vibration : fault.sensor === 'load' ? load : temperature;
        if (Number.isNaN(this.stuckValue)) this.stuckValue = live;
        if (fault.sensor === 'vibration') vibration = this.stuckValue;
        else if (fault.sensor === 'load') reportedLoad = this.stuckValue;
        else temperature = this.stuckValue;
      }
    }
    return this.reading(time, status, phase, temperature, vibration, reportedLoad, load, prng);
  }

  /**
   * °C an overheating adds: it climbs to `magnitude` above normal running and back. A machine that was cold
   * when it began (after a stop) climbs faster, so short faults in short runs still reach their peak.
   */
  private overheating(fault: FaultWindow, time: number): number {
    const runningLevel = this.profile.temperature.mean + this.temperatureOffset;
    const coldness = Math.max(0, runningLevel - this.housingTemperature);
    return overheatingShape(fault, time) * (fault.magnitude + coldness);
  }

  /** The fault active at `time`, if any; moves past faults that have ended. */
  private activeFault(time: number): FaultWindow | undefined {
    let window = this.faults[this.faultCursor];
    while (window !== undefined && window.endTime <= time) {
      this.faultCursor += 1;
      this.stuckValue = Number.NaN;
      window = this.faults[this.faultCursor];
    }
    return window !== undefined && window.startTime <= time ? window : undefined;
  }

  private advancePhase(time: number, fault: FaultWindow | undefined, prng: Prng): void {
    // A fault shows while the machine works: it is held running (no idle, stop or maintenance) meanwhile, and
    // maintenance waits until the fault is over.
    if (fault !== undefined && fault.fault !== 'dropout') {
      if (this.phases[this.phase]?.status !== 'RUNNING') this.enterPhase(0, time, prng);
      else if (time >= this.phaseEnd) this.enterPhase(this.followingPhase(true, prng), time, prng);
    } else if (this.phase === IN_MAINTENANCE) {
      if (time < this.phaseEnd) return;
      this.enterPhase(0, time, prng);
      this.maintenanceDue = time + prng.exponential(MAINTENANCE.meanIntervalS * 1000);
    } else if (time >= this.maintenanceDue) {
      this.startMaintenance(time, prng);
    } else if (time >= this.phaseEnd) {
      this.enterPhase(this.followingPhase(false, prng), time, prng);
    }
  }

  private startMaintenance(time: number, prng: Prng): void {
    const durationMs = prng.between(MAINTENANCE.durationS[0], MAINTENANCE.durationS[1]) * 1000;
    // Never lock out a machine across an upcoming fault: its ground truth would show nothing.
    const upcoming = this.faults[this.faultCursor];
    if (upcoming !== undefined && upcoming.startTime < time + durationMs) {
      this.maintenanceDue = upcoming.endTime + prng.exponential(MAINTENANCE.meanIntervalS * 1000);
      return;
    }
    this.phase = IN_MAINTENANCE;
    this.phaseStart = time;
    this.phaseEnd = time + durationMs;
    this.phaseLoad = 0;
    this.phaseRpm = 0;
  }

  private followingPhase(held: boolean, prng: Prng): number {
    const current = this.phases[this.phase];
    if (current === undefined) return 0;
    if (held) {
      const running = current.nextIndexes.find((index) => this.phases[index]?.status === 'RUNNING');
      return running ?? 0;
    }
    const draw = prng.next();
    for (let i = 0; i < current.nextIndexes.length; i++) {
      if (draw < (current.nextCumulative[i] ?? 1)) return current.nextIndexes[i] ?? 0;
    }
    return current.nextIndexes.at(-1) ?? 0;
  }

  private enterPhase(index: number, time: number, prng: Prng): void {
    const phase = this.phases[index];
    if (phase === undefined) throw new Error(`${this.machineType}: no phase ${index}`);
    this.phase = index;
    this.phaseStart = time;
    this.phaseEnd = time + prng.between(phase.durationS[0], phase.durationS[1]) * 1000;
    this.phaseLoad = prng.between(phase.load[0], phase.load[1]);
    this.phaseRpm = phase.rpm[1] === 0 ? 0 : Math.round(prng.between(phase.rpm[0], phase.rpm[1]) / 10) * 10;
    const production = this.profile.production;
    if (production !== undefined && phase.status === 'RUNNING') {
      this.unitsPerSecond = prng.between(production.unitsPerSecond[0], production.unitsPerSecond[1]);
    }
  }

  /** Where the housing temperature settles in the current phase at this load. */
  private settledTemperature(load: number): number {
    const phase = this.phases[this.phase];
    const t = this.profile.temperature;
    if (phase === undefined) return this.ambient;
    const rise = (t.mean + this.temperatureOffset - this.ambient) * phase.heat;
    const loadEffect = phase.status === 'RUNNING' ? t.perLoad * (load - this.profile.referenceLoad) : 0;
    return this.ambient + rise + loadEffect;
  }

  private measureLoad(phase: Phase | undefined, prng: Prng): number {
    if (phase === undefined || phase.status === 'STOPPED') return 0;
    const load = this.phaseLoad + prng.noise() * this.profile.loadNoise;
    return load < 0 ? 0 : load > 150 ? 150 : load;
  }

  private measureTemperature(phase: Phase | undefined, load: number, running: boolean, prng: Prng): number {
    // First-order lag: the housing follows load and phase changes over minutes, not instantly.
    const target = running ? this.settledTemperature(load) : this.settledTemperature(this.phaseLoad);
    this.housingTemperature += (target - this.housingTemperature) * this.thermalBlend;
    const noise = phase === undefined ? 0.2 : this.profile.temperature.noise;
    return this.housingTemperature + prng.noise() * noise;
  }

  private measureVibration(phase: Phase | undefined, load: number, running: boolean, prng: Prng): number {
    const v = this.profile.vibration;
    const share = phase === undefined ? 0.01 : phase.vibration;
    const loadEffect = running ? v.perLoad * (load - this.profile.referenceLoad) : 0;
    const level = (v.mean * this.vibrationScale + loadEffect) * share + prng.noise() * v.noise * share;
    return level < 0 ? 0 : level;
  }

  /** Parts (CNC) or items (conveyor) finished while running; a small share is rejected. */
  private produce(running: boolean, prng: Prng): void {
    const production = this.profile.production;
    if (!running || production === undefined) return;
    this.partProgress += this.dtS * this.unitsPerSecond;
    while (this.partProgress >= 1) {
      this.partProgress -= 1;
      if (prng.chance(production.rejectRate)) this.rejectCount += 1;
      else this.goodCount += 1;
    }
  }

  private reading(
    time: number,
    status: MachineStatus,
    phase: Phase | undefined,
    temperature: number,
    vibration: number,
    reportedLoad: number,
    load: number,
    prng: Prng,
  ): SensorReading {
    const rpm = this.phaseRpm === 0 ? 0 : Math.round(this.phaseRpm * (1 + prng.noise() * 0.001));
    const powerKw =
      phase === undefined
        ? 0
        : this.profile.baseKw + (this.profile.ratedKw * load * (1 + prng.noise() * 0.01)) / 100;
    const seq = this.seq;
    this.seq += 1;
    // Two fixed shapes (counters or pressure), absent fields absent: as the validator would return them.
    if (this.hasCounters) {
      return {
        machineId: this.machineId,
        machineType: this.machineType,
        timestamp: time,
        temperature: round(temperature, 100),
        vibration: round(vibration, 1000),
        load: round(reportedLoad, 10),
        status,
        seq,
        goodCount: this.goodCount,
        rejectCount: this.rejectCount,
        rpm,
        powerKw: round(powerKw, 100),
      };
    }
    return {
      machineId: this.machineId,
      machineType: this.machineType,
      timestamp: time,
      temperature: round(temperature, 100),
      vibration: round(vibration, 1000),
      load: round(reportedLoad, 10),
      status,
      seq,
      rpm,
      powerKw: round(powerKw, 100),
      pressureBar: round(this.pressure(time, phase, load, prng), 1000),
    };
  }

  private pressure(time: number, phase: Phase | undefined, load: number, prng: Prng): number {
    const gauge = this.profile.pressure;
    if (gauge === undefined || phase === undefined || phase.status === 'STOPPED') return 0;
    const progress = Math.min(1, Math.max(0, (time - this.phaseStart) / (this.phaseEnd - this.phaseStart)));
    const swing = gauge.swing * phase.pressureTrend * (progress - 0.5);
    return gauge.bar + gauge.perLoad * (load - this.profile.referenceLoad) + swing + prng.noise() * 0.02;
  }
}

/** Rounds to the gateway's resolution (1/scale): real registers have a fixed number of decimals. */
function round(value: number, scale: number): number {
  return Math.round(value * scale) / scale;
}
