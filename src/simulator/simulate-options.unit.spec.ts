import { describe, expect, it } from 'vitest';
import { OptionError, parseSimulateOptions, type RawSimulateOptions } from './simulate-options.js';

/** What commander hands over when no option is given. */
const DEFAULTS: RawSimulateOptions = {
  machines: '200',
  rate: '1000',
  duration: '60',
  format: 'avro',
  schemaVersion: '2',
  seed: '42',
  faultFraction: '0.05',
};

describe('parseSimulateOptions', () => {
  it('given no options, when parsed, then a 60 s live run of 200 machines at 1,000 readings/s in Avro v2', () => {
    expect(parseSimulateOptions(DEFAULTS)).toEqual({
      machines: 200,
      rate: 1_000,
      durationS: 60,
      format: 'avro',
      schemaVersion: 2,
      seed: 42,
      faultFraction: 0.05,
    });
  });

  it('given every option, when parsed, then each is typed', () => {
    const settings = parseSimulateOptions({
      ...DEFAULTS,
      format: 'json',
      schemaVersion: '1',
      groundTruth: 'faults.json',
      topic: 'sensor.readings.replay',
      start: '2025-06-01T08:00:00+02:00',
      count: '2000',
    });
    expect(settings).toMatchObject({
      format: 'json',
      schemaVersion: 1,
      groundTruthFile: 'faults.json',
      topic: 'sensor.readings.replay',
      startTime: Date.parse('2025-06-01T06:00:00Z'),
      count: 2_000,
    });
  });

  it('given --fast without --count, when parsed, then it sends what the live run would (rate × duration)', () => {
    expect(parseSimulateOptions({ ...DEFAULTS, fast: true, duration: '5', rate: '300' }).count).toBe(1_500);
  });

  it.each([
    [{ machines: '0' }, '--machines takes an integer from 1 to 100000, got "0"'],
    [{ machines: '2.5' }, '--machines takes an integer from 1 to 100000, got "2.5"'],
    [{ machines: 'many' }, '--machines takes an integer from 1 to 100000, got "many"'],
    [{ rate: '0' }, '--rate takes a number of readings per second above 0, at most 1,000,000, got "0"'],
    [{ rate: '' }, '--rate takes a number of readings per second above 0, at most 1,000,000, got ""'],
    [{ machines: '2', rate: '5000' }, /^--rate 5000 is more than 1000 readings per second per machine/],
    [{ duration: '-1' }, '--duration takes seconds, 0 or more (0 runs until Ctrl-C), got "-1"'],
    [{ format: 'xml' }, '--format takes avro or json, got "xml"'],
    [{ schemaVersion: '3' }, '--schema-version takes 1 or 2, got "3"'],
    [{ seed: '-1' }, '--seed takes an integer from 0 to 4294967295, got "-1"'],
    [{ faultFraction: '5%' }, '--fault-fraction takes a share of the machines from 0 to 1, got "5%"'],
    [{ faultFraction: '1.5' }, '--fault-fraction takes a share of the machines from 0 to 1, got "1.5"'],
    [{ groundTruth: ' ' }, '--ground-truth takes a file name, got an empty one'],
    [{ topic: 'sensor readings' }, /^--topic takes a Kafka topic name/],
    [{ start: '2025-06-01T08:00:00' }, /^--start takes an ISO-8601 time with zone/],
    [
      { start: '1999-12-31T23:59:59Z' },
      '--start must be 2000-01-01T00:00:00Z or later, got 1999-12-31T23:59:59Z',
    ],
    [{ count: '0' }, '--count takes an integer from 1 to 1000000000, got "0"'],
    [
      { fast: true, duration: '0' },
      '--fast needs a number of readings: give --count <n> or a --duration above 0',
    ],
  ] as const)('given %o, when parsed, then one clear line', (bad, message) => {
    const attempt = () => parseSimulateOptions({ ...DEFAULTS, ...bad });
    expect(attempt).toThrow(OptionError);
    expect(attempt).toThrow(message);
  });
});
