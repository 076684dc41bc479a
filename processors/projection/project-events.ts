// The projector's fold of one batch of twin events over the alerts read model (see index.ts for the rules).
import { PARTITION_MACHINE_TYPE } from '../partition/partition-silence.js';
import {
  applyAlertAction,
  applyAnomalyEvent,
  putAlert,
  type Alert,
  type AlertActionInput,
  type AlertBook,
  type AlertChangeKind,
  type AlertPolicy,
  type AppliedPosition,
  type CommandErrorCode,
} from '../alerts/index.js';
import type { TwinEvent, TwinEventType, TwinUpdatedEvent } from '../partition/index.js';
import { windowStartOf } from '../performance-windows/index.js';
import { isAfter, positionOf, takesPlaceBefore } from './event-position.js';

export interface AlertingOptions {
  /** Alert types whose alerts resolve themselves when the anomaly clears, or all of them. */
  readonly autoResolve: readonly string[] | 'all';
  readonly flapThreshold: number;
  readonly flapWindowMs: number;
}

export function alertPolicyFor(alerting: AlertingOptions, alertType: string): AlertPolicy {
  const { autoResolve, flapThreshold, flapWindowMs } = alerting;
  return {
    autoResolve: autoResolve === 'all' || autoResolve.includes(alertType),
    flapThreshold,
    flapWindowMs,
  };
}

/** What has been applied for one machine: its last event, and its last recorded operator action. */
export interface MachinePosition {
  readonly event: AppliedPosition | null;
  readonly actionId: number;
}

/** An operator action as recorded (alert_actions), with the machine's applied event when it was taken. */
export interface RecordedAction {
  readonly id: number;
  readonly alertId: string;
  readonly machineId: string;
  readonly action: AlertActionInput['action'];
  readonly actor: string;
  readonly note: string | null;
  readonly params: { readonly assignee?: string; readonly until?: number };
  readonly at: number;
  readonly after: AppliedPosition | null;
}

export interface ProjectionInput {
  readonly book: AlertBook;
  /** Machines without an entry have applied nothing yet. */
  readonly positions: ReadonlyMap<string, MachinePosition>;
  /** The actions recorded after each machine's applied action id, oldest (lowest id) first. */
  readonly actions: readonly RecordedAction[];
  /** The batch's events, in the order they were consumed. */
  readonly events: readonly TwinEvent[];
  readonly alerting: AlertingOptions;
  /** Length of the performance windows the anomaly counts go to. */
  readonly windowMs: number;
}

export interface AnomalyCount {
  readonly machineId: string;
  readonly windowStart: number;
  readonly count: number;
}

export interface SkippedAction {
  readonly action: RecordedAction;
  readonly reason: 'alert_missing' | CommandErrorCode;
}

export interface EventOutcome {
  readonly type: TwinEventType;
  readonly outcome: 'applied' | 'replayed';
  readonly count: number;
}

export interface ProjectionOutcome {
  readonly book: AlertBook;
  /** Every alert the batch changed, once, as it ends. */
  readonly changedAlerts: readonly Alert[];
  /** Each machine's last TWIN_UPDATED of the batch. */
  readonly twins: readonly TwinUpdatedEvent[];
  readonly anomalyCounts: readonly AnomalyCount[];
  /** The position to store for every machine of the batch. */
  readonly positions: ReadonlyMap<string, MachinePosition>;
  readonly skippedActions: readonly SkippedAction[];
  /** How many events of each type were applied or skipped as redeliveries. */
  readonly events: readonly EventOutcome[];
  /** How many alert changes of each kind ('action': a replayed operator action). */
  readonly alertChanges: ReadonlyMap<AlertChangeKind | 'action', number>;
}

const NOTHING_APPLIED: MachinePosition = { event: null, actionId: 0 };

