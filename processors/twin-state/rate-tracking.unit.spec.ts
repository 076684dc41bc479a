import { describe, expect, it } from 'vitest';
import type { SensorReading } from '../readings/reading.js';
import { machine, seconds, T0 } from '../testing/index.js';
import { evolveInPlace } from './evolve.js';
import { rateTrack, trackRate } from './rate-tracking.js';
import { createTwin, type Twin } from './twin.js';

const WINDOW = seconds(60);
const TEMPERATURE = 0; // TWIN_SENSORS index

/**
 * Feeds in-order readings as the fold does: the track moves with the twin as it was before the reading (the
 * first reading creates the twin), then the twin evolves. Returns the rates, NaN where no window ended.
 */
function feed(readings: readonly SensorReading[], windowMs = WINDOW) {
  let twin: Twin | undefined;
  const rates: number[] = [];
  for (const reading of readings) {
    twin ??= createTwin(reading);
    const running = reading.status === 'RUNNING';
    rates.push(
      running ? trackRate(twin, TEMPERATURE, reading.temperature, reading.timestamp, windowMs) : NaN,
    );
    if (reading !== readings[0]) evolveInPlace(twin, reading, 'applied', 60_000);
  }
  return { twin: twin!, rates };
}

describe('rate tracking', () => {
  it('given a machine running at a steady rise of 6 °C/min, when readings arrive every 10 s, then the track warms up for half a window, anchors, and gives one rate per window', () => {
    const m = machine('pump-1', 'pump');
    const readings = Array.from({ length: 22 }, (_, i) => m.at(seconds(10 * i), { temperature: 50 + i }));
    const { twin, rates } = feed(readings);
    const judgedAt = rates.flatMap((rate, i) => (Number.isNaN(rate) ? [] : [i * 10]));
    expect(judgedAt).toEqual([90, 150, 210]); // anchored at 30 s, then every 60 s
    for (const rate of rates.filter((r) => !Number.isNaN(r))) expect(rate).toBeCloseTo(6, 0);
    expect(rateTrack(twin, 'temperature')).toMatchObject({ anchored: true, anchorAt: T0 + seconds(210) });
  });

  it('given a track, when the machine idled since it last moved, then it starts afresh (warming) at the next RUNNING reading', () => {
    const m = machine('pump-1', 'pump');
    const { twin } = feed([
      ...Array.from({ length: 10 }, (_, i) => m.at(seconds(10 * i), { temperature: 50 + i })),
      m.at(seconds(100), { status: 'IDLE' }),
      m.at(seconds(110), { temperature: 80 }),
    ]);
    expect(rateTrack(twin, 'temperature')).toEqual({
      sensor: 'temperature',
      anchored: false,
      smoothed: 80,
      smoothedAt: T0 + seconds(110),
      anchor: 80,
      anchorAt: T0 + seconds(110),
    });
  });

  it('given readings further apart than the window, when they arrive, then each gives the rate since the one before', () => {
    const m = machine('pump-1', 'pump');
    const { rates } = feed([0, 1, 2, 3].map((i) => m.at(seconds(120 * i), { temperature: 50 + 4 * i })));
    // Warming at 0 s, anchored at 120 s, then 2 °C/min over each 2 minutes (the EWMA has long caught up).
    expect(rates.slice(0, 2)).toEqual([NaN, NaN]);
    expect(rates[2]).toBeCloseTo(2, 6);
    expect(rates[3]).toBeCloseTo(2, 6);
  });

  it('given a second sensor with a rule, when it is tracked, then it gets its own track beside the first', () => {
    const m = machine('pump-1', 'pump');
    const reading = m.at(0, { pressureBar: 4.2 });
    const twin = createTwin(reading);
    trackRate(twin, TEMPERATURE, reading.temperature, reading.timestamp, WINDOW);
    trackRate(twin, 5, 4.2, reading.timestamp, WINDOW);
    expect(twin.rates).toHaveLength(12);
    expect(rateTrack(twin, 'pressureBar')).toMatchObject({ smoothed: 4.2, anchored: false });
    expect(rateTrack(twin, 'temperature')).toMatchObject({ smoothed: 55 });
    expect(rateTrack(twin, 'load')).toBeUndefined();
  });
});
