import { describe, expect, it } from 'vitest';
import example from '../../config/notification-routes.example.json' with { type: 'json' };
import { parseRoutes, RoutesError } from './routes.js';

const minimal = {
  routes: [{ id: 'all', contacts: [{ name: 'ops', channel: 'WEBHOOK', url: 'https://hooks.example/x' }] }],
};

const problemOf = (input: unknown): string => {
  try {
    parseRoutes(input);
  } catch (error) {
    if (error instanceof RoutesError) return error.message;
    throw error;
  }
  return 'accepted';
};

describe('notification routes', () => {
  it('given a minimal route, when parsed, then the defaults are filled in', () => {
    expect(parseRoutes(minimal)).toEqual({
      routes: [
        {
          id: 'all',
          match: {},
          contacts: [{ name: 'ops', channel: 'WEBHOOK', url: 'https://hooks.example/x', format: 'generic' }],
          groupWaitMs: 30_000,
          repeatIntervalMs: 14_400_000,
          escalateAfterMs: 900_000,
          notifyResolved: true,
        },
      ],
      email: null,
      delivery: { maxAttempts: 5, initialBackoffMs: 1_000, maxBackoffMs: 60_000, timeoutMs: 10_000 },
    });
  });

  it('given the committed example file, when parsed, then it is accepted', () => {
    expect(parseRoutes(example).routes.length).toBeGreaterThan(1);
  });

  it('given bad documents, when parsed, then the one-line error names the path and the problem', () => {
    const contact = (c: Record<string, unknown>) => ({ routes: [{ id: 'r', contacts: [c] }] });
    expect(problemOf({})).toBe('routes: Invalid input: expected array, received undefined');
    expect(problemOf(contact({ name: 'x', channel: 'WEBHOOK', url: 'ftp://nope' }))).toBe(
      'routes[0].contacts[0].url: expected an http(s) URL',
    );
    expect(problemOf(contact({ name: 'x', channel: 'EMAIL', to: 'ops@plant.example' }))).toBe(
      'routes[0].contacts[0]: an EMAIL contact needs the top-level "email": { "smtpUrl", "from" }',
    );
    expect(problemOf(contact({ name: 'x', channel: 'PIGEON' }))).toMatch(
      /^routes\[0\]\.contacts\[0\]\.channel: /,
    );
    expect(
      problemOf({ routes: [minimal.routes[0], { ...minimal.routes[0], match: { minSeverity: 'SEVERE' } }] }),
    ).toMatch(/^routes\[1\]\.match\.minSeverity: /);
    expect(problemOf({ routes: [minimal.routes[0], minimal.routes[0]] })).toBe(
      'routes[1].id: duplicate route id all',
    );
    expect(problemOf({ ...minimal, extra: true })).toMatch(/^\(document\): .*extra/);
    expect(problemOf({ ...minimal, email: { smtpUrl: 'http://mail', from: 'a@b' } })).toBe(
      'email.smtpUrl: expected smtp://[user:pass@]host[:port] or smtps://…',
    );
  });
});
