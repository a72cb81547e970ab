// A minimal HTTP client for the façade: keep-alive connections (at most `connections`), the
// bearer token of a ServiceAccount, and the time of each request from send to last byte.
import { Agent, request } from 'node:http';

export interface Reply {
  status: number;
  body: string;
  ms: number;
}

export class FacadeClient {
  readonly base: string;
  private readonly token: string;
  private readonly agent: Agent;

  constructor(base: string, token: string, connections = 1) {
    this.base = base;
    this.token = token;
    this.agent = new Agent({ keepAlive: true, maxSockets: connections });
  }

  request(method: string, path: string, body?: unknown, timeoutMs = 30_000): Promise<Reply> {
    return this.send(method, path, body === undefined ? undefined : JSON.stringify(body), timeoutMs);
  }

  /** A request with this exact body text (which need not be valid JSON). */
  send(method: string, path: string, payload: string | undefined, timeoutMs = 30_000): Promise<Reply> {
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const req = request(
        `${this.base}${path}`,
        {
          method,
          agent: this.agent,
          timeout: timeoutMs,
          headers: {
            authorization: `Bearer ${this.token}`,
            accept: 'application/json',
            ...(payload !== undefined
              ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
              : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks).toString('utf8'),
              ms: performance.now() - started,
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out after ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** A request that must answer `expect`; anything else is an error naming the answer. */
  async expect(method: string, path: string, expect: number, body?: unknown): Promise<Reply> {
    const reply = await this.request(method, path, body);
    if (reply.status !== expect)
      throw new Error(`${method} ${path}: HTTP ${reply.status} (expected ${expect}): ${reply.body.slice(0, 300)}`);
    return reply;
  }

  close(): void {
    this.agent.destroy();
  }
}
