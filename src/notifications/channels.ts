// The three ways out: WEBHOOK (generic JSON or Slack payload) and SMS (an HTTP gateway) are a JSON POST,
// EMAIL goes through SMTP. Every attempt carries the notification key as its idempotency key: the
// `Idempotency-Key` header over HTTP, a Message-ID derived from it (plus the same header) in email, so a
// receiver that keeps keys can drop the copy a retry after a crash may send. Each answer becomes an outcome
// with the provider's own words (HTTP status and body excerpt, SMTP reply and message id).
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { fnv1a64 } from '../../processors/alerts/index.js';
import {
  httpOutcome,
  smtpOutcome,
  type AttemptResult,
  type Contact,
  type NotificationRoutes,
} from '../../processors/notifications/index.js';
import { oneLine } from '../errors.js';

/** A claimed message, as the outbox holds it. */
export interface OutgoingNotification {
  readonly key: string;
  readonly target: Contact;
  readonly subject: string;
  readonly content: string;
  readonly payload: Readonly<Record<string, unknown>>;
}

export interface AttemptOutcome {
  readonly status: AttemptResult;
  readonly canRetry: boolean;
  /** What the provider answered, for notification_logs.response_details. */
  readonly details: Readonly<Record<string, unknown>>;
  readonly error: string | null;
}

export interface Channels {
  send(notification: OutgoingNotification): Promise<AttemptOutcome>;
  close(): void;
}

const BODY_EXCERPT_CHARS = 500;
const USER_AGENT = 'twinstream-notifier/1';

export function createChannels(routes: NotificationRoutes): Channels {
  const { timeoutMs } = routes.delivery;
  let mailer: Transporter<SMTPTransport.SentMessageInfo> | undefined;
  const email = routes.email;
  const mail = () =>
    (mailer ??= nodemailer.createTransport({
      url: email!.smtpUrl,
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
    }));

  return {
    async send(notification) {
      const target = notification.target;
      switch (target.channel) {
        case 'WEBHOOK':
          return postJson(target.url, notification, timeoutMs, 'DELIVERED');
        case 'SMS':
          // The gateway took it; reaching the handset is its job (no delivery receipts here).
          return postJson(target.url, notification, timeoutMs, 'SENT');
        case 'EMAIL':
          return sendMail(mail(), email!.from, target.to, notification);
      }
    },
    close() {
      mailer?.close();
    },
  };
}

async function postJson(
  url: string,
  notification: OutgoingNotification,
  timeoutMs: number,
  success: AttemptResult,
): Promise<AttemptOutcome> {
  const idempotency = { idempotencyKey: notification.key };
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'idempotency-key': notification.key,
        'user-agent': USER_AGENT,
      },
      body: JSON.stringify(notification.payload),
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = await response.text();
    const details = {
      ...idempotency,
      httpStatus: response.status,
      body: body.slice(0, BODY_EXCERPT_CHARS),
    };
    const outcome = httpOutcome(response.status);
    if (outcome === 'ok') return { status: success, canRetry: false, details, error: null };
    return {
      status: 'FAILED',
      canRetry: outcome === 'retry',
      details,
      error: `HTTP ${response.status}${body === '' ? '' : `: ${oneLine(body).slice(0, 200)}`}`,
    };
  } catch (error) {
    const reason = describeFetchError(error);
    return { status: 'FAILED', canRetry: true, details: { ...idempotency, error: reason }, error: reason };
  }
}

function describeFetchError(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'no answer within the timeout';
  const cause = error instanceof Error ? (error as Error & { cause?: unknown }).cause : undefined;
  return cause === undefined ? oneLine(error) : `${oneLine(error)}: ${oneLine(cause)}`;
}

/** `<hash.readable-key@twinstream.notifier>`: a valid msg-id, the same for every attempt of a message. */
export function messageIdFor(key: string): string {
  const readable = key.replace(/[^A-Za-z0-9-]+/g, '.').replace(/^\.+|\.+$/g, '');
  return `<${fnv1a64(key)}.${readable}@twinstream.notifier>`;
}

async function sendMail(
  transport: Transporter<SMTPTransport.SentMessageInfo>,
  from: string,
  to: string,
  notification: OutgoingNotification,
): Promise<AttemptOutcome> {
  const messageId = messageIdFor(notification.key);
  try {
    const info = await transport.sendMail({
      from,
      to,
      subject: notification.subject,
      text: notification.content,
      messageId,
      headers: { 'Idempotency-Key': notification.key },
    });
    const details = {
      idempotencyKey: notification.key,
      messageId: info.messageId,
      smtpResponse: info.response,
      accepted: info.accepted.map(String),
      rejected: info.rejected.map(String),
    };
    if (info.rejected.length > 0 || info.accepted.length === 0)
      return { status: 'FAILED', canRetry: false, details, error: `recipient refused: ${info.response}` };
    return { status: 'SENT', canRetry: false, details, error: null };
  } catch (error) {
    const smtp = error as { responseCode?: number; response?: string; code?: string; command?: string };
    const reason = oneLine(error);
    return {
      status: 'FAILED',
      canRetry: smtpOutcome(smtp.responseCode) === 'retry',
      details: {
        idempotencyKey: notification.key,
        messageId,
        error: reason,
        ...(smtp.responseCode !== undefined && { smtpCode: smtp.responseCode }),
        ...(smtp.response !== undefined && { smtpResponse: smtp.response }),
        ...(smtp.code !== undefined && { code: smtp.code }),
      },
      error: reason,
    };
  }
}
