// What one API request costs through the clients in play: the same GET, sent sequentially,
// through @kubernetes/client-node as it comes (2.0.1 opens a new TLS connection per request),
// through client-node with Longshore's connection reuse (src/runtime/connection-reuse.ts, what
// the operator runs with), and through a plain keep-alive HTTPS agent (the bench's own writes).
// Reports wall time, API server CPU and client CPU per request, and how many connections to
// the API server the plain client-node requests left open.
import { execFileSync } from 'node:child_process';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { withConnectionReuse } from '../src/runtime/connection-reuse.ts';
import type { KubeHttp } from './kube-http.ts';
import { cpuSeconds } from './proc.ts';

export interface ClientCost {
  msPerRequest: number;
  apiServerCpuMsPerRequest: number | undefined;
  clientCpuMsPerRequest: number;
}

export interface ClientOverhead {
  requests: number;
  clientNode: ClientCost;
  /** client-node with Longshore's connection reuse, as the operator makes its requests. */
  longshoreClient: ClientCost;
  keepAlive: ClientCost;
  /** ESTABLISHED connections from this process to the API server right after the client-node run. */
  connectionsAfterClientNode: number | undefined;
}

async function measure(n: number, apiServerPid: number | undefined, send: () => Promise<unknown>): Promise<ClientCost> {
  const api0 = apiServerPid ? cpuSeconds(apiServerPid) : undefined;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await send();
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const api1 = apiServerPid ? cpuSeconds(apiServerPid) : undefined;
  const r = (v: number) => Math.round(v * 100) / 100;
  return {
    msPerRequest: r(wall / n),
    apiServerCpuMsPerRequest: api0 !== undefined && api1 !== undefined ? r(((api1 - api0) * 1000) / n) : undefined,
    clientCpuMsPerRequest: r((cpu.user + cpu.system) / 1000 / n),
  };
}

function establishedTo(port: string): number | undefined {
  try {
    const out = execFileSync('ss', ['-tnpH', 'state', 'established', `( dport = :${port} )`]).toString();
    return out.split('\n').filter((l) => l.includes(`pid=${process.pid},`)).length;
  } catch {
    return undefined;
  }
}

export async function clientOverhead(
  kc: KubeConfig,
  http: KubeHttp,
  apiServerPid: number | undefined,
  n = 300,
): Promise<ClientOverhead> {
  const core = kc.makeApiClient(CoreV1Api);
  const port = new URL(kc.getCurrentCluster()?.server ?? 'https://x:443').port || '443';
  for (let i = 0; i < 10; i++) await http.send('GET', '/api/v1/namespaces/default');
  const keepAlive = await measure(n, apiServerPid, () => http.send('GET', '/api/v1/namespaces/default'));
  const clientNode = await measure(n, apiServerPid, () => core.readNamespace({ name: 'default' }));
  const connectionsAfterClientNode = establishedTo(port);
  const reusing = new KubeConfig();
  reusing.loadFromString(kc.exportConfig());
  const reused = withConnectionReuse(reusing).makeApiClient(CoreV1Api);
  for (let i = 0; i < 10; i++) await reused.readNamespace({ name: 'default' });
  const longshoreClient = await measure(n, apiServerPid, () => reused.readNamespace({ name: 'default' }));
  return { requests: n, clientNode, longshoreClient, keepAlive, connectionsAfterClientNode };
}
