// The bench's own writes to the API server (creating Stacks, the baseline's applies) over
// keep-alive HTTPS connections with the kubeconfig's credentials. @kubernetes/client-node 2.0.1
// opens a new TLS connection for every request (a new undici Agent per call), which costs the
// API server and the client several times the request itself (see client-overhead.ts); the
// bench must not load the cluster more than a well-behaved client would.
import { Agent, request } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

export class KubeHttpError extends Error {
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.code = code;
  }
}

export class KubeHttp {
  private readonly server: string;
  private readonly agent: Agent;
  private readonly headers: Record<string, string>;

  private constructor(server: string, agent: Agent, headers: Record<string, string>) {
    this.server = server;
    this.agent = agent;
    this.headers = headers;
  }

  static async create(kc: KubeConfig, connections: number): Promise<KubeHttp> {
    const server = kc.getCurrentCluster()?.server;
    if (!server) throw new Error('the kubeconfig names no cluster');
    const opts: import('node:https').RequestOptions = {};
    await kc.applyToHTTPSOptions(opts);
    const agent = new Agent({
      keepAlive: true,
      maxSockets: connections,
      ...(opts.ca ? { ca: opts.ca } : {}),
      ...(opts.cert ? { cert: opts.cert } : {}),
      ...(opts.key ? { key: opts.key } : {}),
      ...(opts.rejectUnauthorized !== undefined ? { rejectUnauthorized: opts.rejectUnauthorized } : {}),
    });
    const headers = Object.fromEntries(Object.entries(opts.headers ?? {}).map(([k, v]) => [k, String(v)]));
    return new KubeHttp(server, agent, headers);
  }

  send(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<unknown> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        `${this.server}${path}`,
        {
          method,
          agent: this.agent,
          timeout: 60_000,
          headers: {
            ...this.headers,
            accept: 'application/json',
            ...(payload !== undefined ? { 'content-type': contentType, 'content-length': Buffer.byteLength(payload) } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const code = res.statusCode ?? 0;
            if (code >= 200 && code < 300) resolve(JSON.parse(text));
            else reject(new KubeHttpError(code, `${method} ${path}: HTTP ${code}: ${text.slice(0, 300)}`));
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  create(collectionPath: string, body: unknown): Promise<unknown> {
    return this.send('POST', collectionPath, body);
  }

  /** Server-side apply (JSON is YAML), forcing ownership, as Longshore applies its children. */
  apply(objectPath: string, body: unknown, fieldManager: string): Promise<unknown> {
    return this.send('PATCH', `${objectPath}?fieldManager=${fieldManager}&force=true`, body, 'application/apply-patch+yaml');
  }

  close(): void {
    this.agent.destroy();
  }
}
