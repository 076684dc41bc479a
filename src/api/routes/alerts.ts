// Alerts: the read model the projector keeps (one open alert per machine and anomaly type), and the operator
// actions on it. Actions go through takeAlertAction, which locks the alert row: of two operators acting on one
// alert at once, the second sees the first one's result and gets a 409 naming the status it found.
import { alertDescription, type Alert, type AlertActionInput } from '../../../processors/alerts/index.js';
import { alertFromRecord, findAlert, listAlertActions, listAlerts } from '../../db/repositories/alerts.js';
import { takeAlertAction } from '../../alerts/alert-actions.js';
import type { ApiContext, ApiRoutes } from '../context.js';
import { ApiError, badRequest, notFound } from '../http-errors.js';
import { decodeTimeCursor, encodeTimeCursor, iso, isoOrNull, pageOf, parseTime } from '../paging.js';
import {
  pagedResponse,
  alertId,
  alertStatus,
  errorResponses,
  identifier,
  isoTime,
  note,
  nullableIsoTime,
  nullableString,
  pageQuery,
  person,
  severity,
  type PageQuery,
} from '../schemas.js';

const alertSummarySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['alert_id', 'machine_id', 'alert_type', 'severity', 'status', 'opened_at', 'updated_at'],
  properties: {
    alert_id: { type: 'string' },
    machine_id: { type: 'string' },
    alert_type: { type: 'string', description: 'the anomaly type (TEMPERATURE_HIGH, STALE_DATA, ...)' },
    severity: { ...severity, description: 'the highest severity seen while open' },
    status: alertStatus,
    description: { type: 'string' },
    assigned_to: nullableString,
    opened_at: { ...isoTime, description: 'event time of the anomaly that opened it (alerts.timestamp)' },
    last_seen: { ...isoTime, description: 'event time of the latest opening or escalation' },
    updated_at: { ...isoTime, description: 'time of the latest transition' },
    resolution_time: nullableIsoTime,
    repeat_count: { type: 'integer' },
    cleared: { type: 'boolean', description: 'the condition has cleared; the alert awaits an operator' },
    cleared_at: nullableIsoTime,
    flapping: { type: 'boolean' },
    shelved_until: nullableIsoTime,
    shelved_from: { type: ['string', 'null'], description: 'the status a shelve returns to' },
    rule_id: { type: 'string' },
    config_version: { type: 'integer' },
  },
} as const;

const transitionSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['action', 'by', 'at', 'from', 'to'],
  properties: {
    action: { type: 'string' },
    by: { type: 'string' },
    at: isoTime,
    from: { type: ['string', 'null'] },
    to: { type: 'string' },
    note: nullableString,
  },
} as const;

const actionSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'action', 'by', 'at'],
  properties: {
    id: { type: 'integer' },
    action: { type: 'string', enum: ['acknowledge', 'assign', 'resolve', 'shelve', 'unshelve'] },
    by: { type: 'string' },
    note: nullableString,
    assignee: nullableString,
    until: nullableIsoTime,
    at: isoTime,
  },
} as const;

const alertDetailSchema = {
  ...alertSummarySchema,
  required: [...alertSummarySchema.required, 'transitions', 'actions'],
  properties: {
    ...alertSummarySchema.properties,
    transitions: {
      type: 'array',
      items: transitionSchema,
      description: `the latest transitions, oldest first`,
    },
    transitions_dropped: { type: 'integer', description: 'older transitions no longer kept' },
    actions: { type: 'array', items: actionSchema, description: 'operator actions, oldest first' },
  },
} as const;

const alertParams = {
  type: 'object',
  required: ['alert_id'],
  additionalProperties: false,
  properties: { alert_id: alertId },
} as const;

interface AlertParams {
  alert_id: string;
}

function alertSummary(alert: Alert) {
  return {
    alert_id: alert.alertId,
    machine_id: alert.machineId,
    alert_type: alert.alertType,
    severity: alert.severity,
    status: alert.status,
    description: alertDescription(alert),
    assigned_to: alert.assignedTo,
    opened_at: iso(alert.openedAt),
    last_seen: iso(alert.lastSeen),
    updated_at: iso(alert.transitions.at(-1)?.at ?? alert.lastSeen),
    resolution_time: isoOrNull(alert.resolutionTime),
    repeat_count: alert.repeatCount,
    cleared: alert.cleared,
    cleared_at: isoOrNull(alert.clearedAt),
    flapping: alert.flapping,
    shelved_until: isoOrNull(alert.shelvedUntil),
    shelved_from: alert.shelvedFrom,
    rule_id: alert.ruleId,
    config_version: alert.configVersion,
  };
}