export function projectEvents(input: ProjectionInput): ProjectionOutcome {
  const eventsByMachine = groupByMachine(input.events);
  const actionsByMachine = groupByMachine(input.actions);
  let book = input.book;
  const changed = new Map<string, Alert>();
  const twins = new Map<string, TwinUpdatedEvent>();
  const anomalyCounts = new Map<string, AnomalyCount>();
  const positions = new Map<string, MachinePosition>();
  const skippedActions: SkippedAction[] = [];
  const events = new Map<string, EventOutcome>();
  const alertChanges = new Map<AlertChangeKind | 'action', number>();
  const countEvent = (type: TwinEventType, outcome: EventOutcome['outcome']) => {
    const key = `${type}\u0000${outcome}`;
    events.set(key, { type, outcome, count: (events.get(key)?.count ?? 0) + 1 });
  };
  const countChange = (kind: AlertChangeKind | 'action') =>
    alertChanges.set(kind, (alertChanges.get(kind) ?? 0) + 1);

  for (const machineId of [...eventsByMachine.keys()].sort()) {
    let position = input.positions.get(machineId) ?? NOTHING_APPLIED;
    const actions = actionsByMachine.get(machineId) ?? [];
    let nextAction = 0;
    const replayActionsUpTo = (limit: AppliedPosition | null, inclusive: boolean) => {
      for (; nextAction < actions.length; nextAction++) {
        const action = actions[nextAction]!;
        if (!takesPlaceBefore(action.after, limit, inclusive)) return;
        const replayed = replayAction(book, action);
        if (replayed.ok) {
          book = putAlert(book, replayed.alert);
          changed.set(replayed.alert.alertId, replayed.alert);
          countChange('action');
        } else {
          skippedActions.push({ action, reason: replayed.reason });
        }
        // A skipped action is done with too: a rebuild would skip it again.
        position = { ...position, actionId: action.id };
      }
    };

    for (const event of eventsByMachine.get(machineId) ?? []) {
      const at = positionOf(event);
      if (position.event !== null && !isAfter(at, position.event)) {
        countEvent(event.type, 'replayed');
        continue;
      }
      replayActionsUpTo(at, false);
      switch (event.type) {
        case 'ANOMALY_OPENED':
        case 'ANOMALY_ESCALATED':
        case 'ANOMALY_CLEARED': {
          const outcome = applyAnomalyEvent(book, event, alertPolicyFor(input.alerting, event.anomalyType));
          book = outcome.book;
          for (const change of outcome.changes) {
            changed.set(change.alert.alertId, change.alert);
            countChange(change.kind);
          }
          // A whole partition's silence has no machine windows to count in.
          if (event.type === 'ANOMALY_OPENED' && event.machineType !== PARTITION_MACHINE_TYPE) {
            const windowStart = windowStartOf(event.eventTime, input.windowMs);
            const key = `${machineId}\u0000${windowStart}`;
            const count = anomalyCounts.get(key)?.count ?? 0;
            anomalyCounts.set(key, { machineId, windowStart, count: count + 1 });
          }
          break;
        }
        case 'TWIN_UPDATED':
          twins.set(machineId, event);
          break;
        case 'STATUS_CHANGED':
          break;
      }
      countEvent(event.type, 'applied');
      position = { ...position, event: at };
    }
    replayActionsUpTo(position.event, true);
    positions.set(machineId, position);
  }

  return {
    book,
    changedAlerts: [...changed.values()],
    twins: [...twins.values()],
    anomalyCounts: [...anomalyCounts.values()],
    positions,
    skippedActions,
    events: [...events.values()],
    alertChanges,
  };
}

type Replayed =
  | { readonly ok: true; readonly alert: Alert }
  | { readonly ok: false; readonly reason: SkippedAction['reason'] };

function replayAction(book: AlertBook, action: RecordedAction): Replayed {
  const alert = book.alerts[action.alertId];
  if (alert === undefined) return { ok: false, reason: 'alert_missing' };
  const result = applyAlertAction(alert, {
    action: action.action,
    actor: action.actor,
    at: action.at,
    note: action.note,
    ...(action.params.assignee !== undefined && { assignee: action.params.assignee }),
    ...(action.params.until !== undefined && { until: action.params.until }),
  });
  return result.ok ? { ok: true, alert: result.alert } : { ok: false, reason: result.code };
}

function groupByMachine<T extends { readonly machineId: string }>(items: readonly T[]): Map<string, T[]> {
  const grouped = new Map<string, T[]>();
  for (const item of items) {
    const list = grouped.get(item.machineId);
    if (list === undefined) grouped.set(item.machineId, [item]);
    else list.push(item);
  }
  return grouped;
}
