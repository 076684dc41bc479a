// Alerts: the operator-facing view of anomalies. Folds anomaly events into one open alert per
// (machine, alert type) and applies operator commands; pure, time is passed in.
export {
  ALERT_ID_MAX_LENGTH,
  ALERT_STATUSES,
  DEFAULT_ALERT_POLICY,
  EMPTY_ALERT_BOOK,
  MAX_TRANSITIONS,
  SYSTEM_ACTOR,
  alertDescription,
  alertIdFor,
  evictResolved,
  fnv1a64,
  openAlertOf,
  pairKey,
  putAlert,
  withTransition,
  type Alert,
  type AlertAction,
  type AlertBook,
  type AlertPolicy,
  type AlertStatus,
  type AlertTransition,
  type AppliedPosition,
} from './alert.js';
export {
  applyAnomalyEvent,
  isAlreadyApplied,
  type AlertChange,
  type AlertChangeKind,
  type AlertOutcome,
} from './apply-event.js';
export {
  acknowledge,
  applyAlertAction,
  assign,
  resolve,
  shelve,
  unshelve,
  unshelveDue,
  type AlertActionInput,
  type CommandErrorCode,
  type CommandResult,
} from './commands.js';
