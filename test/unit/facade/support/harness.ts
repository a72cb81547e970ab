// Runs the façade on a loopback port over the fakes and sends raw HTTP to it: raw, because
// what is under test includes requests fetch() would not send (no Content-Type with a body,
// `//api/...` paths, an empty JSON-typed body).
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FacadeConfig, FacadeDeps } from '../../../../src/facade/deps.ts';
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
  send(method: string, path: string, options?: SendOptions): Promise<Reply>;
  close(): Promise<void>;
}

export function basic(token: string, user = 'someone'): string {
  return `Basic ${Buffer.from(`${user}:${token}`).toString('base64')}`;
}

export async function startHarness(config: Partial<FacadeConfig> = {}, extra: Partial<FacadeDeps> = {}): Promise<Harness> {
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
  const server: Server = createServer(app.callback());
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

  return {
    cluster,
    cache,
    auth,
    logs: lines,
    metrics,
    clock,
    send,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Creates a stack through the API (API-field services) and returns its JSON. */
export async function createStack(h: Harness, name: string, services: unknown[] = [{ name: 'web', image: 'nginx' }], ns = '') {
  const reply = await h.send('POST', `/api/app/v1/${ns ? `${ns}/` : ''}stack/`, { body: { name, services } });
  if (reply.status !== 201) throw new Error(`create ${name}: ${reply.status} ${reply.text}`);
  return reply.json as { uuid: string; resource_uri: string; name: string; services: string[]; state: string };
}
