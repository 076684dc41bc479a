// The timing of one `twin simulate` run, decided once from the settings and the wall clock at start: when event
// time begins, how often each machine reports, over what span faults are drawn, where the run ends.
import { createFleet, type FleetOptions } from './fleet.js';
import type { SimulateSettings } from './simulate-options.js';

export interface RunPlan {
  readonly fleet: FleetOptions;
  /** Live mode with a duration: the event time the run stops at (exclusive). */
  readonly endTime?: number;
  /** Fast mode: how many readings to send. */
  readonly count?: number;
}

/** An endless live run draws a new round of faults every quarter of an hour: a demo soon shows some. */
const ENDLESS_FAULT_PERIOD_MS = 15 * 60_000;

export function planRun(settings: SimulateSettings, nowMs: number): RunPlan {
  const intervalMs = (settings.machines / settings.rate) * 1000;
  const fleetBase = {
    machines: settings.machines,
    seed: settings.seed,
    intervalMs,
    faultFraction: settings.faultFraction,
  };
  if (settings.count !== undefined) {
    // One round of faults spread over the whole backfill.
    const faultPeriodMs = Math.max(1, Math.ceil((settings.count / settings.rate) * 1000));
    const startTime =
      settings.startTime ??
      backfillStart({ ...fleetBase, faultPeriodMs }, settings.count, settings.rate, nowMs);
    return { fleet: { ...fleetBase, faultPeriodMs, startTime, firstSeq: startTime }, count: settings.count };
  }
  const startTime = settings.startTime ?? Math.floor(nowMs);
  const runMs = settings.durationS * 1000;
  const faultPeriodMs = runMs > 0 ? runMs : ENDLESS_FAULT_PERIOD_MS;
  return {
    // seq starts at the start time (epoch ms): a later run of the same fleet continues upwards, so the
    // processor does not take its readings for duplicates of an earlier run's.
    fleet: { ...fleetBase, faultPeriodMs, startTime, firstSeq: startTime },
    ...(runMs > 0 && { endTime: startTime + runMs }),
  };
}

/**
 * A backfill ends now: event times in the past, none ahead of the processor's clock. Dropouts skip slots, so
 * `count` readings need that many more slots; the fault schedule does not depend on the start, so a trial
 * fleet counts them.
 */
function backfillStart(
  fleet: Omit<FleetOptions, 'startTime'>,
  count: number,
  rate: number,
  nowMs: number,
): number {
  const now = Math.floor(nowMs);
  const trial = createFleet({ ...fleet, startTime: now });
  const dropped = trial.droppedSlotsBefore(now + (fleet.faultPeriodMs ?? 0));
  return now - Math.ceil(((count + dropped - 1) * 1000) / rate);
}
