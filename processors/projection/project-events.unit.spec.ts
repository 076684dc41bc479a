import { describe, expect, it } from 'vitest';
import { EMPTY_ALERT_BOOK, alertIdFor, type AlertBook } from '../alerts/index.js';
import type { TwinEvent, TwinUpdatedEvent } from '../partition/index.js';
import { anomalies, foldAll } from '../testing/anomaly-fixtures.js';
import { minutes, seconds, T0 } from '../testing/index.js';
import {
  alertPolicyFor,
  projectEvents,
  type AlertingOptions,
  type MachinePosition,
  type ProjectionInput,
  type RecordedAction,
} from './project-events.js';

const MANUAL: AlertingOptions = { autoResolve: [], flapThreshold: 3, flapWindowMs: minutes(10) };
const HOT = 'TEMPERATURE_HIGH';
const HOT_ALERT = alertIdFor('pump-7', HOT, 1);

function project(input: Partial<ProjectionInput>) {
  return projectEvents({
    book: EMPTY_ALERT_BOOK,
    positions: new Map(),
    actions: [],
    events: [],
    alerting: MANUAL,
    windowMs: minutes(1),
    ...input,
  });
}

const position = (sourceOffset: number, index: number, actionId = 0): MachinePosition => ({
  event: { sourceOffset, index },
  actionId,
});

/** A machine's TWIN_UPDATED (the twin's content does not matter to the projection). */
function twinUpdated(machineId: string, sourceOffset: number, index: number): TwinUpdatedEvent {
  return {
    type: 'TWIN_UPDATED',
    sourceOffset,
    index,
    machineId,
    machineType: 'pump',
    eventTime: T0 + seconds(sourceOffset),
    twin: {
      machineType: 'pump',
      status: 'RUNNING',
      statusSince: T0,
      firstSeen: T0,
      lastSeen: T0 + seconds(sourceOffset),
      lastEventTime: T0 + seconds(sourceOffset),
      latest: { temperature: 55 + sourceOffset, vibration: 3, load: 60 },
      counters: { applied: sourceOffset + 1, outOfOrder: 0, duplicates: 0, late: 0 },
      stats: {},
    },
  };
}

let nextActionId = 1;
/** An operator action on pump-7's first overheating alert, taken after the event at `after`. */
function action(
  kind: RecordedAction['action'],
  after: RecordedAction['after'],
  overrides: Partial<RecordedAction> = {},
): RecordedAction {
  return {
    id: nextActionId++,
    alertId: HOT_ALERT,
    machineId: 'pump-7',
    action: kind,
    actor: 'ana',
    note: null,
    params: {},
    at: T0 + minutes(5),
    after,
    ...overrides,
  };
}

const placed = (events: readonly TwinEvent[]) => events.map((e) => [e.sourceOffset, e.index]);

