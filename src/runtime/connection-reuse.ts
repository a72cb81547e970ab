// @kubernetes/client-node 2.0.1 builds a new undici Agent for every request when the cluster
// needs TLS options (a CA, a client certificate): no connection is ever reused, so every API
// call pays a TLS handshake, on our side and on the API server's (npm run bench measures the
// cost: bench/README.md, "API client cost"). This keeps one Agent per distinct set of
// connection options instead, so requests and watches share kept-alive connections. Tokens travel in headers, so their rotation is
// unaffected; a rotated client certificate makes a new Agent (the cache is small and bounded).
import { createHash } from 'node:crypto';
import type { KubeConfig } from '@kubernetes/client-node';

type CreateDispatcher = (cluster: unknown, agentOptions: Record<string, unknown>) => unknown;

const MAX_AGENTS = 8;

/** The KubeConfigs already patched: a second call must not wrap the wrapper. */
const patched = new WeakSet<KubeConfig>();

function optionsKey(cluster: unknown, agentOptions: Record<string, unknown>): string {
  const c = cluster as { server?: string; proxyUrl?: string; skipTLSVerify?: boolean } | null;
  const material = ['ca', 'cert', 'key', 'pfx', 'passphrase', 'rejectUnauthorized', 'servername'].map((k) => {
    const v = agentOptions[k];
    return v === undefined ? '' : typeof v === 'string' || Buffer.isBuffer(v) ? v.toString() : JSON.stringify(v);
  });
  return createHash('sha256')
    .update(JSON.stringify([c?.server, c?.proxyUrl, c?.skipTLSVerify, ...material]))
    .digest('hex');
}

/** Makes `kc` reuse connections; returns the same KubeConfig. */
export function withConnectionReuse(kc: KubeConfig): KubeConfig {
  if (patched.has(kc)) return kc;
  const target = kc as unknown as { createDispatcher: CreateDispatcher };
  const original = target.createDispatcher.bind(kc);
  const agents = new Map<string, unknown>();
  target.createDispatcher = (cluster, agentOptions) => {
    const key = optionsKey(cluster, agentOptions);
    if (agents.has(key)) return agents.get(key);
    const agent = original(cluster, agentOptions);
    if (agents.size >= MAX_AGENTS) {
      const oldest = agents.keys().next().value as string;
      const old = agents.get(oldest) as { close?: () => Promise<void> } | undefined;
      agents.delete(oldest);
      void old?.close?.().catch(() => {});
    }
    agents.set(key, agent);
    return agent;
  };
  patched.add(kc);
  return kc;
}
