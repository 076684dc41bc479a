// Notification routes: which alerts go where. A route matches alerts by severity, machine type and alert
// type, and names an escalation chain of contacts (the first is told at open, the next after escalateAfterMs
// without an acknowledgement, and so on). Validated once at start; every problem is one line naming the path,
// e.g. `routes[1].contacts[0].url: expected an http(s) URL`.
import { z } from 'zod';
import { errorWithCode } from '../errors.js';
import { SEVERITIES, type Severity } from '../threshold-detection/severity.js';

/** A routes document that can't be used; `message` is one line naming the path and the problem. */
export class RoutesError extends errorWithCode('RoutesError', 'ROUTES_INVALID') {}

export type ContactChannel = 'WEBHOOK' | 'EMAIL' | 'SMS';
export type WebhookFormat = 'generic' | 'slack';

export type Contact =
  | {
      readonly name: string;
      readonly channel: 'WEBHOOK';
      readonly url: string;
      readonly format: WebhookFormat;
    }
  | { readonly name: string; readonly channel: 'EMAIL'; readonly to: string }
  | { readonly name: string; readonly channel: 'SMS'; readonly url: string; readonly to: string };

export interface RouteMatch {
  /** Alerts of this severity or above; with `severities`, both must hold. */
  readonly minSeverity?: Severity;
  readonly severities?: readonly Severity[];
  readonly machineTypes?: readonly string[];
  readonly alertTypes?: readonly string[];
}

export interface Route {
  readonly id: string;
  readonly match: RouteMatch;
  /** The escalation chain: contacts[0] at open, contacts[i] after i × escalateAfterMs unacknowledged. */
  readonly contacts: readonly Contact[];
  /** How long the first matching alert waits for others to go out in the same message. */
  readonly groupWaitMs: number;
  /** Reminder cadence for alerts left open (null: no reminders). */
  readonly repeatIntervalMs: number | null;
  /** Unacknowledged this long after the last step → the next contact (null: never escalate). */
  readonly escalateAfterMs: number | null;
  readonly notifyResolved: boolean;
}

export interface DeliveryPolicy {
  /** Attempts per message, the first included. */
  readonly maxAttempts: number;
  /** Wait before the second attempt; doubles after each failure up to maxBackoffMs. */
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  /** One attempt's time limit (HTTP request, SMTP session). */
  readonly timeoutMs: number;
}

export interface NotificationRoutes {
  readonly routes: readonly Route[];
  readonly email: { readonly smtpUrl: string; readonly from: string } | null;
  readonly delivery: DeliveryPolicy;
}

export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = {
  maxAttempts: 5,
  initialBackoffMs: 1_000,
  maxBackoffMs: 60_000,
  timeoutMs: 10_000,
};

const durationMs = z.number().int().min(0).max(2_147_483_647);
const positiveMs = z.number().int().min(1).max(2_147_483_647);
const name = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:#@+-]{0,49}$/, 'expected 1-50 letters, digits or _.:#@+- characters');
const httpUrl = z.string().refine(
  (value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'http:' || url.protocol === 'https:';
    } catch {
      return false;
    }
  },
  { message: 'expected an http(s) URL' },
);
const emailAddress = z
  .string()
  .regex(/^[^\s@<>]+@[^\s@<>]+$/, 'expected an email address')
  .max(100);
const phoneNumber = z.string().regex(/^\+?[0-9 ()-]{3,30}$/, 'expected a phone number like +4915112345678');

const contact = z.discriminatedUnion('channel', [
  z.strictObject({
    name,
    channel: z.literal('WEBHOOK'),
    url: httpUrl,
    format: z.enum(['generic', 'slack']).default('generic'),
  }),
  z.strictObject({ name, channel: z.literal('EMAIL'), to: emailAddress }),
  z.strictObject({ name, channel: z.literal('SMS'), url: httpUrl, to: phoneNumber }),
]);

const nonEmptyNames = z.array(z.string().min(1).max(50)).min(1);

const route = z.strictObject({
  id: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,49}$/, 'expected 1-50 letters, digits or _.- characters'),
  match: z
    .strictObject({
      minSeverity: z.enum(SEVERITIES).optional(),
      severities: z.array(z.enum(SEVERITIES)).min(1).optional(),
      machineTypes: nonEmptyNames.optional(),
      alertTypes: nonEmptyNames.optional(),
    })
    .default({}),
  contacts: z.array(contact).min(1, 'needs at least one contact'),
  groupWaitMs: durationMs.default(30_000),
  repeatIntervalMs: positiveMs.nullable().default(4 * 3_600_000),
  escalateAfterMs: positiveMs.nullable().default(15 * 60_000),
  notifyResolved: z.boolean().default(true),
});

const document = z
  .strictObject({
    routes: z.array(route).min(1, 'needs at least one route'),
    email: z
      .strictObject({
        smtpUrl: z.string().refine(
          (value) => {
            try {
              return ['smtp:', 'smtps:'].includes(new URL(value).protocol);
            } catch {
              return false;
            }
          },
          { message: 'expected smtp://[user:pass@]host[:port] or smtps://…' },
        ),
        from: z.string().min(3).max(200),
      })
      .optional(),
    delivery: z
      .strictObject({
        maxAttempts: z.number().int().min(1).max(50).default(DEFAULT_DELIVERY_POLICY.maxAttempts),
        initialBackoffMs: positiveMs.default(DEFAULT_DELIVERY_POLICY.initialBackoffMs),
        maxBackoffMs: positiveMs.default(DEFAULT_DELIVERY_POLICY.maxBackoffMs),
        timeoutMs: positiveMs.default(DEFAULT_DELIVERY_POLICY.timeoutMs),
      })
      .default(DEFAULT_DELIVERY_POLICY),
  })
  .superRefine((doc, ctx) => {
    const seen = new Set<string>();
    doc.routes.forEach((r, index) => {
      if (seen.has(r.id))
        ctx.addIssue({
          code: 'custom',
          path: ['routes', index, 'id'],
          message: `duplicate route id ${r.id}`,
        });
      seen.add(r.id);
      r.contacts.forEach((c, contactIndex) => {
        if (c.channel === 'EMAIL' && doc.email === undefined)
          ctx.addIssue({
            code: 'custom',
            path: ['routes', index, 'contacts', contactIndex],
            message: 'an EMAIL contact needs the top-level "email": { "smtpUrl", "from" }',
          });
      });
    });
    if (doc.delivery.maxBackoffMs < doc.delivery.initialBackoffMs)
      ctx.addIssue({
        code: 'custom',
        path: ['delivery', 'maxBackoffMs'],
        message: 'must be at least initialBackoffMs',
      });
  });

/** Validates a parsed routes document (JSON); throws RoutesError with one line naming the first problem. */
export function parseRoutes(input: unknown): NotificationRoutes {
  const parsed = document.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new RoutesError(`${formatPath(issue.path)}: ${issue.message}`);
  }
  const doc = parsed.data;
  return {
    routes: doc.routes,
    email: doc.email ?? null,
    delivery: doc.delivery,
  };
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(document)';
  return path
    .map((part, index) =>
      typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`,
    )
    .join('');
}
