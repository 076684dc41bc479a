// Test support: anomaly events of one machine at increasing source offsets, and a book folder.
import type { AnomalyEvent, AnomalyEventType } from '../threshold-detection/anomaly-event.js';
import type { Severity } from '../threshold-detection/severity.js';
import { EMPTY_ALERT_BOOK, type AlertBook, type AlertPolicy } from '../alerts/alert.js';
import { applyAnomalyEvent, type AlertChange } from '../alerts/apply-event.js';

export interface AnomalyStream {
  opened(anomalyType: string, severity: Severity, eventTime: number): AnomalyEvent;
  escalated(anomalyType: string, from: Severity, to: Severity, eventTime: number): AnomalyEvent;
  cleared(anomalyType: string, severity: Severity, eventTime: number): AnomalyEvent;
}

/** Each event gets the next source offset of the machine, index 0. */
export function anomalies(machineId: string, firstOffset = 0): AnomalyStream {
  let offset = firstOffset;
  const event = (
    type: AnomalyEventType,
    anomalyType: string,
    severity: Severity,
    previousSeverity: Severity | null,
    eventTime: number,
  ): AnomalyEvent => ({
    type,
    sourceOffset: offset++,
    index: 0,
    machineId,
    machineType: 'pump',
    eventTime,
    anomalyType,
    severity,
    previousSeverity,
    ruleId: `rule-${anomalyType.toLowerCase()}`,
    configMachineType: 'pump',
    configVersion: 1,
    clearReason: type === 'ANOMALY_CLEARED' ? 'back_to_normal' : null,
    reading: null,
    calculatedMetrics: { durationMs: 0 },
  });
  return {
    opened: (anomalyType, severity, at) => event('ANOMALY_OPENED', anomalyType, severity, null, at),
    escalated: (anomalyType, from, to, at) => event('ANOMALY_ESCALATED', anomalyType, to, from, at),
    cleared: (anomalyType, severity, at) => event('ANOMALY_CLEARED', anomalyType, severity, null, at),
  };
}

/** Applies the events in order, collecting every change. */
export function foldAll(
  policy: AlertPolicy,
  events: readonly AnomalyEvent[],
  book: AlertBook = EMPTY_ALERT_BOOK,
): { book: AlertBook; changes: AlertChange[] } {
  const changes: AlertChange[] = [];
  let current = book;
  for (const event of events) {
    const outcome = applyAnomalyEvent(current, event, policy);
    current = outcome.book;
    changes.push(...outcome.changes);
  }
  return { book: current, changes };
}
