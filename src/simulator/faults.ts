// Injected faults and their ground truth. A seed decides which machines fail, how, and when, so a detector's
// findings can be scored against exactly what was injected. Each fault changes the stream in its window only.
import { MACHINE_PROFILES, type MachineType } from './machine-profiles.js';
import { Prng, deriveSeed } from './prng.js';

export const FAULT_TYPES = [
  'overheating',
  'vibration_spike',
  'bearing_wear',
  'stuck_sensor',
  'dropout',
] as const;
export type FaultType = (typeof FAULT_TYPES)[number];

/** The sensors a stuck_sensor fault can freeze. */
export const STUCK_SENSORS = ['temperature', 'vibration', 'load'] as const;
export type StuckSensor = (typeof STUCK_SENSORS)[number];

/** Ground truth: one injected fault. Times are event time, epoch ms; startTime inclusive, endTime exclusive. */
export interface FaultRecord {
  readonly machineId: string;
  readonly machineType: MachineType;
  readonly fault: FaultType;
  readonly startTime: number;
  readonly endTime: number;
  /** stuck_sensor only: which sensor repeats its value. */
  readonly sensor?: StuckSensor;
}

/** A scheduled fault and the size of its effect. */
export interface FaultWindow extends FaultRecord {
  /** overheating: °C above normal running at the peak; vibration_spike, bearing_wear: mm/s added at the peak. */
  readonly magnitude: number;
}

/** A fault given by hand (tests, benchmarks); the machine's type and the effect size are filled in. */
export interface FaultPlan {
  readonly machineId: string;
  readonly fault: FaultType;
  readonly startTime: number;
  readonly endTime: number;
  readonly sensor?: StuckSensor;
  readonly magnitude?: number;
}

type Range = readonly [min: number, max: number];

/**
 * Realistic durations, and the largest share of a scheduling period a fault may take: in short runs faults
 * shrink to fit (an overheating of a 60 s demo still reaches its peak, only faster).
 */
const FAULT_DURATIONS: Readonly<Record<FaultType, { readonly durationS: Range; readonly maxShare: number }>> =
  {
    overheating: { durationS: [480, 960], maxShare: 0.5 },
    vibration_spike: { durationS: [15, 60], maxShare: 0.25 },
    bearing_wear: { durationS: [1_200, 3_600], maxShare: 0.8 },
    stuck_sensor: { durationS: [180, 900], maxShare: 0.5 },
    dropout: { durationS: [60, 300], maxShare: 0.4 },
  };

/** Time before the first fault of a period, so the twin has a healthy baseline first. */
function quietLeadMs(periodMs: number): number {
  return Math.min(periodMs * 0.1, 5 * 60_000);
}

export interface ScheduleRequest {
  readonly machines: readonly { readonly machineId: string; readonly machineType: MachineType }[];
  readonly seed: number;
  /** Periods are numbered from 0; each gets its own independent draw. */
  readonly period: number;
  readonly periodStart: number;
  readonly periodMs: number;
  /** Share of the machines that get one fault in this period, 0..1. */
  readonly faultFraction: number;
  readonly faultTypes: readonly FaultType[];
}

/** One period's faults: round(faultFraction × machines) distinct machines, one fault each, sorted by start. */
export function scheduleFaults(request: ScheduleRequest): FaultWindow[] {
  const { machines, faultTypes } = request;
  const count = Math.min(machines.length, Math.round(request.faultFraction * machines.length));
  if (count === 0 || faultTypes.length === 0) return [];
  const prng = new Prng(deriveSeed(request.seed, 0xfa17, request.period));
  const chosen = pickDistinct(machines.length, count, prng);
  // Types in turn from a random first one: every type shows up once there are enough faulty machines.
  const firstType = prng.below(faultTypes.length);
  const windows = chosen.map((machineIndex, k) => {
    const machine = machines[machineIndex];
    const fault = faultTypes[(firstType + k) % faultTypes.length];
    if (machine === undefined || fault === undefined) throw new Error('fault schedule out of range');
    const { startTime, endTime } = placeWindow(fault, request.periodStart, request.periodMs, prng);
    return completeFault({ ...machine, fault, startTime, endTime }, machine.machineType, prng);
  });
  return windows.sort((a, b) => a.startTime - b.startTime || a.machineId.localeCompare(b.machineId));
}

/** Fills in what a hand-made plan leaves out: the machine type, the effect size, the stuck sensor. */
export function completeFault(plan: FaultPlan, machineType: MachineType, prng: Prng): FaultWindow {
  const sensor =
    plan.fault === 'stuck_sensor'
      ? (plan.sensor ?? STUCK_SENSORS[prng.below(STUCK_SENSORS.length)] ?? 'temperature')
      : undefined;
  const magnitude = plan.magnitude ?? defaultMagnitude(plan.fault, machineType, prng);
  return {
    machineId: plan.machineId,
    machineType,
    fault: plan.fault,
    startTime: plan.startTime,
    endTime: plan.endTime,
    ...(sensor !== undefined && { sensor }),
    magnitude,
  };
}

/** Effect sizes relative to the type's healthy behaviour, so every fault stands well clear of normal. */
function defaultMagnitude(fault: FaultType, machineType: MachineType, prng: Prng): number {
  const profile = MACHINE_PROFILES[machineType];
  switch (fault) {
    case 'overheating':
      return profile.temperature.sigma * prng.between(7, 10);
    case 'vibration_spike':
      return profile.vibration.mean * prng.between(4, 8);
    case 'bearing_wear':
      return profile.vibration.mean * prng.between(1.5, 2.5);
    case 'stuck_sensor':
    case 'dropout':
      return 0;
  }
}

function placeWindow(
  fault: FaultType,
  periodStart: number,
  periodMs: number,
  prng: Prng,
): { startTime: number; endTime: number } {
  const { durationS, maxShare } = FAULT_DURATIONS[fault];
  const lead = quietLeadMs(periodMs);
  const realisticMs = prng.between(durationS[0], durationS[1]) * 1000;
  const durationMs = Math.max(1, Math.round(Math.min(realisticMs, maxShare * (periodMs - lead))));
  const latestStart = Math.max(lead, periodMs - durationMs);
  const startTime = periodStart + Math.round(prng.between(lead, latestStart));
  return { startTime, endTime: startTime + durationMs };
}

/** Partial Fisher–Yates: `count` distinct indexes below n, in random order. */
function pickDistinct(n: number, count: number, prng: Prng): number[] {
  const indexes = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + prng.below(n - i);
    const swap = indexes[i] ?? i;
    indexes[i] = indexes[j] ?? j;
    indexes[j] = swap;
  }
  return indexes.slice(0, count);
}

/** 0 at the window's start, 1 at its end. */
function progress(window: FaultWindow, time: number): number {
  return (time - window.startTime) / (window.endTime - window.startTime);
}

/** How far an overheating has got, 0..1: up over the first 60 % of the window, back down over the rest. */
export function overheatingShape(window: FaultWindow, time: number): number {
  const p = progress(window, time);
  return p < 0.6 ? p / 0.6 : (1 - p) / 0.4;
}

/** mm/s added by worn bearings: a slow, steady climb until the bearing is replaced at the window's end. */
export function bearingWearOffset(window: FaultWindow, time: number): number {
  return window.magnitude * progress(window, time);
}

/** The public record of a window (no effect size): what goes into the ground-truth file. */
export function toFaultRecord(window: FaultWindow): FaultRecord {
  const { magnitude: _magnitude, ...record } = window;
  return record;
}
