// Runs the façade on a loopback port over the fakes and sends raw HTTP to it: raw, because
// what is under test includes requests fetch() would not send (no Content-Type with a body,
// `//api/...` paths, an empty JSON-typed body).
import { request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import type { FacadeConfig, FacadeDeps } from '../../../../src/facade/deps.ts';
import { createFacadeServer, DEFAULT_HTTP_LIMITS, type HttpLimits } from '../../../../src/facade/http-server.ts';
import { createFacade } from '../../../../src/facade/server.ts';
import { FakeAuthenticator, FakeCache, FakeCluster, memoryLogger } from './fakes.ts';

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  // biome-ignore lint/suspicious/noExplicitAny: tests read replies as loose JSON and assert on them
  json: any;
}

export interface SendOptions {
  /** Sent as is: a string, or JSON-encoded otherwise. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Default: Basic with alice's token. Pass null for none. */
  auth?: string | null;
  /** Send the body chunked, without Content-Length. */
  chunked?: boolean;
}

export interface Harness {
  cluster: FakeCluster;
  cache: FakeCache;
  auth: FakeAuthenticator;
  logs: Record<string, unknown>[];
  metrics: { route: string; status: number; seconds: number }[];
  /** The fake clock the façade reads; advance it with `clock.ms += ...`. */
  clock: { ms: number };
  /** The loopback port the façade listens on (for a client of one's own: a stream, say). */
  port: number;
  send(method: string, path: string, options?: SendOptions): Promise<Reply>;
  /**
   * Writes `bytes` on a new connection as they are, and reads until the server closes it (or
   * `waitMs` passes): for what an HTTP client library would not send.
   */
  raw(bytes: string, waitMs?: number): Promise<RawReply>;
  close(): Promise<void>;
}

export interface RawReply {
  /** 0 when nothing came back. */
  status: number;
  head: string;
  body: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read replies as loose JSON and assert on them
  json: any;
}

export function basic(token: string, user = 'someone'): string {
  return `Basic ${Buffer.from(`${user}:${token}`).toString('base64')}`;
}

export async function startHarness(
  config: Partial<FacadeConfig> = {},
  extra: Partial<FacadeDeps> = {},
  httpLimits: Partial<HttpLimits> = {},
): Promise<Harness> {
  const cluster = new FakeCluster();
  const cache = new FakeCache(cluster);
  const auth = new FakeAuthenticator().grantAll('alice', 'default').grantAll('alice', 'team-a');
  const { logger, lines } = memoryLogger();
  const metrics: Harness['metrics'] = [];
  const clock = { ms: Date.parse('2024-03-01T12:00:00Z') };
  let actionCounter = 0;
  const app = createFacade({
    reader: cache,
    writer: cluster,
    authenticator: auth,
    logger,
    config,
    now: () => new Date(clock.ms),
    newUuid: () => `00000000-0000-4000-8000-${String(++actionCounter).padStart(12, '0')}`,
    onRequest: (route, status, seconds) => metrics.push({ route, status, seconds }),
    ...extra,
  });
  // The server main runs the façade on: its limits, and its JSON answers for what Node refuses.
  const server: Server = createFacadeServer(app, { ...DEFAULT_HTTP_LIMITS, ...httpLimits });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const send = (method: string, path: string, options: SendOptions = {}): Promise<Reply> =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string> = { ...options.headers };
      const auth = options.auth === undefined ? basic('alice-token') : options.auth;
      if (auth !== null) headers['authorization'] = auth;
      const body =
        options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      if (body !== undefined && !options.chunked) headers['content-length'] = String(Buffer.byteLength(body));
      const req = httpRequest({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      });
      req.on('error', reject);
      if (body !== undefined) req.write(body);
      req.end();
    });

  const raw = (bytes: string, waitMs = 2000): Promise<RawReply> =>
    new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
      const chunks: Buffer[] = [];
      const timer = setTimeout(() => socket.destroy(), waitMs);
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.on('error', (err: NodeJS.ErrnoException) => {
        // The server may close while the rest of a large request is still being written.
        if (err.code !== 'ECONNRESET' && err.code !== 'EPIPE') reject(err);
      });
      socket.on('close', () => {
        clearTimeout(timer);
        const text = Buffer.concat(chunks).toString('utf8');
        const split = text.indexOf('\r\n\r\n');
        const head = split < 0 ? text : text.slice(0, split);
        const body = split < 0 ? '' : text.slice(split + 4);
        let json: unknown;
        try {
          json = JSON.parse(body);
        } catch {
          json = undefined;
        }
        resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), head, body, json });
      });
    });

  return {
    cluster,
    cache,
    auth,
    logs: lines,
    metrics,
    clock,
    port,
    send,
    raw,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Creates a stack through the API (API-field services) and returns its JSON. */
export async function createStack(h: Harness, name: string, services: unknown[] = [{ name: 'web', image: 'nginx' }], ns = '') {
  const reply = await h.send('POST', `/api/app/v1/${ns ? `${ns}/` : ''}stack/`, { body: { name, services } });
  if (reply.status !== 201) throw new Error(`create ${name}: ${reply.status} ${reply.text}`);
  return reply.json as { uuid: string; resource_uri: string; name: string; services: string[]; state: string };
}
