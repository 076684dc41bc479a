// A twin's mutable contents as a fixed run of numbers (plus two strings), written into a caller's reusable
// buffer: how the partition fold keeps an undo copy of every twin a batch touches without allocating
// per reading. Absent optional values are NaN (readings are finite, so NaN can't be a real value).
import type { MachineStatus } from '../readings/reading.js';
import { MAX_RATE_TRACKS, RATE_TRACK_NUMBERS } from './rate-tracking.js';
import { TWIN_STATS_LENGTH } from './sensor-stats.js';
import type { Twin } from './twin.js';

const LATEST_FIELDS = [
  'temperature',
  'vibration',
  'load',
  'rpm',
  'powerKw',
  'pressureBar',
  'goodCount',
  'rejectCount',
] as const;

const STATS_AT = 4 + LATEST_FIELDS.length + 4 + 3;
/** The rate tracks' length (0 for none), then the tracks. */
const RATES_AT = STATS_AT + TWIN_STATS_LENGTH;

/** The ML state's length (0 for none), then the state. */
const ML_AT = RATES_AT + 1 + MAX_RATE_TRACKS * RATE_TRACK_NUMBERS;
/** Room for the ML detector's state (processors/ml-detection ML_STATE_LENGTH, checked there). */
export const MAX_ML_NUMBERS = 24;

/** Arrival clock and clock-skew watch: lastArrival, behindSinceArrival, behindSinceEvent, arrivalIntervalMs. */
const CLOCK_AT = ML_AT + 1 + MAX_ML_NUMBERS;

/** Numbers per twin in a backup buffer. */
export const TWIN_BACKUP_NUMBERS = CLOCK_AT + 4;
/** Strings per twin in a backup's string array. */
export const TWIN_BACKUP_STRINGS = 2;

export function backupTwin(
  twin: Twin,
  numbers: Float64Array,
  at: number,
  strings: string[],
  stringsAt: number,
): void {
  // Unrolled: this runs once per machine per batch on the hot path.
  numbers[at] = twin.firstSeen;
  numbers[at + 1] = twin.lastSeen;
  numbers[at + 2] = twin.lastEventTime;
  numbers[at + 3] = twin.statusSince;
  const latest = twin.latest;
  numbers[at + 4] = latest.temperature;
  numbers[at + 5] = latest.vibration;
  numbers[at + 6] = latest.load;
  numbers[at + 7] = latest.rpm ?? NaN;
  numbers[at + 8] = latest.powerKw ?? NaN;
  numbers[at + 9] = latest.pressureBar ?? NaN;
  numbers[at + 10] = latest.goodCount ?? NaN;
  numbers[at + 11] = latest.rejectCount ?? NaN;
  const counters = twin.counters;
  numbers[at + 12] = counters.applied;
  numbers[at + 13] = counters.outOfOrder;
  numbers[at + 14] = counters.duplicates;
  numbers[at + 15] = counters.late;
  numbers[at + 16] = twin.seq.high;
  numbers[at + 17] = twin.seq.recent;
  numbers[at + 18] = twin.seq.older;
  const stats = twin.stats;
  for (let s = 0; s < TWIN_STATS_LENGTH; s++) numbers[at + STATS_AT + s] = stats[s]!;
  const rates = twin.rates;
  if (rates === null) {
    numbers[at + RATES_AT] = 0;
  } else {
    numbers[at + RATES_AT] = rates.length;
    for (let r = 0; r < rates.length; r++) numbers[at + RATES_AT + 1 + r] = rates[r]!;
  }
  const ml = twin.ml;
  if (ml === undefined) {
    numbers[at + ML_AT] = 0;
  } else {
    numbers[at + ML_AT] = ml.length;
    for (let m = 0; m < ml.length; m++) numbers[at + ML_AT + 1 + m] = ml[m]!;
  }
  numbers[at + CLOCK_AT] = twin.lastArrival;
  numbers[at + CLOCK_AT + 1] = twin.behindSinceArrival;
  numbers[at + CLOCK_AT + 2] = twin.behindSinceEvent;
  numbers[at + CLOCK_AT + 3] = twin.arrivalIntervalMs;
  strings[stringsAt] = twin.machineType;
  strings[stringsAt + 1] = twin.status;
}

/** Puts a twin back as backupTwin saw it (in place). Only on a rollback: clarity over speed. */
export function restoreTwin(
  twin: Twin,
  numbers: Float64Array,
  at: number,
  strings: string[],
  stringsAt: number,
): void {
  let i = at;
  twin.firstSeen = numbers[i++]!;
  twin.lastSeen = numbers[i++]!;
  twin.lastEventTime = numbers[i++]!;
  twin.statusSince = numbers[i++]!;
  const latest = twin.latest;
  for (const field of LATEST_FIELDS) {
    const value = numbers[i++]!;
    if (Number.isNaN(value)) {
      if (field === 'temperature' || field === 'vibration' || field === 'load') continue;
      latest[field] = undefined;
    } else {
      latest[field] = value;
    }
  }
  const counters = twin.counters;
  counters.applied = numbers[i++]!;
  counters.outOfOrder = numbers[i++]!;
  counters.duplicates = numbers[i++]!;
  counters.late = numbers[i++]!;
  twin.seq.high = numbers[i++]!;
  twin.seq.recent = numbers[i++]!;
  twin.seq.older = numbers[i++]!;
  for (let s = 0; s < TWIN_STATS_LENGTH; s++) twin.stats[s] = numbers[at + STATS_AT + s]!;
  const ratesLength = numbers[at + RATES_AT]!;
  if (ratesLength === 0) {
    twin.rates = null;
  } else {
    // In place when the batch only moved the tracks on; a new array when it added one.
    if (twin.rates === null || twin.rates.length !== ratesLength) twin.rates = new Array<number>(ratesLength);
    for (let r = 0; r < ratesLength; r++) twin.rates[r] = numbers[at + RATES_AT + 1 + r]!;
  }
  const mlLength = numbers[at + ML_AT]!;
  if (mlLength === 0) {
    delete twin.ml;
  } else {
    if (twin.ml === undefined || twin.ml.length !== mlLength) twin.ml = new Array<number>(mlLength);
    for (let m = 0; m < mlLength; m++) twin.ml[m] = numbers[at + ML_AT + 1 + m]!;
  }
  twin.lastArrival = numbers[at + CLOCK_AT]!;
  twin.behindSinceArrival = numbers[at + CLOCK_AT + 1]!;
  twin.behindSinceEvent = numbers[at + CLOCK_AT + 2]!;
  twin.arrivalIntervalMs = numbers[at + CLOCK_AT + 3]!;
  twin.machineType = strings[stringsAt]!;
  twin.status = strings[stringsAt + 1] as MachineStatus;
}
