import { describe, expect, it } from 'vitest';
import { afterAttempt, backoffMs, httpOutcome, smtpOutcome } from './delivery-policy.js';

const POLICY = { maxAttempts: 4, initialBackoffMs: 500, maxBackoffMs: 3_000, timeoutMs: 1_000 };

describe('delivery policy', () => {
  it('given failed attempts, when backing off, then the wait doubles up to the cap', () => {
    expect([1, 2, 3, 4, 5, 60].map((attempt) => backoffMs(POLICY, attempt))).toEqual([
      500, 1_000, 2_000, 3_000, 3_000, 3_000,
    ]);
  });

  it('given provider answers, when classified, then only transient ones are retried', () => {
    expect([200, 202, 400, 404, 408, 429, 500, 503].map(httpOutcome)).toEqual([
      'ok',
      'ok',
      'permanent',
      'permanent',
      'retry',
      'retry',
      'retry',
      'retry',
    ]);
    expect([421, 450, 550, 554, undefined].map(smtpOutcome)).toEqual([
      'retry',
      'retry',
      'permanent',
      'permanent',
      'retry',
    ]);
  });

  it('given an attempt outcome, when deciding what follows, then attempts stay bounded', () => {
    const failed = { status: 'FAILED' as const, canRetry: true };
    expect(afterAttempt(POLICY, 1, failed, 10_000)).toEqual({ final: false, retryAt: 10_500 });
    expect(afterAttempt(POLICY, 4, failed, 10_000)).toEqual({ final: true, status: 'FAILED' });
    expect(afterAttempt(POLICY, 1, { status: 'FAILED', canRetry: false }, 0)).toEqual({
      final: true,
      status: 'FAILED',
    });
    expect(afterAttempt(POLICY, 2, { status: 'DELIVERED', canRetry: false }, 0)).toEqual({
      final: true,
      status: 'DELIVERED',
    });
  });
});
