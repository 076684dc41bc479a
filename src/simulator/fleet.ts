// A fleet of simulated machines and the reading stream its gateways produce, in event-time order. Pure and
// deterministic: no clock, no I/O, one seeded generator, so the same options always give the same readings.
// A fleet is a cursor: generating readings advances it; create it again with the same options to replay.
import type { SensorReading } from '../../processors/readings/reading.js';
import {
  FAULT_TYPES,
  completeFault,
  scheduleFaults,
  toFaultRecord,
  type FaultPlan,
  type FaultRecord,
  type FaultType,
  type FaultWindow,
  type ScheduleRequest,
} from './faults.js';
import { MACHINE_TYPES, type MachineType } from './machine-profiles.js';
import { Machine } from './machine.js';
import { Prng, deriveSeed } from './prng.js';

export interface FleetOptions {
  /** How many machines, 1..1,000,000. */
  readonly machines: number;
  readonly seed: number;
  /** Event time of the first reading, epoch ms. */
  readonly startTime: number;
  /** How often each machine reports, ms (may be fractional); default 1000. */
  readonly intervalMs?: number;
  /** Share of machines that get a fault in each fault period, 0..1; default 0.05. Ignored with `faults`. */
  readonly faultFraction?: number;
  /** Which faults to draw from; default all of them. */
  readonly faultTypes?: readonly FaultType[];
  /**
   * Faults are drawn per period of this length from startTime (default 1 h), so an endless stream keeps
   * getting them. Set it to the run's length for exactly one round of faults.
   */
  readonly faultPeriodMs?: number;
  /** Exactly these faults instead of drawn ones (at most one at a time per machine). */
  readonly faults?: readonly FaultPlan[];
  /** Machine types, assigned round robin; default all four. */
  readonly machineTypes?: readonly MachineType[];
  /** seq of each machine's first reading; default 0. */
  readonly firstSeq?: number;
}

export interface MachineInfo {
  readonly machineId: string;
  readonly machineType: MachineType;
}

export interface GenerateOptions {
  /** Stop after this many readings. */
  readonly count?: number;
  /** Stop before the first reading at or after this event time. */
  readonly until?: number;
}

const DEFAULT_INTERVAL_MS = 1_000;
const DEFAULT_FAULT_FRACTION = 0.05;
const DEFAULT_FAULT_PERIOD_MS = 3_600_000;
const MAX_MACHINES = 1_000_000;

export class Fleet {
  readonly seed: number;
  readonly startTime: number;
  readonly intervalMs: number;
  readonly machines: readonly MachineInfo[];

  private readonly units: readonly Machine[];
  private readonly indexById: ReadonlyMap<string, number>;
  /** Each machine's report time within an interval: spread evenly, as independent gateways would be. */
  private readonly offsets: Float64Array;
  private readonly prng: Prng;
  private readonly schedule: FaultWindow[] = [];
  private readonly drawFaults?: Omit<ScheduleRequest, 'period' | 'periodStart'>;
  private nextPeriod = 0;
  private nextPeriodStart = Number.NEGATIVE_INFINITY;
  private round = 0;
  private index = 0;
  private slotTime: number;

  constructor(options: FleetOptions) {
    validateFleetOptions(options);
    this.seed = options.seed;
    this.startTime = options.startTime;
    this.intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
    const types = options.machineTypes ?? MACHINE_TYPES;
    this.machines = machineInfos(options.machines, types);
    const setupPrng = new Prng(deriveSeed(options.seed, 0x5e7));
    this.units = this.machines.map(
      (info) =>
        new Machine(
          {
            ...info,
            startTime: this.startTime,
            intervalMs: this.intervalMs,
            firstSeq: options.firstSeq ?? 0,
          },
          setupPrng,
        ),
    );
    this.indexById = new Map(this.machines.map((machine, index) => [machine.machineId, index]));
    const n = this.units.length;
    this.offsets = Float64Array.from({ length: n }, (_, i) => (i * this.intervalMs) / n);
    this.prng = new Prng(deriveSeed(options.seed, 0x57ea));
    this.slotTime = this.startTime;
    if (options.faults !== undefined) {
      this.addFaults(planFaults(options.faults, this.units, options.seed));
      this.nextPeriodStart = Number.POSITIVE_INFINITY;
    } else {
      this.drawFaults = {
        machines: this.machines,
        seed: options.seed,
        periodMs: options.faultPeriodMs ?? DEFAULT_FAULT_PERIOD_MS,
        faultFraction: options.faultFraction ?? DEFAULT_FAULT_FRACTION,
        faultTypes: options.faultTypes ?? FAULT_TYPES,
      };
      this.scheduleDueFaults(this.startTime);
    }
  }

