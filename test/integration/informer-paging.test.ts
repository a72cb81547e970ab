// The informer lists in pages: every page is read (the continue token is passed on), so a cache
// holds every object however many there are. A page size of 2 over 7 Stacks makes 4 pages.
import { CoreV1Api, CustomObjectsApi, type KubernetesObject } from '@kubernetes/client-node';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { GROUP, PLURAL, VERSION } from '../../src/model/stack.ts';
import { Informer } from '../../src/runtime/informer.ts';
import { atEnd } from './support/cleanup.ts';
import { createTestNamespace, kubeConfig } from './support/cluster.ts';
import { StackClient } from './support/stacks.ts';

const kc = kubeConfig();
const ns = await createTestNamespace('paging');

describe('the informer', () => {
  it('reads every page of a list', async () => {
    const stacks = new StackClient(kc, ns);
    for (let i = 0; i < 7; i++) await stacks.create(`paged-${i}`, { services: [] });
    const custom = kc.makeApiClient(CustomObjectsApi);
    let pages = 0;
    const informer = new Informer<KubernetesObject>({
      name: 'paged',
      kubeConfig: kc,
      logger: pino({ level: 'silent' }),
      path: `/apis/${GROUP}/${VERSION}/namespaces/${ns}/${PLURAL}`,
      pageSize: 2,
      list: async (o) => {
        pages++;
        return (await custom.listNamespacedCustomObject({
          group: GROUP,
          version: VERSION,
          plural: PLURAL,
          namespace: ns,
          ...o,
        })) as {
          items: KubernetesObject[];
        };
      },
    });
    atEnd(() => informer.stop());
    informer.start();
    await informer.waitForSync();
    expect(informer.size).toBe(7);
    expect(pages).toBe(4);
  });

  it('reads every page of a typed list (client-node names the token _continue there)', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    for (let i = 0; i < 5; i++) {
      await core.createNamespacedService({
        namespace: ns,
        body: { metadata: { name: `paged-svc-${i}`, labels: { paged: 'yes' } }, spec: { ports: [{ port: 80 }] } },
      });
    }
    const informer = new Informer<KubernetesObject>({
      name: 'paged-services',
      kubeConfig: kc,
      logger: pino({ level: 'silent' }),
      path: `/api/v1/namespaces/${ns}/services`,
      labelSelector: 'paged=yes',
      pageSize: 2,
      list: (o) => core.listNamespacedService({ namespace: ns, ...o }),
    });
    atEnd(() => informer.stop());
    informer.start();
    await informer.waitForSync();
    expect(informer.size).toBe(5);
  });
});
