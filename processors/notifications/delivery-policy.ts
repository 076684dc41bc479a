// What to do after an attempt: the backoff before the next one, and which provider answers are worth a retry.
import type { DeliveryPolicy } from './routes.js';

/** Wait after failed attempt `attempt` (1-based): initial × 2^(attempt−1), capped. */
export function backoffMs(policy: DeliveryPolicy, attempt: number): number {
  const exponent = Math.max(0, attempt - 1);
  return Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** Math.min(exponent, 30));
}

/** An HTTP answer: 2xx delivered; 408, 425, 429 and 5xx may pass later; other 4xx never will. */
export function httpOutcome(status: number): 'ok' | 'retry' | 'permanent' {
  if (status >= 200 && status < 300) return 'ok';
  if (status === 408 || status === 425 || status === 429 || status >= 500) return 'retry';
  return 'permanent';
}

/** An SMTP reply code: 2xx accepted; 4xx transient; 5xx permanent. */
export function smtpOutcome(code: number | undefined): 'retry' | 'permanent' {
  return code !== undefined && code >= 500 && code < 600 ? 'permanent' : 'retry';
}

export type AttemptResult = 'DELIVERED' | 'SENT' | 'FAILED';

/** After an attempt: done (its status), or again at `retryAt`, or given up. */
export function afterAttempt(
  policy: DeliveryPolicy,
  attempt: number,
  result: { status: AttemptResult; canRetry: boolean },
  now: number,
): { final: true; status: AttemptResult } | { final: false; retryAt: number } {
  if (result.status !== 'FAILED') return { final: true, status: result.status };
  if (!result.canRetry || attempt >= policy.maxAttempts) return { final: true, status: 'FAILED' };
  return { final: false, retryAt: now + backoffMs(policy, attempt) };
}
