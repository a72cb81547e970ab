// Waiting on the cluster by a watch (src/runtime/watch-until.ts): used to wait for the CRD to be
// Established and, in the bench, for a namespace to be gone.
import { CoreV1Api, type KubernetesObject } from '@kubernetes/client-node';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { Informer } from '../../src/runtime/informer.ts';
import { watchUntil } from '../../src/runtime/watch-until.ts';
import { createTestNamespace, kubeConfig } from './support/cluster.ts';

const kc = kubeConfig();
const ns = await createTestNamespace('until');
const core = kc.makeApiClient(CoreV1Api);

const configMaps = (name: string) =>
  new Informer<KubernetesObject>({
    name: 'until',
    kubeConfig: kc,
    logger: pino({ level: 'silent' }),
    path: `/api/v1/namespaces/${ns}/configmaps`,
    fieldSelector: `metadata.name=${name}`,
    list: (o) => core.listNamespacedConfigMap({ namespace: ns, ...o }),
  });

describe('watchUntil', () => {
  it('resolves on the event that makes the condition hold, seeing only the selected object', async () => {
    const informer = configMaps('wanted');
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'other' } } });
    const waiting = watchUntil(
      informer,
      () => informer.get(`${ns}/wanted`) !== undefined,
      30_000,
      () => new Error('late'),
    );
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'wanted' } } });
    await waiting;
    expect(informer.size).toBe(1);
  });

  it('rejects with the caller’s error when the condition never holds', async () => {
    const informer = configMaps('never');
    await expect(
      watchUntil(
        informer,
        () => informer.size > 0,
        500,
        () => new Error('never came'),
      ),
    ).rejects.toThrow('never came');
  });
});
