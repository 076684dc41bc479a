import { describe, expect, it } from 'vitest';
import { createFleet, generateReadings } from './fleet.js';
import { planRun } from './run-plan.js';
import { parseSimulateOptions, type RawSimulateOptions } from './simulate-options.js';

const DEFAULTS: RawSimulateOptions = {
  machines: '200',
  rate: '1000',
  duration: '60',
  format: 'avro',
  schemaVersion: '2',
  seed: '42',
  faultFraction: '0.05',
};
const NOW = Date.parse('2025-06-01T12:00:00.000Z');

describe('planRun', () => {
  it('given a live run, when planned, then event time starts now, each machine reports every machines/rate s', () => {
    const plan = planRun(parseSimulateOptions(DEFAULTS), NOW + 0.7);
    expect(plan.fleet).toMatchObject({
      startTime: NOW,
      intervalMs: 200,
      faultPeriodMs: 60_000,
      firstSeq: NOW,
    });
    expect(plan.endTime).toBe(NOW + 60_000);
    expect(plan.count).toBeUndefined();
  });

  it('given an endless live run, when planned, then it has no end and draws faults every 15 minutes', () => {
    const plan = planRun(parseSimulateOptions({ ...DEFAULTS, duration: '0' }), NOW);
    expect(plan.endTime).toBeUndefined();
    expect(plan.fleet.faultPeriodMs).toBe(900_000);
  });

  it.each([0.05, 1])(
    'given a backfill with fault fraction %s, when generated, then exactly --count readings end at now',
    (faultFraction) => {
      const settings = parseSimulateOptions({
        ...DEFAULTS,
        count: '20000',
        faultFraction: String(faultFraction),
      });
      const plan = planRun(settings, NOW);
      const readings = generateReadings(createFleet(plan.fleet), { count: plan.count ?? 0 });
      expect(readings).toHaveLength(20_000);
      const last = readings.at(-1)?.timestamp ?? 0;
      expect(last).toBeLessThanOrEqual(NOW);
      expect(last).toBeGreaterThan(NOW - 1_000);
    },
  );

  it('given a backfill with a start time, when planned, then it starts there', () => {
    const settings = parseSimulateOptions({ ...DEFAULTS, count: '10', start: '2025-01-01T00:00:00Z' });
    expect(planRun(settings, NOW).fleet.startTime).toBe(Date.parse('2025-01-01T00:00:00Z'));
  });
});
