// Upgrading keeps data: a stack whose children an earlier release named after its services
// alone (Deployment `db`, Service `db`, claim `db-<hash>-v0`) is taken over by this release
// without losing its volume. The claim keeps its name and its uid (a claim cannot be renamed:
// recreating it would lose the data); workload and Service move to stack-scoped names and the
// old ones are pruned.
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { serviceLabels, serviceSelector } from '../../src/translate/labels.ts';
import { legacyVolumeClaimName } from '../../src/translate/names.ts';
import { stackOwnerReference } from '../../src/translate/owner.ts';
import { createTestNamespace, kubeConfig } from './support/cluster.ts';
import { runLongshore } from './support/longshore.ts';
import { StackClient } from './support/stacks.ts';
import { waitFor } from './support/wait.ts';

const kc = kubeConfig();
const ns = await createTestNamespace('upgrade');
const stacks = new StackClient(kc, ns);
const apps = kc.makeApiClient(AppsV1Api);
const core = kc.makeApiClient(CoreV1Api);

describe('a stack made by an earlier release', () => {
  it('keeps its claim and its data, and moves its workload and Service to stack-scoped names', async () => {
    // The Stack and its children as the earlier release left them, before this controller runs.
    const stack = await stacks.create('shop', {
      desiredState: 'Running',
      services: [{ name: 'db', image: 'redis:7', bindings: [{ containerPath: '/data' }] }],
    });
    const owner = [stackOwnerReference(stack, stack.metadata.uid!)];
    const labels = serviceLabels('shop', 'db');
    const claimName = legacyVolumeClaimName('db', '/data', 0);
    const claim = await core.createNamespacedPersistentVolumeClaim({
      namespace: ns,
      body: {
        metadata: { name: claimName, labels, ownerReferences: owner },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      },
    });
    await apps.createNamespacedDeployment({
      namespace: ns,
      body: {
        metadata: { name: 'db', labels, ownerReferences: owner },
        spec: {
          replicas: 1,
          selector: { matchLabels: serviceSelector('shop', 'db') },
          template: {
            metadata: { labels },
            spec: {
              containers: [{ name: 'db', image: 'redis:7', volumeMounts: [{ name: claimName, mountPath: '/data' }] }],
              volumes: [{ name: claimName, persistentVolumeClaim: { claimName } }],
            },
          },
        },
      },
    });
    await core.createNamespacedService({
      namespace: ns,
      body: {
        metadata: { name: 'db', labels, ownerReferences: owner },
        spec: { clusterIP: 'None', selector: serviceSelector('shop', 'db') },
      },
    });

    await runLongshore(ns);
    await stacks.waitForState('shop', 'Running', 90_000);
    const moved = await waitFor('the old Deployment and Service pruned', 60_000, async () => {
      const deployments = (await stacks.deployments('shop')).filter((d) => !d.metadata?.deletionTimestamp);
      const services = (await stacks.services('shop')).filter((s) => !s.metadata?.deletionTimestamp);
      const names = [...deployments, ...services].map((o) => `${o.kind ?? ''}${o.metadata?.name}`);
      return deployments.length === 1 && !names.some((n) => n.endsWith('db') && !n.includes('shop-')) ? deployments : undefined;
    });
    expect(moved[0]?.metadata?.name).toBe('shop-db');
    expect(moved[0]?.spec?.template.spec?.volumes?.[0]?.persistentVolumeClaim?.claimName).toBe(claimName);
    const claims = await stacks.pvcs('shop');
    expect(claims.map((c) => [c.metadata?.name, c.metadata?.uid])).toEqual([[claimName, claim.metadata?.uid]]);
  });
});