  /** Event time of the next reading slot (a machine in dropout skips its slot). */
  get nextTime(): number {
    return this.slotTime;
  }

  /** The next reading in event-time order. */
  next(): SensorReading {
    for (;;) {
      const reading = this.readSlot();
      if (reading !== undefined) return reading;
    }
  }

  /** Processes one slot: the reading of the machine whose turn it is, or undefined while it drops out. */
  readSlot(): SensorReading | undefined {
    const time = this.slotTime;
    if (time >= this.nextPeriodStart) this.scheduleDueFaults(time);
    const unit = this.units[this.index];
    if (unit === undefined) throw new Error('fleet slot out of range');
    const reading = unit.read(time, this.prng);
    this.index += 1;
    if (this.index === this.units.length) {
      this.index = 0;
      this.round += 1;
    }
    this.slotTime = this.timeOfSlot(this.round, this.index);
    return reading;
  }

  /** Every fault scheduled so far (drawn period by period as the stream advances), sorted by start. */
  faults(): readonly FaultWindow[] {
    return this.schedule;
  }

  /** Ground truth: the faults that started before `until` (default: all scheduled so far). */
  groundTruth(until = Number.POSITIVE_INFINITY): FaultRecord[] {
    return this.schedule.filter((window) => window.startTime < until).map(toFaultRecord);
  }

  /** How many faults are active at `time`. */
  activeFaults(time: number): number {
    let active = 0;
    for (const window of this.schedule) {
      if (window.startTime <= time && time < window.endTime) active += 1;
    }
    return active;
  }

  /**
   * Slots that dropouts will skip before `until`: a producer that wants N readings to end at a given time
   * needs N plus these slots. Counts the faults scheduled so far only.
   */
  droppedSlotsBefore(until: number): number {
    let dropped = 0;
    for (const window of this.schedule) {
      if (window.fault !== 'dropout') continue;
      const index = this.indexById.get(window.machineId) ?? 0;
      for (let round = this.firstRoundAtOrAfter(window.startTime, index); ; round++) {
        const time = this.timeOfSlot(round, index);
        if (time >= window.endTime || time >= until) break;
        dropped += 1;
      }
    }
    return dropped;
  }

  private firstRoundAtOrAfter(time: number, index: number): number {
    const offset = this.offsets[index] ?? 0;
    let round = Math.max(0, Math.floor((time - this.startTime - offset) / this.intervalMs) - 1);
    while (this.timeOfSlot(round, index) < time) round += 1;
    return round;
  }

  private timeOfSlot(round: number, index: number): number {
    return this.startTime + Math.floor(round * this.intervalMs + (this.offsets[index] ?? 0));
  }

  private scheduleDueFaults(time: number): void {
    const draw = this.drawFaults;
    if (draw === undefined) return;
    while (time >= this.nextPeriodStart) {
      const periodStart = this.startTime + this.nextPeriod * draw.periodMs;
      this.addFaults(scheduleFaults({ ...draw, period: this.nextPeriod, periodStart }));
      this.nextPeriod += 1;
      this.nextPeriodStart = this.startTime + this.nextPeriod * draw.periodMs;
    }
  }

