import { describe, expect, it } from 'vitest';
import { informerStackReader, type StackCache } from '../../../src/facade/informer-reader.ts';
import type { Stack } from '../../../src/model/stack.ts';

const stack = (namespace: string, name: string, second: number): Stack => ({
  apiVersion: 'longshore.io/v1alpha1',
  kind: 'Stack',
  metadata: {
    namespace,
    name,
    uid: `${namespace}-${name}`,
    creationTimestamp: `2024-03-01T12:00:${String(second).padStart(2, '0')}Z`,
  },
  spec: { services: [{ name: 'web', image: 'nginx' }] },
});

/** An informer-like store: byIndex answers in insertion order, as the real index does. */
function fakeInformer() {
  const store = new Map<string, Stack>();
  const handlers: Parameters<StackCache['on']>[0][] = [];
  const cache: StackCache & { put(s: Stack): void; remove(s: Stack): void; indexReads: number } = {
    indexReads: 0,
    byIndex(index, value) {
      if (index === 'namespace') cache.indexReads++;
      return [...store.values()].filter((s) => (index === 'uid' ? s.metadata.uid : s.metadata.namespace) === value);
    },
    list: () => store.values(),
    latestResourceVersion: '7',
    on: (h) => handlers.push(h),
    put(s) {
      const key = `${s.metadata.namespace}/${s.metadata.name}`;
      const old = store.get(key);
      store.set(key, s);
      for (const h of handlers) h(old ? 'update' : 'add', s, old);
    },
    remove(s) {
      store.delete(`${s.metadata.namespace}/${s.metadata.name}`);
      for (const h of handlers) h('delete', s, s);
    },
  };
  return cache;
}

describe('the façade reader over the informer cache', () => {
  it('lists a namespace oldest first, then by name, whatever order the cache holds them in', () => {
    const informer = fakeInformer();
    const reader = informerStackReader(informer);
    informer.put(stack('a', 'late', 30));
    informer.put(stack('a', 'web', 10));
    informer.put(stack('a', 'api', 10));
    informer.put(stack('b', 'other', 1));
    expect(reader.list('a').map((s) => s.metadata.name)).toEqual(['api', 'web', 'late']);
    expect(reader.list('none')).toEqual([]);
  });

  it('keeps the sorted list until a change in that namespace, which the next list shows', () => {
    const informer = fakeInformer();
    const reader = informerStackReader(informer);
    informer.put(stack('a', 'one', 1));
    const first = reader.list('a');
    informer.put(stack('b', 'elsewhere', 2));
    expect(reader.list('a')).toBe(first); // not sorted again for another namespace's change
    expect(informer.indexReads).toBe(1);

    informer.put(stack('a', 'two', 2));
    expect(reader.list('a').map((s) => s.metadata.name)).toEqual(['one', 'two']);
    informer.put({ ...stack('a', 'one', 1), status: { state: 'Running' } });
    expect(reader.list('a')[0]?.status?.state).toBe('Running');
    informer.remove(stack('a', 'two', 2));
    expect(reader.list('a').map((s) => s.metadata.name)).toEqual(['one']);
  });

  it('finds a stack by uid in any namespace and tells how far the cache has read', () => {
    const informer = fakeInformer();
    const reader = informerStackReader(informer);
    informer.put(stack('b', 'x', 1));
    expect(reader.byUid('b-x')?.metadata.name).toBe('x');
    expect(reader.byUid('nope')).toBeUndefined();
    expect(reader.listAll()).toHaveLength(1);
    expect(reader.resourceVersion?.()).toBe('7');
  });
});