async function alertDetail({ analyticsPool }: ApiContext, alert: Alert) {
  const actions = await listAlertActions(analyticsPool, alert.alertId);
  return {
    ...alertSummary(alert),
    transitions: alert.transitions.map((transition) => ({
      action: transition.action,
      by: transition.by,
      at: iso(transition.at),
      from: transition.from,
      to: transition.to,
      note: transition.note,
    })),
    transitions_dropped: alert.transitionsDropped,
    actions: actions.map((action) => ({
      id: action.id,
      action: action.action,
      by: action.actor,
      note: action.note,
      assignee: typeof action.params.assignee === 'string' ? action.params.assignee : null,
      until: typeof action.params.until === 'number' ? iso(action.params.until) : null,
      at: iso(action.at),
    })),
  };
}

interface ActionBody {
  by: string;
  note?: string;
  assignee?: string;
  until?: string;
}

const ACTIONS: Record<'acknowledge' | 'assign' | 'resolve' | 'shelve', { summary: string; body: object }> = {
  acknowledge: {
    summary: 'Acknowledge a NEW alert',
    body: {
      type: 'object',
      additionalProperties: false,
      required: ['by'],
      properties: { by: person, note },
    },
  },
  assign: {
    summary: 'Assign an unresolved alert to someone (its status is kept)',
    body: {
      type: 'object',
      additionalProperties: false,
      required: ['by', 'assignee'],
      properties: { by: person, assignee: person },
    },
  },
  resolve: {
    summary: 'Resolve a NEW, ACKNOWLEDGED or SHELVED alert',
    body: {
      type: 'object',
      additionalProperties: false,
      required: ['by'],
      properties: { by: person, note },
    },
  },
  shelve: {
    summary: 'Shelve a NEW or ACKNOWLEDGED alert until a time; it then returns to its previous status',
    body: {
      type: 'object',
      additionalProperties: false,
      required: ['by', 'until'],
      properties: {
        by: person,
        until: { ...isoTime, description: 'ISO-8601 with a zone, in the future' },
        note,
      },
    },
  },
};

const OUTCOME_STATUS = { not_found: 404, conflict: 409, invalid: 400 } as const;

export const alertRoutes: ApiRoutes = (app, context) => {
  const { analyticsPool, now } = context;

  app.get<{
    Querystring: PageQuery & {
      status?: string;
      severity?: string;
      machine_id?: string;
      assigned_to?: string;
    };
  }>(
    '/alerts',
    {
      schema: {
        tags: ['alerts'],
        summary: 'List alerts, newest first',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            status: alertStatus,
            severity,
            machine_id: identifier,
            assigned_to: person,
            ...pageQuery,
          },
        },
        response: {
          200: pagedResponse(alertSummarySchema),
          ...errorResponses(400),
        },
      },
    },
    async (request) => {
      const { status, severity: level, machine_id: machineId, assigned_to: assignee } = request.query;
      const { limit, cursor } = request.query;
      const after = cursor === undefined ? null : decodeTimeCursor('alerts', cursor);
      const rows = await listAlerts(
        analyticsPool,
        {
          status: status ?? null,
          severity: level ?? null,
          machineId: machineId ?? null,
          assignedTo: assignee ?? null,
        },
        after,
        limit + 1,
      );
      return pageOf(
        rows,
        limit,
        (row) => alertSummary(alertFromRecord(row)),
        (row) => encodeTimeCursor('alerts', { time: row.timestamp_ms, id: row.id }),
      );
    },
  );

  app.get<{ Params: AlertParams }>(
    '/alerts/:alert_id',
    {
      schema: {
        tags: ['alerts'],
        summary: 'An alert with its transitions and the operator actions taken on it',
        params: alertParams,
        response: { 200: alertDetailSchema, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const { alert_id: id } = request.params;
      const alert = await findAlert(analyticsPool, id);
      if (!alert) throw notFound(`no alert ${id}`);
      return alertDetail(context, alert);
    },
  );

  for (const [action, { summary, body }] of Object.entries(ACTIONS) as Array<
    [keyof typeof ACTIONS, (typeof ACTIONS)[keyof typeof ACTIONS]]
  >) {
    app.post<{ Params: AlertParams; Body: ActionBody }>(
      `/alerts/:alert_id/${action}`,
      {
        schema: {
          tags: ['alerts'],
          summary,
          description:
            'Answers with the alert as it is after the action; 409 when its status does not allow it.',
          params: alertParams,
          body,
          response: { 200: alertDetailSchema, ...errorResponses(400, 404, 409) },
        },
      },
      async (request) => {
        const at = now();
        const { by, note: text, assignee, until } = request.body;
        let untilMs: number | undefined;
        if (until !== undefined) {
          untilMs = parseTime(until, "body field 'until'");
          if (untilMs <= at)
            throw badRequest(`body field 'until' (${until}) must be in the future (now is ${iso(at)})`);
        }
        const input: AlertActionInput = {
          action,
          actor: by,
          at,
          note: text ?? null,
          ...(assignee !== undefined && { assignee }),
          ...(untilMs !== undefined && { until: untilMs }),
        };
        const outcome = await takeAlertAction(analyticsPool, request.params.alert_id, input);
        if (!outcome.ok) throw new ApiError(OUTCOME_STATUS[outcome.reason], outcome.message);
        return alertDetail(context, outcome.alert);
      },
    );
  }
};
