// twin.events → the alerts read model (one open alert per machine and anomaly type, with its lifecycle),
// the current twin of each machine, and the anomaly counts of the performance windows.
//
// The processor may publish an event again after it restarts (same id, same order), so each machine's last
// applied (source offset, index) is kept in projector_positions and anything at or before it is skipped.
// Operator actions recorded in alert_actions after a machine's applied action id (only after a rebuild) are
// replayed at the event position they were taken at, so a rebuild ends with the rows the live run had.
import type pg from 'pg';
import {
  applyAlertAction,
  applyAnomalyEvent,
  putAlert,
  type Alert,
  type AlertBook,
  type AlertPolicy,
  type AppliedPosition,
} from '../../processors/alerts/index.js';
import type { AnomalyEvent } from '../../processors/threshold-detection/anomaly-event.js';
import type { Severity } from '../../processors/threshold-detection/severity.js';
import { windowStartOf } from '../../processors/performance-windows/index.js';
import { decodeTwinEvent, type DecodedTwinEvent } from '../../schemas/twin-event-codec.js';
import type { Logger } from '../logger.js';
import {
  loadAlertBook,
  loadPendingActions,
  saveAlerts,
  saveMachinePositions,
  type AlertActionRecord,
  type MachinePosition,
} from '../db/repositories/alerts.js';
import { upsertMachineTwins, type MachineTwinRow } from '../db/repositories/machine-twins.js';
import { addAnomalyCounts, refreshPerformanceMetrics } from '../db/repositories/performance-windows.js';
import type { ProjectedMessage, ProjectionStep } from './partition-projection.js';
import type { ProjectorMetrics } from './projector-metrics.js';

export interface AlertingOptions {
  readonly autoResolve: readonly string[] | 'all';
  readonly flapThreshold: number;
  readonly flapWindowMs: number;
}

export interface EventProjectionOptions {
  readonly alerting: AlertingOptions;
  readonly windowMs: number;
  readonly metrics: ProjectorMetrics;
  readonly logger: Logger;
  readonly now: () => number;
}

interface Positioned {
  readonly record: DecodedTwinEvent;
  readonly position: AppliedPosition;
}

const ANOMALY_TYPES = new Set(['ANOMALY_OPENED', 'ANOMALY_ESCALATED', 'ANOMALY_CLEARED']);

export class EventProjection implements ProjectionStep {
  constructor(private readonly options: EventProjectionOptions) {}

  policyFor(alertType: string): AlertPolicy {
    const { autoResolve, flapThreshold, flapWindowMs } = this.options.alerting;
    return {
      autoResolve: autoResolve === 'all' || autoResolve.includes(alertType),
      flapThreshold,
      flapWindowMs,
    };
  }

  async project(client: pg.PoolClient, partition: number, messages: readonly ProjectedMessage[]) {
    const { metrics, logger } = this.options;
    const byMachine = new Map<string, Positioned[]>();
    let newest: number | null = null;
    for (const message of messages) {
      let record: DecodedTwinEvent;
      try {
        if (!message.value) throw new Error('empty value');
        record = decodeTwinEvent(message.value);
      } catch (error) {
        // Our own processor's output: log and skip, the event stays in the topic for a later fix and rebuild.
        metrics.events.inc({ type: 'unknown', outcome: 'undecodable' });
        logger.error({ err: error, partition, offset: message.offset }, 'undecodable twin event skipped');
        continue;
      }
      const list = byMachine.get(record.machine_id) ?? [];
      list.push({ record, position: positionOf(record) });
      byMachine.set(record.machine_id, list);
      newest = Math.max(newest ?? 0, Number(record.event_time));
    }
    if (byMachine.size === 0) return { streamTime: null, newestEventTime: newest };

    const machineIds = [...byMachine.keys()].sort();
    const { book: loaded, positions } = await loadAlertBook(client, machineIds);
    const pending = groupByMachine(await loadPendingActions(client, positions, machineIds));
    let book = loaded;
    const changed = new Map<string, Alert>();
    const twins = new Map<string, MachineTwinRow>();
    const anomalyCounts = new Map<string, { machineId: string; windowStart: number; count: number }>();
    const nextPositions = new Map<string, MachinePosition>();
    const remember = (alert: Alert) => changed.set(alert.alertId, alert);

    for (const machineId of machineIds) {
      let position = positions.get(machineId) ?? { event: null, actionId: 0 };
      const actions = pending.get(machineId) ?? [];
      const replayActionsUpTo = (limit: AppliedPosition | null, inclusive: boolean) => {
        while (actions.length > 0 && takesPlaceBefore(actions[0]!.after, limit, inclusive)) {
          const action = actions.shift()!;
          book = this.replayAction(book, action, remember);
          position = { ...position, actionId: action.id };
        }
      };
      for (const { record, position: at } of byMachine.get(machineId)!) {
        if (position.event !== null && !isAfter(at, position.event)) {
          metrics.events.inc({ type: record.type, outcome: 'replayed' });
          continue;
        }
        replayActionsUpTo(at, false);
        if (ANOMALY_TYPES.has(record.type)) {
          const event = anomalyEventOf(record, at);
          const outcome = applyAnomalyEvent(book, event, this.policyFor(event.anomalyType));
          book = outcome.book;
          for (const change of outcome.changes) {
            remember(change.alert);
            metrics.alertChanges.inc({ kind: change.kind });
          }
          if (record.type === 'ANOMALY_OPENED') {
            const windowStart = windowStartOf(event.eventTime, this.options.windowMs);
            const key = `${machineId}\u0000${windowStart}`;
            const entry = anomalyCounts.get(key) ?? { machineId, windowStart, count: 0 };
            anomalyCounts.set(key, { ...entry, count: entry.count + 1 });
          }
        } else if (record.type === 'TWIN_UPDATED' && record.twin) {
          twins.set(machineId, twinRowOf(record, partition));
        }
        metrics.events.inc({ type: record.type, outcome: 'applied' });
        position = { ...position, event: at };
      }
      replayActionsUpTo(position.event, true);
      nextPositions.set(machineId, position);
    }

    await saveAlerts(client, [...changed.values()]);
    await upsertMachineTwins(client, [...twins.values()], this.options.now());
    if (anomalyCounts.size > 0) {
      const counts = [...anomalyCounts.values()].map((entry) => ({
        ...entry,
        windowMs: this.options.windowMs,
      }));
      await addAnomalyCounts(client, counts);
      await refreshPerformanceMetrics(client, counts, this.options.windowMs);
    }
    await saveMachinePositions(client, nextPositions);
    return { streamTime: null, newestEventTime: newest };
  }

