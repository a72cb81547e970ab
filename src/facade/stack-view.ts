// The Stacks a request sees: the informer cache, overlaid with the objects this process wrote
// in the last moments. Clients act on what they just wrote (Python's `stack up` creates and
// starts at once; the CLI creates then lists), while the cache lags the API server by a watch
// event; without the overlay such a second call would answer 404 or list a stale stack.
//
// A remembered write is dropped as soon as the cache holds the same or a newer version, or
// after a TTL. The cache lacking it can mean "not arrived yet" or "deleted since": when the
// cache tells how far it has read (StackReader.resourceVersion) that decides; otherwise, past a
// short grace period, one read from the API server does.
import type { Stack } from '../model/stack.ts';
import type { StackReader } from './deps.ts';

interface Recent {
  stack: Stack;
  rememberedAt: number;
}

export interface StackViewOptions {
  /** How long a write may be preferred over the cache at all. */
  ttlMs: number;
  /** How long a write the cache lacks is believed without asking the API server. */
  graceMs: number;
  now: () => number;
  /** A fresh read from the API server (undefined: no such object). */
  fetch: (namespace: string, name: string) => Promise<Stack | undefined>;
}

export class StackView {
  readonly #reader: StackReader;
  readonly #options: StackViewOptions;
  readonly #recent = new Map<string, Recent>();

  constructor(reader: StackReader, options: StackViewOptions) {
    this.#reader = reader;
    this.#options = options;
  }

  /** Records what the API server returned for a write. */
  remember(stack: Stack): void {
    const uid = stack.metadata.uid;
    if (uid === undefined) return;
    this.#recent.set(uid, { stack, rememberedAt: this.#options.now() });
  }

  async byUid(uid: string): Promise<Stack | undefined> {
    return this.#newest(this.#reader.byUid(uid), uid);
  }

  async list(namespace: string): Promise<Stack[]> {
    return this.#merge(this.#reader.list(namespace), (s) => s.metadata.namespace === namespace);
  }

  async listAll(): Promise<Stack[]> {
    return this.#merge(this.#reader.listAll(), () => true);
  }

  async #merge(cached: readonly Stack[], wanted: (s: Stack) => boolean): Promise<Stack[]> {
    const seen = new Set<string>();
    const out: Stack[] = [];
    for (const stack of cached) {
      const uid = stack.metadata.uid;
      if (uid !== undefined) seen.add(uid);
      // Most stacks have no recent write of ours: no await for them (lists of thousands).
      out.push(uid === undefined || !this.#recent.has(uid) ? stack : ((await this.#newest(stack, uid)) ?? stack));
    }
    for (const [uid, recent] of [...this.#recent]) {
      if (seen.has(uid) || !wanted(recent.stack)) continue;
      const stack = await this.#newest(undefined, uid);
      if (stack !== undefined) out.push(stack);
    }
    return out;
  }

  /** The newer of the cached copy and the remembered write; forgets what is no longer needed. */
  async #newest(cached: Stack | undefined, uid: string): Promise<Stack | undefined> {
    const recent = this.#recent.get(uid);
    if (recent === undefined) return cached;
    const age = this.#options.now() - recent.rememberedAt;
    if (age >= this.#options.ttlMs) {
      this.#recent.delete(uid);
      return cached;
    }
    if (cached !== undefined) {
      if (isNewer(recent.stack.metadata.resourceVersion, cached.metadata.resourceVersion)) return recent.stack;
      this.#recent.delete(uid);
      return cached;
    }
    // The cache lacks it: not arrived yet, or deleted since?
    const cacheVersion = this.#reader.resourceVersion?.();
    if (cacheVersion !== undefined && !isNewer(recent.stack.metadata.resourceVersion, cacheVersion)) {
      this.#recent.delete(uid); // the cache read past our write and has no such object: deleted
      return undefined;
    }
    if (age < this.#options.graceMs) return recent.stack;
    const fresh = await this.#options.fetch(recent.stack.metadata.namespace, recent.stack.metadata.name);
    if (fresh === undefined || fresh.metadata.uid !== uid) {
      this.#recent.delete(uid);
      return undefined;
    }
    this.remember(fresh);
    return fresh;
  }
}

/**
 * Whether resourceVersion `a` is later than `b`. Kubernetes resourceVersions are etcd
 * revisions, comparable as integers (KEP-5504 made that official); anything else counts as
 * not newer, so the cache wins.
 */
function isNewer(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined || !/^\d+$/.test(a) || !/^\d+$/.test(b)) return false;
  return BigInt(a) > BigInt(b);
}
