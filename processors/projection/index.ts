// Projection: what a batch of twin.events does to the operators' read model, decided without I/O.
//
// projectEvents(input) takes the alert book and each machine's applied position as loaded, the operator
// actions recorded after those positions, and the batch's decoded events, and returns the new book, the
// alerts to upsert, the twins to upsert, the anomaly counts per window and the positions to store.
//
// The rules, per machine (machines in id order, events in batch order):
// - An event at or before the machine's applied (source offset, index) is a redelivery: counted, skipped.
// - A recorded action was taken after the event at its `after` position, so on replay it is applied after
//   that event and before the next one; actions left over go after the batch's last applied event.
//   An action whose alert is missing or that no longer applies is skipped and reported; its id still counts
//   as applied, so it is not tried again.
// - ANOMALY_OPENED adds one to its machine's anomaly count of the window holding its event time.
// - The machine's last TWIN_UPDATED of the batch is the twin to keep.
export { isAfter, positionOf, takesPlaceBefore } from './event-position.js';
export {
  alertPolicyFor,
  projectEvents,
  type AlertingOptions,
  type AnomalyCount,
  type EventOutcome,
  type MachinePosition,
  type ProjectionInput,
  type ProjectionOutcome,
  type RecordedAction,
  type SkippedAction,
} from './project-events.js';
