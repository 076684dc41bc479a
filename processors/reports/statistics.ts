// The little statistics a report needs: means and an ordinary least-squares line with its t statistic, so a
// trend is called only when it stands clear of the scatter around it.

export interface LinearFit {
  readonly n: number;
  /** Units of y per unit of x. */
  readonly slope: number;
  readonly intercept: number;
  /** Share of y's variance the line explains, 0..1. */
  readonly rSquared: number;
  /** slope / its standard error; capped at ±1e6 (a perfect line would be infinite, which JSON cannot hold). */
  readonly tStatistic: number;
}

const T_CAP = 1e6;

/** Least-squares line through the points; undefined with fewer than three points or all x equal. */
export function linearFit(points: readonly (readonly [x: number, y: number])[]): LinearFit | undefined {
  const n = points.length;
  if (n < 3) return undefined;
  let sumX = 0;
  let sumY = 0;
  for (const [x, y] of points) {
    sumX += x;
    sumY += y;
  }
  const meanX = sumX / n;
  const meanY = sumY / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (const [x, y] of points) {
    sxx += (x - meanX) ** 2;
    sxy += (x - meanX) * (y - meanY);
    syy += (y - meanY) ** 2;
  }
  if (sxx === 0) return undefined;
  const slope = sxy / sxx;
  const intercept = meanY - slope * meanX;
  const residual = Math.max(0, syy - slope * sxy);
  const rSquared = syy === 0 ? 0 : Math.min(1, (slope * sxy) / syy);
  const standardError = Math.sqrt(residual / (n - 2) / sxx);
  const t = standardError === 0 ? (slope === 0 ? 0 : Math.sign(slope) * T_CAP) : slope / standardError;
  return { n, slope, intercept, rSquared, tStatistic: Math.max(-T_CAP, Math.min(T_CAP, t)) };
}

/** Mean of the numbers that are there; null when none is. */
export function meanOf(values: readonly (number | null)[]): number | null {
  let sum = 0;
  let count = 0;
  for (const value of values) {
    if (value === null) continue;
    sum += value;
    count += 1;
  }
  return count === 0 ? null : sum / count;
}

/** Rounds half away from zero to `decimals`; null stays null. */
export function round(value: number, decimals?: number): number;
export function round(value: number | null, decimals?: number): number | null;
export function round(value: number | null, decimals = 2): number | null {
  if (value === null) return null;
  const scale = 10 ** decimals;
  return (Math.sign(value) * Math.round(Math.abs(value) * scale)) / scale;
}
