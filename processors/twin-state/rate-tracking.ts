// Rate of change over a span of event time, for the sensors that have a rate rule: what a twin keeps so
// that threshold detection judges "°C per minute over the last minute" rather than the noise between two
// readings (±0.5 °C of noise 100 ms apart is ±300 °C/min). Per tracked sensor, RATE_TRACK_NUMBERS numbers
// in the twin's `rates` array (null until a sensor is tracked, so machines without rate rules pay nothing):
//
//   [sensor, phase, smoothed, smoothedAt, anchor, anchorAt]
//
// - sensor: the TWIN_SENSORS index.
// - smoothed, smoothedAt: an EWMA of the sensor with time constant windowMs / 4, weighted by event time
//   (alpha = 1 − e^(−dt/τ)), so it smooths the same at 100 ms and at 10 s reporting intervals. It starts
//   afresh with the first reading of each RUNNING period (start-up and shut-down ramps are not judged).
// - phase WARMING: no anchor yet; anchorAt is when smoothing started. Once windowMs / 2 has passed the
//   smoothed value no longer leans on its first (noisy) reading (weight e^−2) and becomes the first anchor.
// - phase ANCHORED: once windowMs has passed since anchorAt, the rate is
//   (smoothed − anchor) × 60 000 / (t − anchorAt) units per minute, and the anchor moves to (t, smoothed).
//
// So a rate is produced once per window (every reading when readings are further apart than the window).
// Plain finite numbers: a snapshot holds them as they are, the undo buffer copies them.
import { TWIN_SENSORS } from './sensor-stats.js';
import type { Twin } from './twin.js';

export const RATE_TRACK_NUMBERS = 6;
/** At most one track per sensor. */
export const MAX_RATE_TRACKS = TWIN_SENSORS.length;

const SENSOR = 0;
const PHASE = 1;
const SMOOTHED = 2;
const SMOOTHED_AT = 3;
const ANCHOR = 4;
const ANCHOR_AT = 5;

const WARMING = 0;
const ANCHORED = 1;

/** The EWMA's time constant as a share of the window, and the warm-up before the first anchor. */
export const RATE_SMOOTHING_PER_WINDOW = 0.25;
export const RATE_WARMUP_PER_WINDOW = 0.5;

/** One sensor's track, readable. */
export interface RateTrack {
  readonly sensor: (typeof TWIN_SENSORS)[number];
  readonly anchored: boolean;
  readonly smoothed: number;
  readonly smoothedAt: number;
  readonly anchor: number;
  readonly anchorAt: number;
}

/**
 * Moves the track of sensor `sensor` (a TWIN_SENSORS index) on with a RUNNING in-order reading's value at
 * event time `t`, and returns the rate in units per minute when a window ends at this reading, NaN otherwise.
 * `twin` is the machine's twin before the reading is applied (its status tells whether the machine was
 * already RUNNING; for a machine's first reading, the twin created from it). Changes `twin.rates` in place.
 */
export function trackRate(twin: Twin, sensor: number, value: number, t: number, windowMs: number): number {
  const rates = twin.rates;
  const at = rates === null ? -1 : findTrack(rates, sensor);
  if (at < 0) {
    twin.rates = withTrack(rates, sensor, value, t);
    return NaN;
  }
  const track = rates!;
  // A new RUNNING period (the machine stopped or idled since this track last moved): start afresh.
  if (twin.status !== 'RUNNING' || track[at + SMOOTHED_AT]! < twin.statusSince) {
    restart(track, at, value, t);
    return NaN;
  }
  const dt = t - track[at + SMOOTHED_AT]!;
  if (dt > 0) {
    const alpha = 1 - Math.exp(-dt / (windowMs * RATE_SMOOTHING_PER_WINDOW));
    track[at + SMOOTHED] = track[at + SMOOTHED]! + alpha * (value - track[at + SMOOTHED]!);
    track[at + SMOOTHED_AT] = t;
  }
  const span = t - track[at + ANCHOR_AT]!;
  if (track[at + PHASE] === WARMING) {
    if (span >= windowMs * RATE_WARMUP_PER_WINDOW) {
      track[at + PHASE] = ANCHORED;
      track[at + ANCHOR] = track[at + SMOOTHED]!;
      track[at + ANCHOR_AT] = t;
    }
    return NaN;
  }
  if (span < windowMs) return NaN;
  const rate = ((track[at + SMOOTHED]! - track[at + ANCHOR]!) * 60_000) / span;
  track[at + ANCHOR] = track[at + SMOOTHED]!;
  track[at + ANCHOR_AT] = t;
  return rate;
}

