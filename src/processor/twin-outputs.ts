// What a folded batch turns into: twin.events messages and the rows of anomaly_history / anomaly_records,
// all carrying the deterministic event id of the reading that caused them.
import type { AnomalyEvent } from '../../processors/threshold-detection/index.js';
import type { TwinEvent } from '../../processors/partition/index.js';
import { toWireReading } from '../../schemas/sensor-reading-wire.js';
import { encodeTwinEvent, twinEventId } from '../../schemas/twin-event-codec.js';
import type { AnomalyHistoryRow, AnomalyRecordRow } from '../db/repositories/anomaly-rows.js';
import type { OutgoingMessage } from '../kafka/producer.js';

export function eventMessages(
  eventsTopic: string,
  sourceTopic: string,
  partition: number,
  events: readonly TwinEvent[],
): OutgoingMessage[] {
  return events.map((event) => ({
    topic: eventsTopic,
    key: event.machineId,
    value: encodeTwinEvent(event, sourceTopic, partition),
  }));
}

const isAnomaly = (event: TwinEvent): event is AnomalyEvent =>
  event.type === 'ANOMALY_OPENED' || event.type === 'ANOMALY_ESCALATED' || event.type === 'ANOMALY_CLEARED';

/**
 * anomaly_history records every transition (opened, escalated, cleared); anomaly_records holds the
 * detections (opened and escalated), with algorithm_used = 'threshold', or for the ML detector's
 * `<algorithm>@<model version>` with ml_confidence and ml_features.
 */
export function anomalyRows(
  sourceTopic: string,
  partition: number,
  events: readonly TwinEvent[],
): { history: AnomalyHistoryRow[]; records: AnomalyRecordRow[] } {
  const history: AnomalyHistoryRow[] = [];
  const records: AnomalyRecordRow[] = [];
  for (const event of events) {
    if (!isAnomaly(event)) continue;
    const eventId = twinEventId({ topic: sourceTopic, partition, offset: event.sourceOffset }, event.index);
    const row = {
      eventId,
      machineId: event.machineId,
      anomalyType: event.anomalyType,
      severity: event.severity,
      timestamp: event.eventTime,
      sensorData: event.reading === null ? null : toWireReading(event.reading),
      calculatedMetrics: event.calculatedMetrics,
    };
    history.push({
      ...row,
      details: {
        transition: event.type,
        previousSeverity: event.previousSeverity,
        ruleId: event.ruleId,
        configMachineType: event.configMachineType,
        configVersion: event.configVersion,
        clearReason: event.clearReason,
        source: { topic: sourceTopic, partition, offset: event.sourceOffset },
        ...(event.ml && { ml: event.ml }),
      },
    });
    if (event.type === 'ANOMALY_CLEARED') continue;
    if (event.ml === undefined) {
      records.push({ ...row, algorithmUsed: 'threshold' });
    } else {
      records.push({
        ...row,
        algorithmUsed: `${event.ml.algorithm}@${event.ml.modelVersion}`,
        mlConfidence: event.ml.confidence,
        mlFeatures: { modelVersion: event.ml.modelVersion, ...event.ml.features },
      });
    }
  }
  return { history, records };
}
