import { describe, expect, it } from 'vitest';
import { StackView } from '../../../src/facade/stack-view.ts';
import { FakeCache, FakeCluster } from './support/fakes.ts';

const spec = { services: [{ name: 'web', image: 'nginx' }] };
const newStack = (name: string, namespace = 'default') => ({
  apiVersion: 'longshore.io/v1alpha1' as const,
  kind: 'Stack' as const,
  metadata: { name, namespace },
  spec,
});

function setup() {
  const cluster = new FakeCluster();
  const cache = new FakeCache(cluster);
  const clock = { ms: 0 };
  const view = new StackView(cache, {
    ttlMs: 60_000,
    graceMs: 2_000,
    now: () => clock.ms,
    fetch: (ns, name) => cluster.get(ns, name),
  });
  return { cluster, cache, clock, view };
}

describe('StackView (read your writes)', () => {
  it('shows a just-written stack the lagging cache does not have yet, then defers to the cache', async () => {
    const { cluster, cache, view } = setup();
    cache.freeze();
    const created = await cluster.create('default', newStack('shop'));
    view.remember(created);
    expect((await view.byUid(created.metadata.uid!))?.metadata.name).toBe('shop');
    expect((await view.list('default')).map((s) => s.metadata.name)).toEqual(['shop']);
    expect(await view.list('other')).toEqual([]);
    expect(await view.listAll()).toHaveLength(1);

    cache.sync();
    const reported = cluster.report(created.metadata.uid!, { state: 'Not Running' });
    expect((await view.byUid(created.metadata.uid!))?.metadata.resourceVersion).toBe(reported.metadata.resourceVersion);
  });

  it('prefers the newer write over an older cached copy', async () => {
    const { cluster, cache, view } = setup();
    const created = await cluster.create('default', newStack('shop'));
    cache.freeze();
    const patched = await cluster.patch('default', 'shop', { spec: { desiredState: 'Running' } });
    view.remember(patched);
    expect((await view.byUid(created.metadata.uid!))?.spec.desiredState).toBe('Running');
    expect((await view.list('default'))[0]?.spec.desiredState).toBe('Running');
  });

  it('lists in creation order with recent writes in place: a patched stack keeps its place, a new one is sorted in', async () => {
    const at = (name: string, second: number, rv: number, desiredState?: 'Running') => ({
      ...newStack(name),
      metadata: {
        name,
        namespace: 'default',
        uid: `uid-${name}`,
        resourceVersion: String(rv),
        creationTimestamp: `2024-03-01T12:00:0${second}Z`,
      },
      spec: { ...spec, ...(desiredState ? { desiredState } : {}) },
    });
    const cached = [at('zeta', 1, 10), at('omega', 4, 11)];
    const reader = {
      list: () => cached,
      listAll: () => cached,
      byUid: (uid: string) => cached.find((s) => s.metadata.uid === uid),
      byTrigger: () => [],
    };
    const view = new StackView(reader, { ttlMs: 60_000, graceMs: 2_000, now: () => 0, fetch: async () => undefined });
    expect(await view.list('default')).toBe(cached); // nothing written: the reader's list as it is
    view.remember(at('mid', 3, 12)); // created by us, not in the cache yet
    view.remember(at('omega', 4, 13, 'Running')); // patched by us, the cache has the older copy
    const listed = await view.list('default');
    expect(listed.map((s) => s.metadata.name)).toEqual(['zeta', 'mid', 'omega']);
    expect(listed[2]?.spec.desiredState).toBe('Running');
    expect(await view.list('other')).toEqual(cached); // this reader ignores namespaces; nothing of ours there
  });

  it('forgets a stack deleted after the write as soon as the cache has read past it', async () => {
    const { cluster, cache, view } = setup();
    cache.reportsVersion = true;
    const created = await cluster.create('default', newStack('shop'));
    view.remember(await cluster.patch('default', 'shop', { spec: { desiredState: 'Terminated' } }));
    cluster.remove(created.metadata.uid!);
    expect(await view.byUid(created.metadata.uid!)).toBeUndefined();
    expect(await view.list('default')).toEqual([]);
  });

  it('without the cache version, asks the API server once the grace period is over', async () => {
    const { cluster, view, clock } = setup();
    const created = await cluster.create('default', newStack('shop'));
    view.remember(await cluster.patch('default', 'shop', { spec: { desiredState: 'Terminated' } }));
    cluster.remove(created.metadata.uid!);
    expect(await view.byUid(created.metadata.uid!)).toBeDefined(); // within the grace: believed
    clock.ms = 2_000;
    expect(await view.byUid(created.metadata.uid!)).toBeUndefined();
  });

  it('keeps believing a write the API server confirms while the cache lags', async () => {
    const { cluster, cache, view, clock } = setup();
    cache.freeze();
    const created = await cluster.create('default', newStack('shop'));
    view.remember(created);
    clock.ms = 5_000;
    expect((await view.byUid(created.metadata.uid!))?.metadata.name).toBe('shop');
  });

  it('forgets a remembered write after the TTL', async () => {
    const { cluster, cache, view, clock } = setup();
    cache.freeze();
    const created = await cluster.create('default', newStack('shop'));
    view.remember(created);
    clock.ms = 60_000;
    expect(await view.byUid(created.metadata.uid!)).toBeUndefined();
  });
});