  private addFaults(windows: readonly FaultWindow[]): void {
    for (const window of windows) {
      this.units[this.indexById.get(window.machineId) ?? -1]?.faults.push(window);
      this.schedule.push(window);
    }
  }
}

export function createFleet(options: FleetOptions): Fleet {
  return new Fleet(options);
}

/** Readings in event-time order until `count` readings or the `until` event time, whichever comes first. */
export function generateReadings(fleet: Fleet, options: GenerateOptions): SensorReading[] {
  const { count = Number.POSITIVE_INFINITY, until = Number.POSITIVE_INFINITY } = options;
  if (!Number.isFinite(count) && !Number.isFinite(until)) {
    throw new RangeError('generateReadings needs a count or an until time');
  }
  const readings: SensorReading[] = [];
  while (readings.length < count && fleet.nextTime < until) {
    const reading = fleet.readSlot();
    if (reading !== undefined) readings.push(reading);
  }
  return readings;
}

/** `cnc_mill-0001`, `pump-0001`, `compressor-0001`, `conveyor-0001`, `cnc_mill-0002`, …: numbered per type. */
function machineInfos(count: number, types: readonly MachineType[]): MachineInfo[] {
  const perType = new Map<MachineType, number>();
  return Array.from({ length: count }, (_, i) => {
    const machineType = types[i % types.length] ?? 'cnc_mill';
    const number = (perType.get(machineType) ?? 0) + 1;
    perType.set(machineType, number);
    return { machineId: `${machineType}-${String(number).padStart(4, '0')}`, machineType };
  });
}

function planFaults(plans: readonly FaultPlan[], units: readonly Machine[], seed: number): FaultWindow[] {
  const typeOf = new Map(units.map((unit) => [unit.machineId, unit.machineType]));
  const prng = new Prng(deriveSeed(seed, 0x91a));
  const windows = plans.map((plan) => {
    const machineType = typeOf.get(plan.machineId);
    if (machineType === undefined) throw new RangeError(`fault for unknown machine ${plan.machineId}`);
    if (!(plan.endTime > plan.startTime)) {
      throw new RangeError(`fault ${plan.fault} on ${plan.machineId}: endTime must be after startTime`);
    }
    return completeFault(plan, machineType, prng);
  });
  windows.sort((a, b) => a.startTime - b.startTime || a.machineId.localeCompare(b.machineId));
  const lastEnd = new Map<string, number>();
  for (const window of windows) {
    if ((lastEnd.get(window.machineId) ?? Number.NEGATIVE_INFINITY) > window.startTime) {
      throw new RangeError(`faults on ${window.machineId} overlap; give one at a time per machine`);
    }
    lastEnd.set(window.machineId, window.endTime);
  }
  return windows;
}

function validateFleetOptions(options: FleetOptions): void {
  const { machines, intervalMs, faultFraction, faultPeriodMs, machineTypes } = options;
  if (!Number.isInteger(machines) || machines < 1 || machines > MAX_MACHINES) {
    throw new RangeError(`machines must be an integer from 1 to ${MAX_MACHINES}, got ${machines}`);
  }
  if (!Number.isSafeInteger(options.startTime)) {
    throw new RangeError(`startTime must be integer epoch milliseconds, got ${options.startTime}`);
  }
  if (intervalMs !== undefined && !(intervalMs > 0 && Number.isFinite(intervalMs))) {
    throw new RangeError(`intervalMs must be a positive number, got ${intervalMs}`);
  }
  if (faultFraction !== undefined && !(faultFraction >= 0 && faultFraction <= 1)) {
    throw new RangeError(`faultFraction must be from 0 to 1, got ${faultFraction}`);
  }
  if (faultPeriodMs !== undefined && !(faultPeriodMs > 0 && Number.isFinite(faultPeriodMs))) {
    throw new RangeError(`faultPeriodMs must be a positive number, got ${faultPeriodMs}`);
  }
  if (machineTypes !== undefined && machineTypes.length === 0) {
    throw new RangeError('machineTypes must name at least one type');
  }
}