/** The smoothed value of a sensor's track (a TWIN_SENSORS index), NaN if it has none. */
export function smoothedRateValue(twin: Twin, sensor: number): number {
  const rates = twin.rates;
  const at = rates === null ? -1 : findTrack(rates, sensor);
  return at < 0 ? NaN : rates![at + SMOOTHED]!;
}

/** The twin's track of a sensor, or undefined. */
export function rateTrack(twin: Twin, sensor: (typeof TWIN_SENSORS)[number]): RateTrack | undefined {
  const rates = twin.rates;
  const at = rates === null ? -1 : findTrack(rates, TWIN_SENSORS.indexOf(sensor));
  if (at < 0) return undefined;
  return {
    sensor,
    anchored: rates![at + PHASE] === ANCHORED,
    smoothed: rates![at + SMOOTHED]!,
    smoothedAt: rates![at + SMOOTHED_AT]!,
    anchor: rates![at + ANCHOR]!,
    anchorAt: rates![at + ANCHOR_AT]!,
  };
}

/** What is wrong with a `rates` array read from outside (a snapshot), or null if it is well-formed. */
export function rateTracksProblem(rates: readonly number[]): string | null {
  if (rates.length % RATE_TRACK_NUMBERS !== 0 || rates.length > MAX_RATE_TRACKS * RATE_TRACK_NUMBERS) {
    const expected = `expected up to ${MAX_RATE_TRACKS} tracks of ${RATE_TRACK_NUMBERS} numbers`;
    return `${expected}, got ${rates.length} numbers`;
  }
  const seen = new Set<number>();
  for (let at = 0; at < rates.length; at += RATE_TRACK_NUMBERS) {
    const sensor = rates[at + SENSOR]!;
    if (!Number.isInteger(sensor) || sensor < 0 || sensor >= TWIN_SENSORS.length || seen.has(sensor)) {
      return `track ${at / RATE_TRACK_NUMBERS}: sensor must be a distinct TWIN_SENSORS index, got ${sensor}`;
    }
    seen.add(sensor);
    const phase = rates[at + PHASE]!;
    if (phase !== WARMING && phase !== ANCHORED) {
      return `track ${at / RATE_TRACK_NUMBERS}: phase must be ${WARMING} or ${ANCHORED}, got ${phase}`;
    }
    for (let i = SMOOTHED; i < RATE_TRACK_NUMBERS; i++) {
      if (!Number.isFinite(rates[at + i])) return `track ${at / RATE_TRACK_NUMBERS}: numbers must be finite`;
    }
  }
  return null;
}

function findTrack(rates: readonly number[], sensor: number): number {
  for (let at = 0; at < rates.length; at += RATE_TRACK_NUMBERS) if (rates[at + SENSOR] === sensor) return at;
  return -1;
}

function restart(track: number[], at: number, value: number, t: number): void {
  track[at + PHASE] = WARMING;
  track[at + SMOOTHED] = value;
  track[at + SMOOTHED_AT] = t;
  track[at + ANCHOR] = value;
  track[at + ANCHOR_AT] = t;
}

// A new array of exactly the needed length (rare: a machine's first RUNNING reading of a rate-ruled sensor).
function withTrack(rates: readonly number[] | null, sensor: number, value: number, t: number): number[] {
  if (rates === null) return [sensor, WARMING, value, t, value, t];
  const at = rates.length;
  const grown = new Array<number>(at + RATE_TRACK_NUMBERS);
  for (let i = 0; i < at; i++) grown[i] = rates[i]!;
  grown[at + SENSOR] = sensor;
  restart(grown, at, value, t);
  return grown;
}
