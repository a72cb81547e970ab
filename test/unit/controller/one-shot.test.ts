// reconcile over an in-memory cluster, for services whose containers may end (run as Jobs): a
// changed run replaces the Job, an unchanged one is left alone, and autodestroy removes the
// ended pods (those that succeeded, or all) but keeps the Job, the record of the run.
import type { KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { ServiceSpec, Stack } from '../../../src/model/stack.ts';
import { service, stack } from '../translate/fixtures.ts';
import { FakeCluster } from './support/fake-cluster.ts';

const NS = 'team-a';
const KEY = `${NS}/shop`;

function clusterWith(svc: ServiceSpec, spec: Partial<Stack['spec']> = {}): FakeCluster {
  const c = new FakeCluster();
  c.addStack(stack([svc], spec, { namespace: NS }));
  return c;
}

/** A pod of the Job `shop-<service>` in a phase, as the Job controller and the kubelet leave it. */
function pod(c: FakeCluster, name: string, service: string, phase: string): void {
  c.pods.put({
    metadata: {
      name,
      namespace: NS,
      uid: `uid-${name}`,
      labels: { 'longshore.io/stack': 'shop', 'longshore.io/service': service },
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: `shop-${service}`, uid: 'job', controller: true }],
    },
    status: { phase, ready: phase === 'Running' },
  } as KubernetesObject);
}

const deletes = (c: FakeCluster) => c.log.flatMap((e) => (e.what === 'delete' ? [`${e.kind}/${e.name}`] : []));

describe('a service run as a Job', () => {
  it('is applied once and left alone while its definition is unchanged', async () => {
    const c = clusterWith(service('once', { autorestart: 'OFF' }));
    const reconciler = c.reconciler();
    await reconciler.reconcile(KEY);
    expect(c.children.Job.get(`${NS}/shop-once`)).toBeDefined();
    const before = c.log.length;
    await reconciler.reconcile(KEY);
    expect(c.log.slice(before).filter((e) => e.what === 'apply' || e.what === 'delete')).toEqual([]);
  });

  it('is replaced by a fresh run on a redeploy (its pod template cannot change)', async () => {
    const c = clusterWith(service('once', { autorestart: 'OFF' }));
    const reconciler = c.reconciler();
    await reconciler.reconcile(KEY);
    const first = c.children.Job.get(`${NS}/shop-once`)?.metadata?.uid;
    const s = c.stack(NS, 'shop');
    c.addStack({ ...s, spec: { ...s.spec, redeploy: { revision: 1 } }, metadata: { ...s.metadata, generation: 2 } });
    await reconciler.reconcile(KEY);
    expect(deletes(c)).toEqual(['Job/shop-once']);
    const second = c.children.Job.get(`${NS}/shop-once`) as { metadata?: { uid?: string }; spec?: { template?: object } };
    expect(second.metadata?.uid).not.toBe(first);
  });

  it('is deleted when the stack stops, and created again when it starts', async () => {
    const c = clusterWith(service('once', { autorestart: 'OFF' }));
    const reconciler = c.reconciler();
    await reconciler.reconcile(KEY);
    const s = c.stack(NS, 'shop');
    c.addStack({ ...s, spec: { ...s.spec, desiredState: 'Stopped' }, metadata: { ...s.metadata, generation: 2 } });
    await reconciler.reconcile(KEY);
    expect(c.children.Job.get(`${NS}/shop-once`)).toBeUndefined();
    const stopped = c.stack(NS, 'shop');
    c.addStack({
      ...stopped,
      spec: { ...stopped.spec, desiredState: 'Running' },
      metadata: { ...stopped.metadata, generation: 3 },
    });
    await reconciler.reconcile(KEY);
    expect(c.children.Job.get(`${NS}/shop-once`)).toBeDefined();
  });
});

describe('autodestroy', () => {
  it('ON_SUCCESS removes the pods that succeeded and keeps the failed ones and the Job', async () => {
    const c = clusterWith(service('once', { autorestart: 'OFF', autodestroy: 'ON_SUCCESS', targetNumContainers: 3 }));
    pod(c, 'a', 'once', 'Succeeded');
    pod(c, 'b', 'once', 'Failed');
    pod(c, 'c', 'once', 'Running');
    await c.reconciler().reconcile(KEY);
    expect(deletes(c)).toEqual(['Pod/a']);
    expect(c.children.Job.get(`${NS}/shop-once`)).toBeDefined();
  });

  it('ALWAYS removes every ended pod; OFF none', async () => {
    const always = clusterWith(service('once', { autodestroy: 'ALWAYS', targetNumContainers: 3 }));
    const off = clusterWith(service('once', { autorestart: 'OFF', autodestroy: 'OFF', targetNumContainers: 3 }));
    for (const c of [always, off]) {
      pod(c, 'a', 'once', 'Succeeded');
      pod(c, 'b', 'once', 'Failed');
      pod(c, 'c', 'once', 'Running');
      await c.reconciler().reconcile(KEY);
    }
    expect(deletes(always).sort()).toEqual(['Pod/a', 'Pod/b']);
    expect(deletes(off)).toEqual([]);
  });
});
