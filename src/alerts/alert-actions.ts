// Operator actions on alerts (and shelve expiries), applied straight to the alerts read model and recorded in
// alert_actions with the machine's event position, so a rebuild from twin.events replays each one at the
// point it was taken. Row locks make concurrent actions on one alert take turns: the first wins, the second
// sees the new status and gets a conflict.
import type pg from 'pg';
import { applyAlertAction, type Alert, type AlertActionInput } from '../../processors/alerts/index.js';
import {
  findAlert,
  insertAlertAction,
  loadMachinePositions,
  lockExpiredShelves,
  saveAlerts,
  saveMachinePositions,
} from '../db/repositories/alerts.js';
import { inTransaction } from '../db/transaction.js';

export type AlertActionOutcome =
  | { readonly ok: true; readonly alert: Alert; readonly actionId: number }
  | { readonly ok: false; readonly reason: 'not_found' | 'conflict' | 'invalid'; readonly message: string };

/** Applies one action in its own transaction. */
export function takeAlertAction(
  pool: pg.Pool,
  alertId: string,
  input: AlertActionInput,
): Promise<AlertActionOutcome> {
  return inTransaction(pool, (client) => takeAlertActionIn(client, alertId, input));
}

export async function takeAlertActionIn(
  client: pg.PoolClient,
  alertId: string,
  input: AlertActionInput,
): Promise<AlertActionOutcome> {
  const current = await findAlert(client, alertId, { lock: true });
  if (!current) return { ok: false, reason: 'not_found', message: `no alert ${alertId}` };
  const result = applyAlertAction(current, input);
  if (!result.ok) {
    return {
      ok: false,
      reason: result.code === 'INVALID_TRANSITION' ? 'conflict' : 'invalid',
      message: result.message,
    };
  }
  const positions = await loadMachinePositions(client, [current.machineId], { lock: true });
  const position = positions.get(current.machineId) ?? { event: null, actionId: 0 };
  const actionId = await insertAlertAction(client, {
    alertId,
    machineId: current.machineId,
    action: input.action,
    actor: input.actor,
    note: input.note,
    params: {
      ...(input.assignee !== undefined && { assignee: input.assignee }),
      ...(input.until !== undefined && { until: input.until }),
    },
    at: input.at,
    after: position.event,
  });
  await saveAlerts(client, [result.alert]);
  await saveMachinePositions(client, new Map([[current.machineId, { ...position, actionId }]]));
  return { ok: true, alert: result.alert, actionId };
}

/**
 * Returns shelved alerts whose time is up, each as an 'unshelve' action at its shelve's end (so the
 * transition time does not depend on when this runs). Machines with actions a rebuild has not replayed
 * yet are left alone: their expiry is among those actions. Returns how many were unshelved.
 */
export async function unshelveExpired(pool: pg.Pool, now: number, limit = 500): Promise<number> {
  return inTransaction(pool, async (client) => {
    const due = await lockExpiredShelves(client, now, limit);
    let unshelved = 0;
    for (const { alertId, until } of due) {
      const outcome = await takeAlertActionIn(client, alertId, {
        action: 'unshelve',
        actor: 'system',
        at: until,
        note: null,
      });
      if (outcome.ok) unshelved += 1;
    }
    return unshelved;
  });
}
