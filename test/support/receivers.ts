// Test-only: real receivers for the notifier's integration tests, a node:http server and an SMTP server
// (smtp-server), each on a port from freePort(). They record every request and answer as the test says,
// and keep idempotency keys the way a careful receiver does: a repeated key is answered but not processed
// again, so tests can tell "sent twice" (hits) from "processed twice" (processed).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { SMTPServer } from 'smtp-server';
import { freePort } from './ports.js';

export interface ReceivedRequest {
  readonly path: string;
  readonly idempotencyKey: string | undefined;
  readonly body: Record<string, unknown>;
}

/** Answer with a status; a promise holds the answer until it resolves. */
export type Responder = (request: ReceivedRequest, hitsForKey: number) => number | Promise<number>;

export interface HttpReceiver {
  readonly hits: ReceivedRequest[];
  /** Keys processed (first successful answer per key), in order. */
  readonly processed: string[];
  url(path: string): string;
  /** Resolves with the first request on `path` matching `predicate` (already received or to come). */
  next(path: string, predicate?: (request: ReceivedRequest) => boolean): Promise<ReceivedRequest>;
  close(): Promise<void>;
}

export async function startHttpReceiver(responder: Responder = () => 200): Promise<HttpReceiver> {
  const port = await freePort();
  const hits: ReceivedRequest[] = [];
  const processed: string[] = [];
  const waiters: {
    path: string;
    predicate: (r: ReceivedRequest) => boolean;
    resolve: (r: ReceivedRequest) => void;
  }[] = [];
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const header = request.headers['idempotency-key'];
    const received: ReceivedRequest = {
      path: new URL(request.url ?? '/', 'http://x').pathname,
      idempotencyKey: Array.isArray(header) ? header[0] : header,
      body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>,
    };
    hits.push(received);
    for (const waiter of waiters.filter((w) => w.path === received.path && w.predicate(received))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(received);
    }
    const sameKey = hits.filter((h) => h.idempotencyKey === received.idempotencyKey).length;
    const status = await responder(received, sameKey);
    const key = received.idempotencyKey ?? '';
    const duplicate = processed.includes(key);
    if (status < 300 && !duplicate) processed.push(key);
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify(status < 300 ? { ok: true, duplicate } : { ok: false, error: `test answer ${status}` }),
    );
  };
  const server = createServer((request, response) => {
    handle(request, response).catch(() => response.destroy());
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    hits,
    processed,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    next(path, predicate = () => true) {
      const seen = hits.find((h) => h.path === path && predicate(h));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.push({ path, predicate, resolve }));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface ReceivedMail {
  readonly to: string[];
  readonly messageId: string | undefined;
  readonly idempotencyKey: string | undefined;
  readonly subject: string | undefined;
  readonly raw: string;
}

export interface SmtpReceiver {
  readonly mails: ReceivedMail[];
  readonly url: string;
  close(): Promise<void>;
}

/** An SMTP server without TLS or auth. `reject(n)` returns a reply code to refuse the n-th message with. */
export async function startSmtpReceiver(
  reject: (messageNumber: number) => number | undefined = () => undefined,
): Promise<SmtpReceiver> {
  const port = await freePort();
  const mails: ReceivedMail[] = [];
  let count = 0;
  const header = (raw: string, name: string) => new RegExp(`^${name}:\\s*(.+)$`, 'im').exec(raw)?.[1]?.trim();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        count += 1;
        const code = reject(count);
        if (code !== undefined) {
          callback(Object.assign(new Error('test refusal'), { responseCode: code }));
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        mails.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          messageId: header(raw, 'Message-ID'),
          idempotencyKey: header(raw, 'Idempotency-Key'),
          subject: header(raw, 'Subject'),
          raw,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    mails,
    url: `smtp://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
