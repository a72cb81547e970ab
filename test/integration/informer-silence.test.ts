// A watch can go silent without ending: the connection stays open and nothing arrives (a dead
// peer behind a NAT, a hung load balancer). The informer takes a watch that has received
// nothing, not even a bookmark, for its inactivity timeout as dead and starts another from the
// last resourceVersion, so the cache does not freeze.
import { CoreV1Api, type KubernetesObject } from '@kubernetes/client-node';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { Informer } from '../../src/runtime/informer.ts';
import { atEnd } from './support/cleanup.ts';
import { createTestNamespace, kubeConfig } from './support/cluster.ts';
import { apiProxy } from './support/proxy.ts';
import { waitFor } from './support/wait.ts';

const kc = kubeConfig();
const ns = await createTestNamespace('silence');

describe('the informer', () => {
  it('starts a new watch when its watch goes silent, and misses nothing meanwhile', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const proxy = await apiProxy(kc);
    const viaProxy = proxy.kubeConfig.makeApiClient(CoreV1Api);
    const restarts: string[] = [];
    const informer = new Informer<KubernetesObject>({
      name: 'silenced',
      kubeConfig: proxy.kubeConfig,
      logger: pino({ level: 'silent' }),
      path: `/api/v1/namespaces/${ns}/configmaps`,
      labelSelector: 'silence=yes',
      list: (o) => viaProxy.listNamespacedConfigMap({ namespace: ns, ...o }),
      inactivityTimeoutMs: 2_000,
      // The server would end the watch on its own only after 10 minutes: not what rescues it here.
      watchTimeoutSeconds: 600,
      onWatchRestart: (reason) => restarts.push(reason),
    });
    atEnd(() => informer.stop());
    informer.start();
    await informer.waitForSync();

    const create = (name: string) =>
      core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name, labels: { silence: 'yes' } } } });
    await create('before');
    await waitFor('the watch to deliver "before"', 15_000, async () => informer.get(`${ns}/before`) !== undefined);

    proxy.silenceAll();
    await create('during');
    await waitFor(
      'the silenced watch to be replaced and "during" to arrive',
      30_000,
      async () => informer.get(`${ns}/during`) !== undefined,
    );
    expect(restarts.length).toBeGreaterThan(0);
    expect(informer.size).toBe(2);
  });
});
