// The two places Longshore works around @kubernetes/client-node 2.0.1 through its internals:
// each test here fails if an upgrade changes what the workaround relies on.
import { HttpMethod, KubeConfig, RequestContext, Watch } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { withConnectionReuse } from '../../../src/runtime/connection-reuse.ts';
import { setInactivityTimeout } from '../../../src/runtime/informer.ts';

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

  // The adapter replaces a method client-node does not document: this is the test that fails
  // if an upgrade stops sending requests through it (the reuse would silently end).
  it("is what client-node's own request path uses: two requests get one dispatcher", async () => {
    const kc = withConnectionReuse(kubeConfig('a CA'));
    const dispatcherOfARequest = async () => {
      const context = new RequestContext('https://127.0.0.1:6443/api/v1/namespaces', HttpMethod.GET);
      await kc.applySecurityAuthentication(context);
      return context.getDispatcher();
    };
    const first = await dispatcherOfARequest();
    expect(first).toBeDefined();
    expect(await dispatcherOfARequest()).toBe(first);
  });

  it('wraps a KubeConfig once', () => {
    const kc = kubeConfig('a CA');
    expect(withConnectionReuse(withConnectionReuse(kc))).toBe(kc);
  });
});

describe("the watch's inactivity timeout", () => {
  // Set through a field client-node keeps private: this fails if an upgrade renames it.
  it('is set on the Watch client-node makes', () => {
    const watch = new Watch(kubeConfig('a CA'));
    setInactivityTimeout(watch, 90_000);
    expect((watch as unknown as { requestTimeoutMs: number }).requestTimeoutMs).toBe(90_000);
  });
});
