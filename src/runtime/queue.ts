// A work queue of keys, as client-go's: a key waits at most once (de-duplicated), is never
// handed to two workers at once (a key added while it is processed is queued again when the
// worker is done), failed keys come back after a per-key exponential backoff, and keys can be
// scheduled for later (a retention period ending, a progress deadline to re-check).

export interface QueueOptions {
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Called whenever depth or a key's wait changes; for metrics. */
  onAdd?: (depth: number) => void;
}

export interface WorkItem {
  key: string;
  /** ms the key waited in the queue before a worker took it. */
  waitedMs: number;
}

export class WorkQueue {
  private readonly queue: string[] = [];
  private readonly queued = new Map<string, number>(); // key -> time it was queued
  private readonly processing = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private readonly waiters: ((item: WorkItem | undefined) => void)[] = [];
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly onAdd: (depth: number) => void;
  private shuttingDown = false;

  constructor(opts: QueueOptions = {}) {
    this.baseDelayMs = opts.baseDelayMs ?? 50;
    this.maxDelayMs = opts.maxDelayMs ?? 5 * 60_000;
    this.onAdd = opts.onAdd ?? (() => {});
  }

  get depth(): number {
    return this.queue.length;
  }

  add(key: string): void {
    if (this.shuttingDown) return;
    if (this.processing.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.queued.has(key)) return;
    this.queued.set(key, Date.now());
    const waiter = this.waiters.shift();
    if (waiter) {
      this.take(key, waiter);
      return;
    }
    this.queue.push(key);
    this.onAdd(this.queue.length);
  }

  /** Adds the key after delayMs; an earlier schedule for the same key wins. */
  addAfter(key: string, delayMs: number): void {
    if (this.shuttingDown) return;
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const at = Date.now() + delayMs;
    const existing = this.timers.get(key);
    if (existing && existing.at <= at) return;
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, delayMs);
    timer.unref();
    this.timers.set(key, { at, timer });
  }

  /** How long addRateLimited would wait for the key now: base * 2^failures, capped. */
  backoffOf(key: string): number {
    return Math.min(this.baseDelayMs * 2 ** this.retries(key), this.maxDelayMs);
  }

  /** Re-adds a failed key after its backoff (backoffOf), and counts one more failure. */
  addRateLimited(key: string): number {
    const delay = this.backoffOf(key);
    this.failures.set(key, this.retries(key) + 1);
    this.addAfter(key, delay);
    return delay;
  }

  /** Clears a key's failure count after it succeeded. */
  forget(key: string): void {
    this.failures.delete(key);
  }

  retries(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** The next key to work on; undefined once the queue shuts down. */
  get(): Promise<WorkItem | undefined> {
    const key = this.queue.shift();
    if (key !== undefined) return Promise.resolve(this.takeNow(key));
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private takeNow(key: string): WorkItem {
    const since = this.queued.get(key) ?? Date.now();
    this.queued.delete(key);
    this.processing.add(key);
    return { key, waitedMs: Date.now() - since };
  }

  private take(key: string, waiter: (item: WorkItem) => void): void {
    waiter(this.takeNow(key));
  }

  /** Marks the key's processing finished; a key added meanwhile is queued again. */
  done(key: string): void {
    this.processing.delete(key);
    if (this.dirty.delete(key)) this.add(key);
  }

  /** Stops handing out work; workers waiting in get() receive undefined. */
  shutDown(): void {
    this.shuttingDown = true;
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    for (const w of this.waiters.splice(0)) w(undefined);
  }

  get inFlight(): number {
    return this.processing.size;
  }
}