describe('projecting a batch of twin events', () => {
  it('given pump-7 has applied up to (5, 1), when events at and before it are delivered again, then they are skipped and only later ones applied', () => {
    // given
    const pump = anomalies('pump-7', 4);
    const redelivered = [pump.opened(HOT, 'HIGH', T0), pump.escalated(HOT, 'HIGH', 'CRITICAL', T0 + 1)];
    const { book } = foldAll(alertPolicyFor(MANUAL, HOT), redelivered);
    const sameOffset = { ...redelivered[1]!, index: 1 };
    const later = [{ ...sameOffset, index: 2 }, pump.cleared(HOT, 'CRITICAL', T0 + seconds(6))];

    // when: offsets 4/0, 5/0 and 5/1 again, then 5/2 and 6/0
    const outcome = project({
      book,
      positions: new Map([['pump-7', position(5, 1)]]),
      events: [...redelivered, sameOffset, ...later],
    });

    // then
    expect(outcome.events).toEqual(
      expect.arrayContaining([
        { type: 'ANOMALY_OPENED', outcome: 'replayed', count: 1 },
        { type: 'ANOMALY_ESCALATED', outcome: 'replayed', count: 2 },
        { type: 'ANOMALY_ESCALATED', outcome: 'applied', count: 1 },
        { type: 'ANOMALY_CLEARED', outcome: 'applied', count: 1 },
      ]),
    );
    expect(outcome.events).toHaveLength(4);
    expect(outcome.positions.get('pump-7')).toEqual(position(6, 0));
    // the open and escalation were in the loaded book already; (5, 2) finds it CRITICAL, so only the clear is new
    expect(outcome.changedAlerts.map((a) => a.transitions.map((t) => t.action))).toEqual([
      ['open', 'escalate', 'clear'],
    ]);
    expect(outcome.changedAlerts[0]!.repeatCount).toBe(0); // the redelivered open repeated nothing
    expect(outcome.anomalyCounts).toEqual([]);
  });

  it('given a batch that delivers an event again after later ones, when projected, then the batch is not re-sorted: the late copy is skipped', () => {
    // given
    const pump = anomalies('pump-7');
    const opened = pump.opened(HOT, 'HIGH', T0);
    const escalated = pump.escalated(HOT, 'HIGH', 'CRITICAL', T0 + seconds(1));

    // when
    const outcome = project({ events: [opened, escalated, opened] });

    // then
    expect(outcome.events).toEqual([
      { type: 'ANOMALY_OPENED', outcome: 'applied', count: 1 },
      { type: 'ANOMALY_ESCALATED', outcome: 'applied', count: 1 },
      { type: 'ANOMALY_OPENED', outcome: 'replayed', count: 1 },
    ]);
    expect(outcome.positions.get('pump-7')).toEqual(position(1, 0));
    expect(outcome.anomalyCounts).toEqual([{ machineId: 'pump-7', windowStart: T0, count: 1 }]);
  });

  it('given events of one offset, when projected, then they apply by index and a higher index at the applied offset is new', () => {
    // given: pump-7 applied (3, 0); the batch holds (3, 0) again, then (3, 1) and (3, 2)
    const base = anomalies('pump-7', 3).opened(HOT, 'HIGH', T0);
    const events = [base, { ...base, index: 1, anomalyType: 'VIBRATION_HIGH' }, twinUpdated('pump-7', 3, 2)];

    // when
    const outcome = project({ positions: new Map([['pump-7', position(3, 0)]]), events });

    // then
    expect(outcome.changedAlerts.map((a) => a.alertType)).toEqual(['VIBRATION_HIGH']);
    expect(placed(outcome.twins)).toEqual([[3, 2]]);
    expect(outcome.positions.get('pump-7')).toEqual(position(3, 2));
  });

  it('given actions recorded between events, when a rebuild replays them, then each lands after the event it followed and before the next', () => {
    // given: acknowledged after the open (0, 0); assigned after the escalation (1, 0); resolved after the clear (2, 0)
    const pump = anomalies('pump-7');
    const events = [
      pump.opened(HOT, 'HIGH', T0),
      pump.escalated(HOT, 'HIGH', 'CRITICAL', T0 + seconds(1)),
      pump.cleared(HOT, 'CRITICAL', T0 + seconds(2)),
    ];
    const acknowledge = action('acknowledge', { sourceOffset: 0, index: 0 }, { at: T0 + 500 });
    const assign = action(
      'assign',
      { sourceOffset: 1, index: 0 },
      { at: T0 + 1_500, params: { assignee: 'bo' } },
    );
    const resolve = action('resolve', { sourceOffset: 2, index: 0 }, { at: T0 + 2_500 });

    // when
    const outcome = project({ events, actions: [acknowledge, assign, resolve] });

    // then
    const [alert] = outcome.changedAlerts;
    expect(outcome.changedAlerts).toHaveLength(1);
    expect(alert!.transitions.map((t) => [t.action, t.by])).toEqual([
      ['open', 'system'],
      ['acknowledge', 'ana'],
      ['escalate', 'system'],
      ['assign', 'ana'],
      ['clear', 'system'],
      ['resolve', 'ana'],
    ]);
    expect(alert).toMatchObject({ status: 'RESOLVED', assignedTo: 'bo' });
    expect(outcome.book.alerts[HOT_ALERT]).toEqual(alert);
    expect(outcome.positions.get('pump-7')).toEqual(position(2, 0, resolve.id));
    expect(outcome.alertChanges).toEqual(
      new Map([
        ['created', 1],
        ['action', 3],
        ['escalated', 1],
        ['cleared', 1],
      ]),
    );
  });

  it('given an action taken after an event the batch does not reach, when projected, then it waits for a later batch', () => {
    // given
    const pump = anomalies('pump-7');
    const events = [pump.opened(HOT, 'HIGH', T0)];
    const tooEarly = action('acknowledge', { sourceOffset: 1, index: 0 });

    // when
    const outcome = project({ events, actions: [tooEarly] });

    // then
    expect(outcome.changedAlerts[0]!.status).toBe('NEW');
    expect(outcome.skippedActions).toEqual([]);
    expect(outcome.positions.get('pump-7')).toEqual(position(0, 0, 0));
  });

  it('given an action taken before pump-7 had any event, when projected, then it is replayed before the first event', () => {
    // given: the alert exists (loaded), pump-7 has applied nothing
    const { book } = foldAll(alertPolicyFor(MANUAL, HOT), [anomalies('pump-7').opened(HOT, 'HIGH', T0)]);
    const fresh: AlertBook = { ...book, applied: {} };
    const acknowledge = action('acknowledge', null);
    const escalated = anomalies('pump-7', 1).escalated(HOT, 'HIGH', 'CRITICAL', T0 + seconds(1));

    // when
    const outcome = project({ book: fresh, events: [escalated], actions: [acknowledge] });

    // then
    expect(outcome.changedAlerts[0]!.transitions.map((t) => t.action)).toEqual([
      'open',
      'acknowledge',
      'escalate',
    ]);
  });

  it('given actions whose alert is missing or that no longer apply, when replayed, then they are skipped, reported, and not tried again', () => {
    // given: an action on an alert the book does not have, and a second resolve
    const pump = anomalies('pump-7');
    const events = [pump.opened(HOT, 'HIGH', T0)];
    const missing = action(
      'acknowledge',
      { sourceOffset: 0, index: 0 },
      { alertId: alertIdFor('pump-7', HOT, 9) },
    );
    const resolve = action('resolve', { sourceOffset: 0, index: 0 });
    const resolveAgain = action('resolve', { sourceOffset: 0, index: 0 });

    // when
    const outcome = project({ events, actions: [missing, resolve, resolveAgain] });

    // then
    expect(outcome.skippedActions).toEqual([
      { action: missing, reason: 'alert_missing' },
      { action: resolveAgain, reason: 'INVALID_TRANSITION' },
    ]);
    expect(outcome.changedAlerts.map((a) => [a.alertId, a.status])).toEqual([[HOT_ALERT, 'RESOLVED']]);
    expect(outcome.alertChanges.get('action')).toBe(1);
    expect(outcome.positions.get('pump-7')).toEqual(position(0, 0, resolveAgain.id));
  });

  it('given anomalies opening across windows and machines, when projected, then each machine counts its opens per window', () => {
    // given: one-minute windows; escalations and clears are not opens
    const pump7 = anomalies('pump-7');
    const pump8 = anomalies('pump-8');
    const events = [
      pump8.opened(HOT, 'HIGH', T0 + seconds(59)),
      pump7.opened(HOT, 'HIGH', T0),
      pump7.escalated(HOT, 'HIGH', 'CRITICAL', T0 + seconds(10)),
      pump7.opened('VIBRATION_HIGH', 'LOW', T0 + seconds(30)),
      pump7.cleared(HOT, 'CRITICAL', T0 + seconds(61)),
      pump7.opened(HOT, 'MEDIUM', T0 + seconds(90)),
    ];

    // when
    const outcome = project({ events, windowMs: minutes(1) });

    // then: machines in id order
    expect(outcome.anomalyCounts).toEqual([
      { machineId: 'pump-7', windowStart: T0, count: 2 },
      { machineId: 'pump-7', windowStart: T0 + minutes(1), count: 1 },
      { machineId: 'pump-8', windowStart: T0, count: 1 },
    ]);
    expect([...outcome.positions.keys()]).toEqual(['pump-7', 'pump-8']);
  });

  it('given several TWIN_UPDATED of a machine in a batch, when projected, then the last one is the twin kept', () => {
    // given
    const events = [
      twinUpdated('pump-7', 3, 1),
      twinUpdated('pump-8', 4, 0),
      { ...anomalies('pump-7', 7).opened(HOT, 'HIGH', T0) },
      twinUpdated('pump-7', 7, 1),
    ];

    // when
    const outcome = project({ events });

    // then
    expect(outcome.twins.map((t) => [t.machineId, t.sourceOffset, t.index])).toEqual([
      ['pump-7', 7, 1],
      ['pump-8', 4, 0],
    ]);
    expect(outcome.twins[0]!.twin.latest.temperature).toBe(62);
    expect(outcome.events).toEqual(
      expect.arrayContaining([{ type: 'TWIN_UPDATED', outcome: 'applied', count: 3 }]),
    );
  });

  it('given a redelivered TWIN_UPDATED, when projected, then it does not replace the twin', () => {
    // when
    const outcome = project({
      positions: new Map([['pump-7', position(7, 1)]]),
      events: [twinUpdated('pump-7', 7, 1)],
    });

    // then
    expect(outcome.twins).toEqual([]);
    expect(outcome.positions.get('pump-7')).toEqual(position(7, 1));
  });

  it('given alert types configured to auto-resolve, when their anomaly clears, then the policy resolves the alert', () => {
    // given
    const pump = anomalies('pump-7');
    const events = [pump.opened(HOT, 'HIGH', T0), pump.cleared(HOT, 'HIGH', T0 + seconds(1))];

    // when
    const outcome = project({ events, alerting: { ...MANUAL, autoResolve: [HOT] } });

    // then
    expect(outcome.changedAlerts[0]).toMatchObject({ status: 'RESOLVED', resolutionTime: T0 + seconds(1) });
    expect(alertPolicyFor({ ...MANUAL, autoResolve: 'all' }, 'ANYTHING').autoResolve).toBe(true);
    expect(alertPolicyFor(MANUAL, HOT).autoResolve).toBe(false);
  });
});
