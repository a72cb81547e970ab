// The façade's StackReader over the shared informer cache. A namespace's stacks are kept in
// list order (sortByCreation) until a watch event touches that namespace: a list request then
// costs its page, not a sort of every stack in the namespace (bench/README.md, façade phase,
// has what the sort cost at 10,000 stacks).
import type { Stack } from '../model/stack.ts';
import type { StackReader } from './deps.ts';
import { sortByCreation } from './stack-order.ts';
import { TRIGGER_INDEX } from './triggers.ts';

/** What this needs of the informer (src/runtime/informer.ts), no more. */
export interface StackCache {
  byIndex(index: 'namespace' | 'uid' | typeof TRIGGER_INDEX, value: string): Stack[];
  list(): Iterable<Stack>;
  readonly latestResourceVersion: string;
  on(handler: (type: 'add' | 'update' | 'delete', obj: Stack, old: Stack | undefined) => void): void;
}

export function informerStackReader(cache: StackCache): StackReader {
  const sorted = new Map<string, readonly Stack[]>();
  // Every change to the store is emitted (watch events, and what a relist adds or removes).
  cache.on((_type, obj, old) => {
    sorted.delete(obj.metadata.namespace);
    if (old !== undefined) sorted.delete(old.metadata.namespace);
  });
  return {
    list: (namespace) => {
      let stacks = sorted.get(namespace);
      if (stacks === undefined) {
        stacks = Object.freeze(sortByCreation(cache.byIndex('namespace', namespace)));
        // An empty namespace costs nothing to list; kept, any namespace name asked for (or one
        // whose last stack is gone) would stay in the map.
        if (stacks.length > 0) sorted.set(namespace, stacks);
      }
      return stacks;
    },
    listAll: () => Array.from(cache.list()),
    byUid: (uid) => cache.byIndex('uid', uid)[0],
    byTrigger: (uuid) => cache.byIndex(TRIGGER_INDEX, uuid),
    resourceVersion: () => cache.latestResourceVersion,
  };
}
