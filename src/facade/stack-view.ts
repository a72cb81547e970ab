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
import { isNewerResourceVersion } from '../runtime/resource-version.ts';
import type { StackReader } from './deps.ts';
import { sortByCreation } from './stack-order.ts';
import { TRIGGERS_ANNOTATION } from './triggers.ts';

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
  #lastSweep = Number.NEGATIVE_INFINITY;

  constructor(reader: StackReader, options: StackViewOptions) {
    this.#reader = reader;
    this.#options = options;
  }

  /** Records what the API server returned for a write. */
  remember(stack: Stack): void {
    const uid = stack.metadata.uid;
    if (uid === undefined) return;
    const now = this.#options.now();
    this.#sweep(now);
    // Re-inserted: the map stays in the order of rememberedAt.
    this.#recent.delete(uid);
    this.#recent.set(uid, { stack, rememberedAt: now });
  }

  /** How many writes are remembered (for tests). */
  get remembered(): number {
    return this.#recent.size;
  }

  /**
   * Drops writes past the TTL. Reads forget only the writes they look at: one to a namespace
   * nobody lists again, or a stack deleted since, would otherwise stay (a whole Stack as the
   * API server answered it). At most once a grace period; the oldest come first.
   */
  #sweep(now: number): void {
    if (now - this.#lastSweep < this.#options.graceMs) return;
    this.#lastSweep = now;
    for (const [uid, recent] of this.#recent) {
      if (now - recent.rememberedAt < this.#options.ttlMs) break;
      this.#recent.delete(uid);
    }
  }

  async byUid(uid: string): Promise<Stack | undefined> {
    this.#sweep(this.#options.now());
    return this.#newest(this.#reader.byUid(uid), uid);
  }

  /**
   * A namespace's stacks in the reader's list order. Only this process's recent writes in the
   * namespace are looked at (a handful), never every stack: with none, the reader's own array
   * is the answer, and a list of thousands costs no copy.
   */
  async list(namespace: string): Promise<readonly Stack[]> {
    this.#sweep(this.#options.now());
    const cached = this.#reader.list(namespace);
    const replaced = new Map<string, Stack>();
    const added: Stack[] = [];
    for (const [uid, recent] of [...this.#recent]) {
      if (recent.stack.metadata.namespace !== namespace) continue;
      const inCache = this.#reader.byUid(uid);
      const newest = await this.#newest(inCache, uid);
      if (newest === undefined || newest === inCache) continue;
      if (inCache === undefined) added.push(newest);
      else replaced.set(uid, newest);
    }
    if (replaced.size === 0 && added.length === 0) return cached;
    const merged = cached.map((s) => replaced.get(s.metadata.uid ?? '') ?? s);
    // A replacement keeps its place (creation time and name never change); an addition is sorted in.
    return added.length === 0 ? merged : sortByCreation([...merged, ...added]);
  }

  /** Every stack, any namespace, in no particular order (finding the stack of an action). */
  async listAll(): Promise<Stack[]> {
    const seen = new Set<string>();
    const out: Stack[] = [];
    for (const stack of this.#reader.listAll()) {
      const uid = stack.metadata.uid;
      if (uid !== undefined) seen.add(uid);
      // Most stacks have no recent write of ours: no await for them (lists of thousands).
      out.push(uid === undefined || !this.#recent.has(uid) ? stack : ((await this.#newest(stack, uid)) ?? stack));
    }
    for (const uid of [...this.#recent.keys()]) {
      if (seen.has(uid)) continue;
      const stack = await this.#newest(undefined, uid);
      if (stack !== undefined) out.push(stack);
    }
    return out;
  }

  /**
   * The stacks that may hold a trigger with this uuid: the cache's index, and the façade's own
   * recent writes the cache may lack (a trigger just created). A call needs no credential, so a
   * guess must cost no more than that: a recent write that does not name the uuid is skipped
   * before anything is asked.
   */
  async byTrigger(uuid: string): Promise<Stack[]> {
    const found = new Map<string, Stack>();
    for (const stack of this.#reader.byTrigger(uuid)) {
      const uid = stack.metadata.uid ?? '';
      found.set(uid, this.#recent.has(uid) ? ((await this.#newest(stack, uid)) ?? stack) : stack);
    }
    for (const [uid, recent] of [...this.#recent]) {
      if (found.has(uid) || !recent.stack.metadata.annotations?.[TRIGGERS_ANNOTATION]?.includes(uuid)) continue;
      const stack = await this.#newest(this.#reader.byUid(uid), uid);
      if (stack !== undefined) found.set(uid, stack);
    }
    return [...found.values()];
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
      if (isNewerResourceVersion(recent.stack.metadata.resourceVersion, cached.metadata.resourceVersion)) return recent.stack;
      this.#recent.delete(uid);
      return cached;
    }
    // The cache lacks it: not arrived yet, or deleted since?
    const cacheVersion = this.#reader.resourceVersion?.();
    if (cacheVersion !== undefined && !isNewerResourceVersion(recent.stack.metadata.resourceVersion, cacheVersion)) {
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
