// What a message says, per channel: a subject and plain text for every channel (stored in notification_logs),
// and the body the channel sends: generic JSON, a Slack-compatible payload (text + blocks), or an SMS gateway
// request. Pure: the same intent renders the same bytes, so every retry sends exactly what was decided.
import type { NotificationIntent, NotificationKind } from './decide.js';
import type { AlertView } from './alert-view.js';
import { severityRank, type Severity } from '../threshold-detection/severity.js';

/** notification_logs.notification_type (VARCHAR(20)). */
export type NotificationType = 'WEBHOOK' | 'SLACK' | 'EMAIL' | 'SMS';

export interface RenderedNotification {
  readonly notificationType: NotificationType;
  /** notification_logs.recipient (VARCHAR(100)): the address or number; a webhook's contact name. */
  readonly recipient: string;
  /** ≤ 255 characters. */
  readonly subject: string;
  readonly text: string;
  /** HTTP channels: the JSON body. EMAIL: { subject, text }. */
  readonly payload: Readonly<Record<string, unknown>>;
}

/** Alerts listed in one message; the rest are counted. */
export const MAX_LISTED_ALERTS = 20;
/** One SMS segment. */
export const SMS_MAX_CHARS = 160;

const HEADLINE: Record<NotificationKind, string> = {
  OPEN: 'New',
  REMINDER: 'Still open',
  ESCALATION: 'Escalated',
  RESOLVED: 'Resolved',
};

export function renderNotification(intent: NotificationIntent): RenderedNotification {
  const subject = truncate(subjectOf(intent), 255);
  const lines = intent.alerts.slice(0, MAX_LISTED_ALERTS).map(alertLine);
  const more = intent.alerts.length - lines.length;
  const text = [
    introOf(intent),
    '',
    ...lines.map((line) => `- ${line}`),
    ...(more > 0 ? [`- … and ${more} more`] : []),
    '',
    `route ${intent.routeId}, notification ${intent.key}`,
  ].join('\n');
  const contact = intent.contact;
  switch (contact.channel) {
    case 'WEBHOOK':
      return {
        notificationType: contact.format === 'slack' ? 'SLACK' : 'WEBHOOK',
        recipient: truncate(contact.name, 100),
        subject,
        text,
        payload:
          contact.format === 'slack'
            ? slackPayload(intent, subject, lines, more)
            : genericPayload(intent, subject, text),
      };
    case 'EMAIL':
      return { notificationType: 'EMAIL', recipient: contact.to, subject, text, payload: { subject, text } };
    case 'SMS': {
      const short = truncate(smsText(intent), SMS_MAX_CHARS);
      return {
        notificationType: 'SMS',
        recipient: contact.to,
        subject,
        text: short,
        payload: { to: contact.to, text: short, reference: intent.key },
      };
    }
  }
}

function highest(alerts: readonly AlertView[]): Severity {
  return alerts.reduce<Severity>(
    (max, a) => (severityRank(a.severity) > severityRank(max) ? a.severity : max),
    'LOW',
  );
}

function subjectOf(intent: NotificationIntent): string {
  const [first] = intent.alerts;
  const head = `[${highest(intent.alerts)}] ${HEADLINE[intent.kind]}:`;
  if (intent.alerts.length === 1 && first) return `${head} ${first.alertType} on ${first.machineId}`;
  const types = [...new Set(intent.alerts.map((a) => a.alertType))];
  const machines = [...new Set(intent.alerts.map((a) => a.machineId))];
  return `${head} ${intent.alerts.length} alerts (${types.slice(0, 3).join(', ')}${types.length > 3 ? ', …' : ''}) on ${machines.length} machine${machines.length === 1 ? '' : 's'}`;
}

function introOf(intent: NotificationIntent): string {
  const n = intent.alerts.length;
  const alerts = `${n} alert${n === 1 ? '' : 's'}`;
  switch (intent.kind) {
    case 'OPEN':
      return `${alerts} opened.`;
    case 'REMINDER':
      return `${alerts} still open.`;
    case 'ESCALATION':
      return `${alerts} not acknowledged after ${formatDuration(intent.unacknowledgedMs ?? 0)}: escalated to ${intent.contact.name}.`;
    case 'RESOLVED':
      return `${alerts} resolved.`;
  }
}

function alertLine(alert: AlertView): string {
  const type = alert.machineType === null ? '' : ` (${alert.machineType})`;
  const flags = [
    alert.flapping ? 'flapping' : '',
    alert.repeatCount > 0 ? `repeated ${alert.repeatCount}×` : '',
    alert.assignedTo !== null ? `assigned to ${alert.assignedTo}` : '',
  ].filter((flag) => flag !== '');
  return (
    `${alert.severity} ${alert.alertType} on ${alert.machineId}${type}, ${alert.status} since ` +
    `${new Date(alert.episodeStart).toISOString()}${flags.length > 0 ? ` [${flags.join(', ')}]` : ''} — alert ${alert.alertId}`
  );
}

function smsText(intent: NotificationIntent): string {
  const [first] = intent.alerts;
  const what =
    intent.alerts.length === 1 && first
      ? `${first.severity} ${first.alertType} on ${first.machineId}`
      : `${intent.alerts.length} alerts, highest ${highest(intent.alerts)}: ${[...new Set(intent.alerts.map((a) => a.machineId))].join(',')}`;
  return `Twinstream ${HEADLINE[intent.kind]}: ${what}`;
}

function genericPayload(intent: NotificationIntent, subject: string, text: string): Record<string, unknown> {
  return {
    version: 1,
    notificationKey: intent.key,
    kind: intent.kind,
    route: intent.routeId,
    contact: intent.contact.name,
    subject,
    text,
    alerts: intent.alerts.map((a) => ({
      alertId: a.alertId,
      machineId: a.machineId,
      machineType: a.machineType,
      alertType: a.alertType,
      severity: a.severity,
      status: a.status,
      openedAt: new Date(a.openedAt).toISOString(),
      episodeStart: new Date(a.episodeStart).toISOString(),
      repeatCount: a.repeatCount,
      flapping: a.flapping,
      assignedTo: a.assignedTo,
    })),
  };
}

/** Slack's incoming-webhook shape: `text` is the notification fallback, `blocks` what the channel shows. */
function slackPayload(
  intent: NotificationIntent,
  subject: string,
  lines: readonly string[],
  more: number,
): Record<string, unknown> {
  const body = [...lines.map((line) => `• ${line}`), ...(more > 0 ? [`• … and ${more} more`] : [])].join(
    '\n',
  );
  return {
    text: subject,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: truncate(subject, 150) } },
      { type: 'section', text: { type: 'mrkdwn', text: truncate(`${introOf(intent)}\n${body}`, 3000) } },
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: `route \`${intent.routeId}\` · notification \`${intent.key}\`` }],
      },
    ],
  };
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function formatDuration(ms: number): string {
  if (ms < 1_000) return `${ms} ms`;
  if (ms < 120_000) return `${Math.round(ms / 1_000)} s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 3_600_000)} h`;
}
