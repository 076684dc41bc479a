// A small seeded pseudo-random generator (sfc32) so a seed always yields the same fleet and the same stream:
// tests and benchmarks replay exact readings. Math.random cannot be seeded, and its sequence differs per engine.

/** Mixes a seed and salts into one 32-bit value (murmur3's finaliser), so derived streams do not overlap. */
export function deriveSeed(seed: number, ...salts: readonly number[]): number {
  let h = seed >>> 0;
  for (const salt of salts) {
    h = Math.imul(h ^ (salt >>> 0), 0x9e3779b1) >>> 0;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b) >>> 0;
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35) >>> 0;
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** Chris Doty-Humphrey's sfc32: 128-bit state, fast in 32-bit integer arithmetic, good statistical quality. */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    // The first outputs of a fresh state are still correlated with the seed; discard them.
    for (let i = 0; i < 15; i++) this.next();
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** Uniform in [min, max). */
  between(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** An integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  /**
   * Measurement noise with mean 0 and standard deviation 1: the sum of four uniforms (Irwin–Hall), close to
   * normal but bounded at ±3.46. Cheaper than Box–Muller, and bounded tails keep healthy machines from producing
   * outliers that a threshold detector would rightly flag; anomalies come only from injected faults.
   */
  noise(): number {
    return (this.next() + this.next() + this.next() + this.next() - 2) * 1.7320508075688772;
  }

  /** Exponentially distributed waiting time with the given mean: time to the next rare event. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }
}
