import { emptySums, fixedSum, type WindowSums } from '../performance-windows/window-metrics.js';

/** Window sums written in sensor units (as a person reads them), stored fixed-point as the windows keep them. */
export function windowSums(
  machineId: string,
  windowStart: number,
  windowMs: number,
  inUnits: Partial<Omit<WindowSums, 'machineId' | 'windowStart' | 'windowMs'>> = {},
): WindowSums {
  const sums = { ...emptySums(machineId, windowStart, windowMs), ...inUnits };
  return {
    ...sums,
    sumLoad: fixedSum(sums.sumLoad),
    sumTemperature: fixedSum(sums.sumTemperature),
    sumVibration: fixedSum(sums.sumVibration),
    sumLoadRunning: fixedSum(sums.sumLoadRunning),
  };
}
