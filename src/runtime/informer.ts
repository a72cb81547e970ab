// A list-then-watch cache of one resource, written on client-node's Watch because its own
// informer (2.0.1) stops for good on any watch error but 410 Gone. This one:
// - lists in pages, then watches from the list's resourceVersion with bookmarks;
// - ends each watch server-side after a few minutes (timeoutSeconds, jittered) and treats a
//   watch silent for longer than its inactivity timeout as dead, so a dropped connection or a
//   silent watch is noticed and the watch restarted from the last resourceVersion;
// - restarts after any error with exponential backoff (1 s doubling to 30 s, reset on the
//   first event received), and relists when the server says 410 Gone (the resourceVersion
//   expired), reporting objects that vanished meanwhile as deleted;
// - keeps each object only as `transform` trims it, to keep memory small at scale.
import { type KubeConfig, type KubernetesObject, Watch } from '@kubernetes/client-node';
import type { Logger } from 'pino';

export type EventType = 'add' | 'update' | 'delete';
export type Handler<T> = (type: EventType, obj: T, old: T | undefined) => void;

export interface ListPage<T> {
  items: T[];
  // client-node's typed lists name the token `_continue`; raw (custom object) lists `continue`.
  metadata?: { resourceVersion?: string; continue?: string; _continue?: string };
}

export interface InformerOptions<T extends KubernetesObject> {
  name: string;
  kubeConfig: KubeConfig;
  /** The collection's path, e.g. /apis/apps/v1/deployments. */
  path: string;
  labelSelector?: string;
  /** e.g. metadata.name=kube-system: one object of a cluster-wide kind. */
  fieldSelector?: string;
  /** Lists one page; the continue token goes in `_continue`, as client-node names it. */
  list: (opts: { labelSelector?: string; fieldSelector?: string; limit: number; _continue?: string }) => Promise<ListPage<T>>;
  transform?: (obj: T) => T;
  logger: Logger;
  pageSize?: number;
  /** Server-side watch duration before a clean restart (seconds, jittered by up to 25 %). */
  watchTimeoutSeconds?: number;
  /** A watch with no event (bookmarks included) for this long is considered dead. */
  inactivityTimeoutMs?: number;
  onWatchRestart?: (reason: string) => void;
  /**
   * Named indexes: each files an object under one value (its owner's key, say) or several
   * (the objects it refers to).
   */
  indexers?: Record<string, (obj: T) => string | readonly string[] | undefined>;
}

