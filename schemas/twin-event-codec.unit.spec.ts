import { describe, expect, it } from 'vitest';
import type { TwinEvent } from '../processors/partition/index.js';
import { given, machine, seconds } from '../processors/testing/index.js';
import { PUMP_CONFIG } from '../processors/threshold-detection/index.js';
import {
  decodeTwinEvent,
  encodeTwinEvent,
  twinEventRecord,
  twinEventRegistry,
  twinSummaryRecord,
} from './twin-event-codec.js';

/** A pump that starts, vibrates too much, worse, recovers and stops: every event type, from the real fold. */
function pumpHistory(): TwinEvent[] {
  const pump = machine('pump-7', 'pump', { rpm: 2_950, goodCount: 10, pressureBar: 6.5 });
  const driver = given([PUMP_CONFIG], { twinPublishIntervalMs: 0 });
  driver.readings(pump.at(0), pump.at(seconds(10), { vibration: 8 }), pump.at(seconds(45), { vibration: 8 }));
  driver.readings(pump.at(seconds(60), { vibration: 12 }), pump.at(seconds(95), { vibration: 12 }));
  driver.readings(pump.at(seconds(100)), pump.at(seconds(230)), pump.at(seconds(240), { status: 'STOPPED' }));
  return driver.allEvents;
}

/** What the wire does not carry: the status a status rule judged. */
function asOnTheWire(event: TwinEvent): TwinEvent {
  if (
    event.type !== 'ANOMALY_OPENED' &&
    event.type !== 'ANOMALY_ESCALATED' &&
    event.type !== 'ANOMALY_CLEARED'
  ) {
    return event;
  }
  const { status: _status, ...metrics } = event.calculatedMetrics;
  return { ...event, calculatedMetrics: metrics };
}

describe('twin event codec', () => {
  const events = pumpHistory();

  it('given the fold covers every event type, when the history is built, then the round trips below see them all', () => {
    expect(new Set(events.map((event) => event.type))).toEqual(
      new Set(['STATUS_CHANGED', 'TWIN_UPDATED', 'ANOMALY_OPENED', 'ANOMALY_ESCALATED', 'ANOMALY_CLEARED']),
    );
  });

  it('given domain events, when encoded and decoded, then the same domain events come back with their ids', () => {
    for (const event of events) {
      const decoded = decodeTwinEvent(encodeTwinEvent(event, 'sensor.readings', 3));
      expect(decoded.event).toEqual(asOnTheWire(event));
      expect(decoded.eventId).toBe(`sensor.readings-3-${event.sourceOffset}-${event.index}`);
      expect(decoded.source).toEqual({ topic: 'sensor.readings', partition: 3, offset: event.sourceOffset });
    }
  });

  it('given events written as v1 or v2, when decoded, then they come back as that writer gave them, with no arrival time (on time)', () => {
    for (const event of events) {
      for (const version of [1, 2]) {
        const older = twinEventRegistry.encode(twinEventRecord(event, 'sensor.readings', 0), version);
        expect(decodeTwinEvent(older).event).toEqual(beforeV3(asOnTheWire(event)));
      }
    }
  });

  it('given an anomaly that arrived late, when encoded and decoded, then its arrival time comes back', () => {
    const opened = events.find((event) => event.type === 'ANOMALY_OPENED');
    if (opened?.type !== 'ANOMALY_OPENED') throw new Error('no opened anomaly');
    const late = { ...opened, arrivalTime: opened.eventTime + 7_200_000 };
    const decoded = decodeTwinEvent(encodeTwinEvent(late, 'sensor.readings', 0)).event;
    expect(decoded).toEqual(asOnTheWire(late));
    expect(decoded.type === 'ANOMALY_OPENED' && decoded.arrivalTime).toBe(opened.eventTime + 7_200_000);
  });

  it('given an ML anomaly, when encoded and decoded, then its model, confidence and features come back', () => {
    const opened = events.find((event) => event.type === 'ANOMALY_OPENED');
    if (opened?.type !== 'ANOMALY_OPENED') throw new Error('no opened anomaly');
    const ml = {
      algorithm: 'robust-z-ewma',
      modelVersion: 'pump-3',
      confidence: 0.93,
      features: { vibration: 4.1 },
    };
    const decoded = decodeTwinEvent(encodeTwinEvent({ ...opened, ml }, 'sensor.readings', 0));
    expect(decoded.event).toEqual(asOnTheWire({ ...opened, ml }));
  });

  it('given a TWIN_UPDATED, when decoded, then its twin in wire form is the document that was published', () => {
    for (const event of events) {
      if (event.type !== 'TWIN_UPDATED') continue;
      const decoded = decodeTwinEvent(encodeTwinEvent(event, 'sensor.readings', 0)).event;
      if (decoded.type !== 'TWIN_UPDATED') throw new Error(`decoded as ${decoded.type}`);
      expect(twinSummaryRecord(decoded.twin)).toEqual(twinEventRecord(event, 'sensor.readings', 0).twin);
    }
  });

  it('given a severity outside the domain, when decoded, then the event is refused naming the field', () => {
    const opened = events.find((event) => event.type === 'ANOMALY_OPENED');
    if (opened === undefined) throw new Error('no opened anomaly');
    const record = twinEventRecord(opened, 'sensor.readings', 0);
    const bytes = twinEventRegistry.encode(
      { ...record, anomaly: { ...record.anomaly, severity: 'SEVERE' } },
      2,
    );
    expect(() => decodeTwinEvent(bytes)).toThrow('twin event: anomaly.severity "SEVERE" is not one of');
  });

  it('given bytes that are not a twin event, when decoded, then it throws', () => {
    expect(() => decodeTwinEvent(Buffer.from('{}'))).toThrow(/^twin event: /);
  });
});

/** What a writer before v3 could say: no arrival time, no clock-skew offset or backlog age. */
function beforeV3(event: TwinEvent): TwinEvent {
  if (!('anomalyType' in event)) return event;
  const { arrivalTime: _arrival, ...rest } = event;
  const { offsetMs: _offset, backlogMs: _backlog, ...metrics } = rest.calculatedMetrics;
  return { ...rest, calculatedMetrics: metrics };
}
