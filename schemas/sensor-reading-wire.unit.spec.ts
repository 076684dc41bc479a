import { describe, expect, it } from 'vitest';
import { validateReading, type ReadingClock } from '../processors/readings/validate-reading.js';
import { toWireReading, type WireReading } from './sensor-reading-wire.js';

const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);
const CLOCK: ReadingClock = { nowMs: NOW, maxFutureSkewMs: 5_000 };

const WIRE: WireReading = {
  machine_id: 'lathe-0042',
  machine_type: 'cnc_lathe',
  timestamp: NOW - 250,
  temperature: 58.5,
  vibration: 1.9,
  load: 72,
  status: 'RUNNING',
};

describe('toWireReading', () => {
  it('given a domain reading, when turned to wire form and validated, then it comes back unchanged', () => {
    const reading = { ...WIRE, seq: 3, rpm: -1_200, pressure_bar: -0.6 };
    const validated = validateReading(reading, CLOCK);
    if (!validated.ok) throw new Error(validated.error);
    expect(toWireReading(validated.reading)).toEqual(reading);
  });
});
