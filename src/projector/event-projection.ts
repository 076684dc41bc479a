// twin.events → the alerts read model (one open alert per machine and anomaly type, with its lifecycle),
// the current twin of each machine, and the anomaly counts of the performance windows.
//
// Per batch: decode, load what the batch's machines have applied (projector_positions) and the operator actions
// recorded since, fold with projectEvents (processors/projection: the redelivery and action-replay rules), and
// save. The processor may publish an event again after it restarts (same id, same order); the rules skip it.
import type pg from 'pg';
import { alertPolicyFor, projectEvents, type AlertingOptions } from '../../processors/projection/index.js';
import type { AlertPolicy } from '../../processors/alerts/index.js';
import type { TwinEvent, TwinUpdatedEvent } from '../../processors/partition/index.js';
import { decodeTwinEvent, twinSummaryRecord } from '../../schemas/twin-event-codec.js';
import type { Logger } from '../logger.js';
import {
  loadAlertBook,
  loadPendingActions,
  saveAlerts,
  saveMachinePositions,
} from '../db/repositories/alerts.js';
import { upsertMachineTwins, type MachineTwinRow } from '../db/repositories/machine-twins.js';
import { addAnomalyCounts, refreshPerformanceMetrics } from '../db/repositories/performance-windows.js';
import type { ProjectedMessage, ProjectionStep } from './partition-projection.js';
import type { ProjectorMetrics } from './projector-metrics.js';

export type { AlertingOptions };

export interface EventProjectionOptions {
  readonly alerting: AlertingOptions;
  readonly windowMs: number;
  readonly metrics: ProjectorMetrics;
  readonly logger: Logger;
  readonly now: () => number;
}

export class EventProjection implements ProjectionStep {
  constructor(private readonly options: EventProjectionOptions) {}

  policyFor(alertType: string): AlertPolicy {
    return alertPolicyFor(this.options.alerting, alertType);
  }

  async project(client: pg.PoolClient, partition: number, messages: readonly ProjectedMessage[]) {
    const { metrics, logger, windowMs } = this.options;
    const events: TwinEvent[] = [];
    let newest: number | null = null;
    for (const message of messages) {
      let event: TwinEvent;
      try {
        if (!message.value) throw new Error('empty value');
        event = decodeTwinEvent(message.value).event;
      } catch (error) {
        // Our own processor's output: log and skip, the event stays in the topic for a later fix and rebuild.
        metrics.events.inc({ type: 'unknown', outcome: 'undecodable' });
        logger.error({ err: error, partition, offset: message.offset }, 'undecodable twin event skipped');
        continue;
      }
      events.push(event);
      newest = Math.max(newest ?? 0, event.eventTime);
    }
    if (events.length === 0) return { streamTime: null, newestEventTime: newest };

    const machineIds = [...new Set(events.map((event) => event.machineId))].sort();
    const { book, positions } = await loadAlertBook(client, machineIds);
    const actions = await loadPendingActions(client, positions, machineIds);
    const outcome = projectEvents({
      book,
      positions,
      actions,
      events,
      alerting: this.options.alerting,
      windowMs,
    });

    for (const { type, outcome: applied, count } of outcome.events) {
      metrics.events.inc({ type, outcome: applied }, count);
    }
    for (const [kind, count] of outcome.alertChanges) metrics.alertChanges.inc({ kind }, count);
    for (const { action, reason } of outcome.skippedActions) {
      logger.warn(
        { actionId: action.id, alertId: action.alertId, reason },
        'recorded alert action does not apply on replay; skipped',
      );
    }

    await saveAlerts(client, outcome.changedAlerts);
    await upsertMachineTwins(
      client,
      outcome.twins.map((twin) => twinRowOf(twin, partition)),
      this.options.now(),
    );
    if (outcome.anomalyCounts.length > 0) {
      const counts = outcome.anomalyCounts.map((entry) => ({ ...entry, windowMs }));
      await addAnomalyCounts(client, counts);
      await refreshPerformanceMetrics(client, counts, windowMs);
    }
    await saveMachinePositions(client, outcome.positions);
    return { streamTime: null, newestEventTime: newest };
  }
}

/** machine_twins keeps the twin as published (its wire form), at the partition and offset it came from. */
function twinRowOf(event: TwinUpdatedEvent, partition: number): MachineTwinRow {
  return {
    machineId: event.machineId,
    machineType: event.machineType,
    status: event.twin.status,
    statusSince: event.twin.statusSince,
    lastEventTime: event.eventTime,
    twin: twinSummaryRecord(event.twin),
    sourcePartition: partition,
    sourceOffset: event.sourceOffset,
  };
}
