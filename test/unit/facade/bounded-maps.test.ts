// The façade's caches keep nothing for objects that are gone: entries past their time are
// dropped even when nobody asks for them again.
import { describe, expect, it } from 'vitest';
import { ActionLookup } from '../../../src/facade/action-lookup.ts';
import type { ActionRecord } from '../../../src/facade/actions.ts';
import { informerStackReader, type StackCache } from '../../../src/facade/informer-reader.ts';
import { StackView } from '../../../src/facade/stack-view.ts';
import { TtlCache } from '../../../src/facade/ttl-cache.ts';
import type { Stack } from '../../../src/model/stack.ts';
import { FakeCache, FakeCluster } from './support/fakes.ts';

const newStack = (name: string, namespace = 'default') => ({
  apiVersion: 'longshore.io/v1alpha1' as const,
  kind: 'Stack' as const,
  metadata: { name, namespace },
  spec: { services: [{ name: 'web', image: 'nginx' }] },
});

describe('TtlCache', () => {
  it('drops expired entries nobody asks for again', () => {
    const clock = { ms: 0 };
    const cache = new TtlCache<number>(1000, 1000, () => clock.ms);
    for (let i = 0; i < 500; i++) cache.set(`token-${i}`, i);
    expect(cache.size).toBe(500);
    clock.ms = 1000;
    cache.set('another', 1);
    expect(cache.size).toBe(1);
  });
});

describe('the informer reader', () => {
  it('keeps no sorted list for a namespace without stacks', () => {
    let reads = 0;
    const cache: StackCache = {
      byIndex: () => {
        reads++;
        return [];
      },
      list: () => [],
      latestResourceVersion: '1',
      on: () => {},
    };
    const reader = informerStackReader(cache);
    for (let i = 0; i < 3; i++) expect(reader.list(`ns-${i}`)).toEqual([]);
    expect(reader.list('ns-0')).toEqual([]);
    // Each list of an empty namespace reads the index again: nothing was kept for it.
    expect(reads).toBe(4);
  });
});

describe('StackView', () => {
  it('forgets writes past the TTL though nothing reads them again', async () => {
    const cluster = new FakeCluster();
    const cache = new FakeCache(cluster);
    const clock = { ms: 0 };
    const view = new StackView(cache, {
      ttlMs: 60_000,
      graceMs: 2_000,
      now: () => clock.ms,
      fetch: (ns, n) => cluster.get(ns, n),
    });
    for (let i = 0; i < 50; i++) view.remember(await cluster.create(`ns-${i}`, newStack(`s${i}`, `ns-${i}`)));
    expect(view.remembered).toBe(50);
    clock.ms = 60_000;
    view.remember(await cluster.create('other', newStack('late', 'other')));
    expect(view.remembered).toBe(1);
    clock.ms = 120_000;
    await view.list('elsewhere');
    expect(view.remembered).toBe(0);
  });
});

describe('ActionLookup', () => {
  const record = (uuid: string): ActionRecord => ({
    uuid,
    action: 'terminate',
    generation: 1,
    target: 'Terminated',
    requestedAt: '2024-05-01T12:00:00Z',
  });
  const gone = (i: number) => ({ ...newStack(`s${i}`), metadata: { ...newStack(`s${i}`).metadata, uid: `uid-${i}` } }) as Stack;

  it('forgets the actions of gone stacks after its TTL', () => {
    const clock = { ms: 0 };
    const lookup = new ActionLookup({ ttlMs: 3_600_000, now: () => clock.ms });
    for (let i = 0; i < 100; i++) lookup.remember(gone(i), record(`a-${i}`));
    expect(lookup.size).toBe(100);
    clock.ms = 3_600_000;
    lookup.remember(gone(1000), record('late'));
    expect(lookup.size).toBe(1);
  });

  it('holds at most max actions', () => {
    const lookup = new ActionLookup({ max: 10, now: () => 0 });
    for (let i = 0; i < 100; i++) lookup.remember(gone(i), record(`a-${i}`));
    expect(lookup.size).toBe(10);
  });
});