  private replayAction(book: AlertBook, action: AlertActionRecord, remember: (alert: Alert) => void) {
    const alert = book.alerts[action.alertId];
    const result =
      alert === undefined
        ? null
        : applyAlertAction(alert, {
            action: action.action,
            actor: action.actor,
            at: action.at,
            note: action.note,
            ...(action.params.assignee !== undefined && { assignee: action.params.assignee }),
            ...(action.params.until !== undefined && { until: action.params.until }),
          });
    if (result === null || !result.ok) {
      this.options.logger.warn(
        { actionId: action.id, alertId: action.alertId },
        'recorded alert action does not apply on replay; skipped',
      );
      return book;
    }
    remember(result.alert);
    this.options.metrics.alertChanges.inc({ kind: 'action' });
    return putAlert(book, result.alert);
  }
}

/** `<topic>-<partition>-<offset>-<index>`: the event's place among its source reading's events. */
function positionOf(record: DecodedTwinEvent): AppliedPosition {
  const index = Number(record.event_id.slice(record.event_id.lastIndexOf('-') + 1));
  return { sourceOffset: Number(record.source.offset), index: Number.isFinite(index) ? index : 0 };
}

function isAfter(a: AppliedPosition, b: AppliedPosition): boolean {
  return a.sourceOffset > b.sourceOffset || (a.sourceOffset === b.sourceOffset && a.index > b.index);
}

/** Whether an action taken after `after` comes before the event at `limit` (or at it, when inclusive). */
function takesPlaceBefore(
  after: AppliedPosition | null,
  limit: AppliedPosition | null,
  inclusive: boolean,
): boolean {
  if (after === null) return true;
  if (limit === null) return false;
  return inclusive ? !isAfter(after, limit) : isAfter(limit, after);
}

function groupByMachine(actions: readonly AlertActionRecord[]): Map<string, AlertActionRecord[]> {
  const grouped = new Map<string, AlertActionRecord[]>();
  for (const action of actions) {
    const list = grouped.get(action.machineId) ?? [];
    list.push(action);
    grouped.set(action.machineId, list);
  }
  return grouped;
}

function anomalyEventOf(record: DecodedTwinEvent, at: AppliedPosition): AnomalyEvent {
  const anomaly = record.anomaly as {
    anomaly_type: string;
    severity: string;
    previous_severity: string | null;
    rule_id: string;
    config_machine_type: string;
    config_version: number;
    clear_reason: string | null;
    duration_ms: number;
  };
  return {
    type: record.type as AnomalyEvent['type'],
    sourceOffset: at.sourceOffset,
    index: at.index,
    machineId: record.machine_id,
    machineType: record.machine_type,
    eventTime: Number(record.event_time),
    anomalyType: anomaly.anomaly_type,
    severity: anomaly.severity as Severity,
    previousSeverity: anomaly.previous_severity as Severity | null,
    ruleId: anomaly.rule_id,
    configMachineType: anomaly.config_machine_type,
    configVersion: Number(anomaly.config_version),
    clearReason: anomaly.clear_reason as AnomalyEvent['clearReason'],
    reading: null,
    calculatedMetrics: { durationMs: Number(anomaly.duration_ms) },
  };
}

function twinRowOf(record: DecodedTwinEvent, partition: number): MachineTwinRow {
  const twin = record.twin as { status: string; status_since: number } & Record<string, unknown>;
  return {
    machineId: record.machine_id,
    machineType: record.machine_type,
    status: twin.status,
    statusSince: Number(twin.status_since),
    lastEventTime: Number(record.event_time),
    twin,
    sourcePartition: partition,
    sourceOffset: Number(record.source.offset),
  };
}