export const keyOf = (o: { metadata?: { namespace?: string; name?: string } }) =>
  `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

class GoneError extends Error {}

/** An indexer's answer as a list: none, one value, or several. */
function indexValues(v: string | readonly string[] | undefined): readonly string[] {
  if (v === undefined) return [];
  return typeof v === 'string' ? [v] : v;
}

/**
 * client-node's watch inactivity timeout (30 s by default) is private in its types; bookmarks
 * arrive about once a minute, so it must be longer than that or quiet watches churn. This
 * adapter sets it, and throws if an upgrade of client-node no longer has it (a unit test
 * checks it), rather than letting watches churn silently.
 */
export function setInactivityTimeout(watch: Watch, ms: number): void {
  const target = watch as unknown as { requestTimeoutMs?: unknown };
  if (typeof target.requestTimeoutMs !== 'number')
    throw new Error("@kubernetes/client-node's Watch has no requestTimeoutMs: the watch inactivity timeout cannot be set");
  target.requestTimeoutMs = ms;
}

export class Informer<T extends KubernetesObject> {
  private readonly store = new Map<string, T>();
  private readonly indexes = new Map<string, Map<string, Set<string>>>();
  private readonly handlers: Handler<T>[] = [];
  private resourceVersion = '';
  private stopped = false;
  private synced = false;
  private syncWaiters: (() => void)[] = [];
  private abort: AbortController | undefined;
  private backoffMs = 0;
  private wake: (() => void) | undefined;
  private readonly opts: Required<
    Omit<InformerOptions<T>, 'labelSelector' | 'fieldSelector' | 'transform' | 'onWatchRestart' | 'indexers'>
  > &
    Pick<InformerOptions<T>, 'labelSelector' | 'fieldSelector' | 'transform' | 'onWatchRestart' | 'indexers'>;

  constructor(opts: InformerOptions<T>) {
    this.opts = { pageSize: 500, watchTimeoutSeconds: 300, inactivityTimeoutMs: 120_000, ...opts };
  }

  on(handler: Handler<T>): void {
    this.handlers.push(handler);
  }

  get(key: string): T | undefined {
    return this.store.get(key);
  }

  list(): IterableIterator<T> {
    return this.store.values();
  }

  /** The objects filed under a value of a named index. */
  byIndex(index: string, value: string): T[] {
    const keys = this.indexes.get(index)?.get(value);
    if (!keys) return [];
    const out: T[] = [];
    for (const k of keys) {
      const o = this.store.get(k);
      if (o) out.push(o);
    }
    return out;
  }

  private reindex(key: string, old: T | undefined, obj: T | undefined): void {
    for (const [name, f] of Object.entries(this.opts.indexers ?? {})) {
      const before = indexValues(old ? f(old) : undefined);
      const after = indexValues(obj ? f(obj) : undefined);
      if (before.length === after.length && before.every((v, i) => v === after[i])) continue;
      const index = this.indexes.get(name) ?? new Map<string, Set<string>>();
      this.indexes.set(name, index);
      for (const value of before) {
        const set = index.get(value);
        set?.delete(key);
        if (set?.size === 0) index.delete(value);
      }
      for (const value of after) {
        const set = index.get(value) ?? new Set<string>();
        index.set(value, set);
        set.add(key);
      }
    }
  }

  get size(): number {
    return this.store.size;
  }

  /** The resourceVersion the cache is at: the last list's or the last event's. */
  get latestResourceVersion(): string {
    return this.resourceVersion;
  }

  hasSynced(): boolean {
    return this.synced;
  }

  waitForSync(): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  /** Runs until stop(); returns at once, the loop goes on in the background. */
  start(): void {
    this.stopped = false;
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    this.abort?.abort();
    this.wake?.();
  }

  private emit(type: EventType, obj: T, old: T | undefined): void {
    for (const h of this.handlers) {
      try {
        h(type, obj, old);
      } catch (err) {
        this.opts.logger.error({ err, informer: this.opts.name }, 'informer handler failed');
      }
    }
  }

  private put(raw: T): void {
    const obj = this.opts.transform ? this.opts.transform(raw) : raw;
    const key = keyOf(obj);
    const old = this.store.get(key);
    this.store.set(key, obj);
    this.reindex(key, old, obj);
    this.emit(old ? 'update' : 'add', obj, old);
  }

  private remove(raw: T): void {
    const key = keyOf(raw);
    const old = this.store.get(key);
    this.store.delete(key);
    this.reindex(key, old, undefined);
    this.emit('delete', old ?? (this.opts.transform ? this.opts.transform(raw) : raw), old);
  }

  private selectors(): { labelSelector?: string; fieldSelector?: string } {
    return {
      ...(this.opts.labelSelector ? { labelSelector: this.opts.labelSelector } : {}),
      ...(this.opts.fieldSelector ? { fieldSelector: this.opts.fieldSelector } : {}),
    };
  }

  private async relist(): Promise<void> {
    const seen = new Set<string>();
    let cont: string | undefined;
    let rv = '';
    do {
      const page = await this.opts.list({
        ...this.selectors(),
        limit: this.opts.pageSize,
        ...(cont ? { _continue: cont } : {}),
      });
      for (const item of page.items) {
        seen.add(keyOf(item));
        this.put(item);
      }
      cont = page.metadata?.continue || page.metadata?._continue || undefined;
      rv = page.metadata?.resourceVersion ?? rv;
    } while (cont);
    for (const [key, obj] of this.store) if (!seen.has(key)) this.remove(obj);
    this.resourceVersion = rv;
    if (!this.synced) {
      this.synced = true;
      for (const w of this.syncWaiters.splice(0)) w();
    }
  }

  private async sleep(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
    this.wake = undefined;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        if (!this.resourceVersion) await this.relist();
        await this.watchOnce();
        this.opts.onWatchRestart?.('ended');
      } catch (err) {
        if (this.stopped) return;
        if (err instanceof GoneError) {
          this.opts.logger.info({ informer: this.opts.name }, 'watch resourceVersion expired (410); relisting');
          this.resourceVersion = '';
          this.opts.onWatchRestart?.('gone');
          continue;
        }
        this.backoffMs = Math.min(this.backoffMs ? this.backoffMs * 2 : 1_000, 30_000);
        this.opts.logger.warn(
          { informer: this.opts.name, err: String((err as Error)?.message ?? err), retryInMs: this.backoffMs },
          'watch failed; restarting',
        );
        this.opts.onWatchRestart?.('error');
        await this.sleep(this.backoffMs);
      }
    }
  }

  /** One watch; resolves when it ends cleanly, rejects on failure or 410. */
  private watchOnce(): Promise<void> {
    const watch = new Watch(this.opts.kubeConfig);
    setInactivityTimeout(watch, this.opts.inactivityTimeoutMs);
    const timeoutSeconds = Math.round(this.opts.watchTimeoutSeconds * (1 + Math.random() / 4));
    return new Promise((resolve, reject) => {
      let gone = false;
      const onEvent = (type: string, obj: T & { code?: number }) => {
        if (type === 'ERROR') {
          if (obj.code === 410) gone = true;
          return;
        }
        this.backoffMs = 0;
        const rv = obj.metadata?.resourceVersion;
        if (type === 'ADDED' || type === 'MODIFIED') this.put(obj);
        else if (type === 'DELETED') this.remove(obj);
        if (rv) this.resourceVersion = rv;
      };
      const onDone = (err: unknown) => {
        this.abort = undefined;
        if (gone || (err as { statusCode?: number })?.statusCode === 410) reject(new GoneError());
        else if (err) reject(err);
        else resolve();
      };
      watch
        .watch(
          this.opts.path,
          {
            resourceVersion: this.resourceVersion,
            allowWatchBookmarks: true,
            timeoutSeconds,
            ...this.selectors(),
          },
          onEvent as (phase: string, apiObj: unknown) => void,
          onDone,
        )
        .then((ctrl) => {
          this.abort = ctrl;
          if (this.stopped) ctrl.abort();
        }, reject);
    });
  }
}
