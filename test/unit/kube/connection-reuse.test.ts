import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { withConnectionReuse } from '../../../src/kube/connection-reuse.ts';

function kubeConfig(ca: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: 'https://127.0.0.1:6443', caData: Buffer.from(ca).toString('base64') }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return kc;
}

type WithDispatcher = { createDispatcher: (cluster: unknown, options: Record<string, unknown>) => unknown };

describe('connection reuse', () => {
  it('gives every request for one cluster and credentials the same connection pool', () => {
    const kc = withConnectionReuse(kubeConfig('a CA')) as unknown as WithDispatcher;
    const cluster = { server: 'https://127.0.0.1:6443' };
    const first = kc.createDispatcher(cluster, { ca: Buffer.from('a CA') });
    expect(kc.createDispatcher(cluster, { ca: Buffer.from('a CA') })).toBe(first);
  });

  it('makes a new pool when the TLS material changes (a rotated client certificate)', () => {
    const kc = withConnectionReuse(kubeConfig('a CA')) as unknown as WithDispatcher;
    const cluster = { server: 'https://127.0.0.1:6443' };
    const first = kc.createDispatcher(cluster, { ca: Buffer.from('a CA'), cert: 'one' });
    expect(kc.createDispatcher(cluster, { ca: Buffer.from('a CA'), cert: 'two' })).not.toBe(first);
  });

  it('wraps a KubeConfig once', () => {
    const kc = kubeConfig('a CA');
    expect(withConnectionReuse(withConnectionReuse(kc))).toBe(kc);
  });
});
