// reconcile(key) over an in-memory cluster, case by case (issue #11): what a user of the
// controller relies on, without a control plane. Each case starts from a cluster state, runs
// reconcile, and says what was written.
import type { KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { reconcile } from '../../../src/controller/reconcile.ts';
import type { Stack, StackSpec } from '../../../src/model/stack.ts';
import { desiredObjects } from '../../../src/translate/desired.ts';
import { defaultTranslateOptions } from '../../../src/translate/options.ts';
import { EMPTY_SURROUNDINGS } from '../../../src/translate/surroundings.ts';
import { service, stack } from '../translate/fixtures.ts';
import { apiError, FakeCluster } from './support/fake-cluster.ts';

const NS = 'team-a';
const KEY = `${NS}/shop`;
const web = service('web', { containerPorts: [{ innerPort: 80 }] });
const db = service('db', { containerPorts: [{ innerPort: 5432 }] });

function clusterWith(s: Stack): FakeCluster {
  const c = new FakeCluster();
  c.addStack(s);
  return c;
}

const names = (objects: readonly KubernetesObject[]) => objects.map((o) => `${o.kind}/${o.metadata?.name}`).sort();
const stored = (c: FakeCluster) =>
  Object.entries(c.children)
    .flatMap(([kind, store]) => [...store.list()].map((o) => `${kind}/${o.metadata?.name}`))
    .sort();
const writes = (c: FakeCluster, from = 0) => c.log.slice(from).filter((e) => e.what !== 'event');

/** A converged, Running stack: reconciled, rolled out, reconciled again. */
async function converged(spec: Partial<StackSpec> = {}): Promise<FakeCluster> {
  const c = clusterWith(stack([web, db], spec, { namespace: NS }));
  const deps = c.deps();
  await reconcile(KEY, deps);
  c.rollOut(KEY);
  await reconcile(KEY, deps);
  expect(c.stack(NS, 'shop').status?.state).toBe('Running');
  return c;
}

describe('reconcile, case by case', () => {
  it('converges from nothing: every object the translation wants is applied, and the stack says Starting', async () => {
    const s = stack([web, db], {}, { namespace: NS });
    const c = clusterWith(s);
    await reconcile(KEY, c.deps());
    const wanted = desiredObjects(c.stack(NS, 'shop'), defaultTranslateOptions, EMPTY_SURROUNDINGS).objects;
    expect(stored(c)).toEqual(names(wanted));
    expect(c.stack(NS, 'shop').status?.state).toBe('Starting');
  });

  it('writes nothing when the stack has converged, in the same process', async () => {
    const c = await converged();
    const same = c.deps();
    await reconcile(KEY, same);
    const mark = c.log.length;
    await reconcile(KEY, same);
    await reconcile(KEY, same);
    expect(writes(c, mark)).toEqual([]);
  });

  it('adopts its children after a restart: a fresh process (no memory of its applies) writes nothing', async () => {
    const c = await converged();
    const mark = c.log.length;
    await reconcile(KEY, c.deps());
    expect(writes(c, mark)).toEqual([]);
  });

  it('prunes the children of a service removed from the spec, and only those', async () => {
    const c = await converged();
    const current = c.stack(NS, 'shop');
    c.addStack({ ...current, metadata: { ...current.metadata, generation: 2 }, spec: { ...current.spec, services: [web] } });
    const mark = c.log.length;
    await reconcile(KEY, c.deps());
    const deleted = c.log.slice(mark).flatMap((e) => (e.what === 'delete' ? [`${e.kind}/${e.name}`] : []));
    expect(deleted.sort()).toEqual(['Deployment/shop-db', 'Service/shop-db']);
    expect(stored(c).filter((n) => n.includes('shop-web'))).toEqual(['Deployment/shop-web', 'Service/shop-web']);
  });

  it('leaves alone an object of the same name it does not own, and says so', async () => {
    const c = clusterWith(stack([web, db], {}, { namespace: NS }));
    const foreign = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'shop-web', namespace: NS, uid: 'theirs' } };
    c.children.Deployment.put(foreign);
    await reconcile(KEY, c.deps());
    expect(c.children.Deployment.get(`${NS}/shop-web`)).toEqual(foreign);
    expect(c.log.some((e) => e.what === 'apply' && e.name === 'shop-web')).toBe(false);
    expect(c.events().map((e) => e.reason)).toContain('NameConflict');
    expect(c.stack(NS, 'shop').status?.conditions?.find((x) => x.type === 'Degraded')).toMatchObject({
      status: 'True',
      reason: 'NameConflict',
    });
  });

  it('defers while its cache is behind its own last status write (a stale cache decides nothing)', async () => {
    const c = clusterWith(stack([web, db], {}, { namespace: NS }));
    const deps = c.deps();
    await reconcile(KEY, deps);
    // The cache shows a copy older than the status Longshore just wrote.
    const latest = c.stack(NS, 'shop');
    c.stacks.put({ ...latest, metadata: { ...latest.metadata, resourceVersion: '1' } } as Stack & KubernetesObject);
    const mark = c.log.length;
    expect(await reconcile(KEY, deps)).toMatchObject({ deferred: true });
    expect(writes(c, mark)).toEqual([]);
  });

  it('never lands a status derived from an old copy: a spec changed meanwhile makes the write fail (409), to be retried', async () => {
    const c = clusterWith(stack([web, db], {}, { namespace: NS }));
    const deps = c.deps({
      writeStatus: async (s, status) => {
        // Someone patches the spec between our read and our status write.
        const current = c.stack(NS, 'shop');
        c.addStack({ ...current, metadata: { ...current.metadata, generation: 2 } });
        return c.writeStatus(s, status);
      },
    });
    await expect(reconcile(KEY, deps)).rejects.toMatchObject({ code: 409 });
    expect(c.statusWrites()).toEqual([]);
  });

  it('deletes a Terminated stack once its retention has passed, not before', async () => {
    const terminated = (destroyedAt: string) => {
      const s = stack([web], { desiredState: 'Terminated' }, { namespace: NS });
      return { ...s, status: { state: 'Terminated' as const, destroyedAt, observedGeneration: 1 } };
    };
    for (const [destroyedAt, expectDeleted] of [
      ['2024-05-01T10:00:00Z', true], // two hours before deps.now(), past the hour of retention
      ['2024-05-01T11:30:00Z', false], // half an hour before
    ] as const) {
      const c = clusterWith(terminated(destroyedAt));
      const deleted: string[] = [];
      const result = await reconcile(KEY, c.deps({ deleteStack: async (_namespace, name) => void deleted.push(name) }));
      expect(deleted, destroyedAt).toEqual(expectDeleted ? ['shop'] : []);
      if (!expectDeleted) expect(result.requeueAfterMs, destroyedAt).toBe(30 * 60_000);
    }
  });

  it('applies nothing of a spec the schema refuses, and says why in status', async () => {
    const c = clusterWith(stack([service('web', { targetNumContainers: -1 })], {}, { namespace: NS }));
    await reconcile(KEY, c.deps());
    expect(stored(c)).toEqual([]);
    expect(c.stack(NS, 'shop').status?.conditions?.find((x) => x.type === 'Degraded')).toMatchObject({
      status: 'True',
      reason: 'InvalidSpec',
    });
  });

  it('applies the other services when one cannot be translated, and names the one that cannot', async () => {
    const c = clusterWith(stack([web, service('db', { tags: ['not a label'] })], {}, { namespace: NS }));
    await reconcile(KEY, c.deps());
    expect(stored(c).some((n) => n.endsWith('shop-web'))).toBe(true);
    expect(stored(c).some((n) => n.endsWith('shop-db'))).toBe(false);
    const degraded = c.stack(NS, 'shop').status?.conditions?.find((x) => x.type === 'Degraded');
    expect(degraded).toMatchObject({ status: 'True', reason: 'UntranslatableService' });
    expect(degraded?.message).toContain('db');
  });

  it('retries what may pass by itself: a 503 fails the reconcile before any status says so', async () => {
    const c = clusterWith(stack([web], {}, { namespace: NS }));
    c.refuse.set('Deployment/shop-web', {
      error: apiError(503, 'the server is currently unable to handle the request'),
      persist: false,
    });
    await expect(reconcile(KEY, c.deps())).rejects.toMatchObject({ code: 503 });
    await reconcile(KEY, c.deps());
    expect(c.children.Deployment.get(`${NS}/shop-web`)).toBeDefined();
  });
});
