// A seeded, reproducible stream of readings for property-style tests and the benchmark: several machines,
// values wandering across thresholds, status changes, and some out-of-order, late and duplicate readings.
import type { MachineStatus, SensorReading } from '../readings/reading.js';
import { T0 } from './reading-builder.js';

/** mulberry32: a tiny deterministic PRNG (Math.random can't be seeded). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface RandomStreamOptions {
  readonly seed: number;
  readonly count: number;
  readonly machines: number;
  readonly machineTypes?: readonly string[];
  /** Mean event-time step between consecutive readings of the partition, ms. */
  readonly stepMs?: number;
  /** Share of readings that are replays of an earlier one (duplicates) or delayed (out of order / late). */
  readonly disorder?: number;
  /** Share of readings from a machine that goes silent for a while (stale data). */
  readonly silences?: boolean;
}

const STATUSES: readonly MachineStatus[] = [
  'RUNNING',
  'RUNNING',
  'RUNNING',
  'IDLE',
  'STOPPED',
  'FAULT',
  'MAINTENANCE',
];

export function randomReadings(options: RandomStreamOptions): SensorReading[] {
  const random = prng(options.seed);
  const types = options.machineTypes ?? ['pump', 'cnc_mill', 'compressor', 'conveyor', 'unknown_type'];
  const step = options.stepMs ?? 1_000;
  const disorder = options.disorder ?? 0.05;
  interface SimulatedMachine {
    id: string;
    type: string;
    seq: number;
    temperature: number;
    vibration: number;
    load: number;
    status: MachineStatus;
    silentUntil: number;
  }
  const machines = Array.from({ length: options.machines }, (_, i): SimulatedMachine => ({
    id: `m-${String(i).padStart(4, '0')}`,
    type: types[i % types.length]!,
    seq: 0,
    temperature: 40 + 30 * random(),
    vibration: 1 + 4 * random(),
    load: 40 + 40 * random(),
    status: 'RUNNING',
    silentUntil: 0,
  }));
  const out: SensorReading[] = [];
  let time = T0;
  while (out.length < options.count) {
    time += Math.round(step * 2 * random());
    const roll = random();
    if (roll < disorder && out.length > 0) {
      // Replay (duplicate) or re-send an old reading with a new seq (out of order, or late if old enough).
      const old = out[Math.floor(random() * out.length)]!;
      if (random() < 0.5) out.push(old);
      else {
        const m = machines.find((candidate) => candidate.id === old.machineId)!;
        out.push({ ...old, seq: m.seq++ });
      }
      continue;
    }
    const m = machines[Math.floor(random() * machines.length)]!;
    if (time < m.silentUntil) continue;
    if (options.silences && random() < 0.002) m.silentUntil = time + step * 600 * random();
    m.temperature = clamp(m.temperature + (random() - 0.5) * 6, 0, 140);
    m.vibration = clamp(m.vibration + (random() - 0.5) * 1.2, 0, 25);
    m.load = clamp(m.load + (random() - 0.5) * 20, 0, 150);
    if (random() < 0.03) m.status = STATUSES[Math.floor(random() * STATUSES.length)]!;
    const r: { -readonly [K in keyof SensorReading]: SensorReading[K] } = {
      machineId: m.id,
      machineType: m.type,
      timestamp: time,
      temperature: round2(m.temperature),
      vibration: round2(m.vibration),
      load: round2(m.load),
      status: m.status,
      seq: m.seq++,
    };
    if (m.type === 'pump') r.pressureBar = round2(1 + 8 * random());
    if (m.type === 'compressor') r.powerKw = round2(50 + 50 * random());
    out.push(r);
  }
  return out;
}

function clamp(value: number, low: number, high: number): number {
  return value < low ? low : value > high ? high : value;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
