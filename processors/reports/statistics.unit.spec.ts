import { describe, expect, it } from 'vitest';
import { linearFit, meanOf, round } from './statistics.js';

describe('statistics', () => {
  it('given points on a line, when fitted, then slope and intercept are exact and the fit is perfect', () => {
    const fit = linearFit([0, 1, 2, 3, 4].map((x) => [x, 2 + 0.5 * x] as const))!;
    expect(fit.slope).toBeCloseTo(0.5, 12);
    expect(fit.intercept).toBeCloseTo(2, 12);
    expect(fit.rSquared).toBeCloseTo(1, 12);
    expect(fit.tStatistic).toBe(1e6);
  });

  it('given scatter with no trend, when fitted, then the t statistic is small', () => {
    const ys = [3, 5, 3, 5, 3, 5, 3, 5, 4, 4];
    const fit = linearFit(ys.map((y, x) => [x, y] as const))!;
    expect(Math.abs(fit.tStatistic)).toBeLessThan(1);
    expect(fit.rSquared).toBeLessThan(0.1);
  });

  it('given a trend under noise, when fitted, then t is the slope over its standard error', () => {
    // y = x + (+1, −1, +1, −1, …): slope 1 within noise; t worked out by hand for these six points.
    const points = [0, 1, 2, 3, 4, 5].map((x) => [x, x + (x % 2 === 0 ? 1 : -1)] as const);
    const fit = linearFit(points)!;
    const sxx = 17.5;
    const residuals = points.map(([x, y]) => y - (fit.intercept + fit.slope * x));
    const se = Math.sqrt(residuals.reduce((s, r) => s + r * r, 0) / 4 / sxx);
    expect(fit.tStatistic).toBeCloseTo(fit.slope / se, 10);
    expect(fit.slope).toBeGreaterThan(0.5);
  });

  it('given too few points or one x, when fitted, then there is no line', () => {
    expect(
      linearFit([
        [0, 1],
        [1, 2],
      ]),
    ).toBeUndefined();
    expect(
      linearFit([
        [1, 1],
        [1, 2],
        [1, 3],
      ]),
    ).toBeUndefined();
  });

  it('given values with gaps, when averaged and rounded, then nulls are skipped and halves round away from zero', () => {
    expect(meanOf([1, null, 3])).toBe(2);
    expect(meanOf([null])).toBeNull();
    expect(round(2.345)).toBe(2.35);
    expect(round(-2.345)).toBe(-2.35);
    expect(round(null)).toBeNull();
  });
});
