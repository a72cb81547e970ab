// A controller, generic over what it controls, in the shape of controller-runtime's
// Reconcile(ctx, req) -> Result and kube-rs's Controller::run(reconcile, error_policy, ctx):
// its caches synced before any work starts, one de-duplicating work queue of keys, several
// workers running `reconcile`, and an error policy kept apart from reconcile that decides when
// a failed key is tried again. Which events queue which keys is the caller's wiring: it adds
// keys to `queue`. `run(signal)` works until the signal aborts, then lets the reconciles in
// flight finish, for a bounded time.
import type { Logger } from 'pino';
import { type QueueOptions, WorkQueue } from './queue.ts';

/** What must have synced before the first reconcile (an Informer is one). */
export interface Cache {
  /** Starts filling the cache; called once, and only if it has not synced. */
  start(): void;
  hasSynced(): boolean;
  waitForSync(): Promise<void>;
}

export interface ReconcileContext {
  /** Aborted when the controller stops: a reconcile may give up early. */
  signal: AbortSignal;
  /** Failed attempts at this key in a row before this one (0 for a key that last succeeded). */
  retries: number;
}

export interface ReconcileResult {
  /** Look again after this long even if nothing changes (a retention period ending, say). */
  requeueAfterMs?: number;
  /**
   * Nothing was done (the cache is behind what the reconciler last wrote). Not a success: a key
   * that was failing keeps its count of failures, and so its backoff.
   */
  deferred?: boolean;
}

/**
 * When a key whose reconcile failed is tried again: after `retryAfterMs`, not counted as one
 * more failure (a conflict: the cache was behind); or 'backoff': after the key's exponential
 * backoff (ErrorContext.backoffMs), counted.
 */
export type RetryDecision = { retryAfterMs: number } | 'backoff';

export interface ErrorContext extends ReconcileContext {
  /** How long 'backoff' waits for this key now: the queue's base delay doubling per failure, capped. */
  backoffMs: number;
}

export type Reconciler = (key: string, ctx: ReconcileContext) => Promise<ReconcileResult>;
export type ErrorPolicy = (err: unknown, key: string, ctx: ErrorContext) => RetryDecision | Promise<RetryDecision>;

export interface ControllerMetrics {
  reconciled(seconds: number, outcome: 'success' | 'error'): void;
  queueDepth(depth: number): void;
  queueLatency(seconds: number): void;
  retried(): void;
}

export interface ControllerOptions {
  /** Synced before any worker starts. */
  caches: readonly Cache[];
  /** Every key there is (read once the caches have synced): each gets one look per run. */
  keys: () => Iterable<string>;
  reconcile: Reconciler;
  /**
   * Called with what a reconcile threw; the key is not handed out again until it resolves. A
   * policy that throws is logged and the key backs off.
   */
  errorPolicy: ErrorPolicy;
  workers: number;
  logger: Logger;
  metrics?: ControllerMetrics;
  /** The work queue's backoff (base and cap). */
  backoff?: Pick<QueueOptions, 'baseDelayMs' | 'maxDelayMs'>;
  /** How long a stop waits for the reconciles in flight (default 20 s). */
  drainTimeoutMs?: number;
}

/** Resolves when the signal aborts (at once if it has). */
export function whenAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

export class Controller {
  readonly queue: WorkQueue;
  private readonly opts: ControllerOptions;
  private synced: Promise<void> | undefined;
  private ran = false;

  constructor(opts: ControllerOptions) {
    this.opts = opts;
    this.queue = new WorkQueue({ ...opts.backoff, onAdd: (d) => opts.metrics?.queueDepth(d) });
  }

  /**
   * Starts the caches that have not synced and resolves once all have. Idempotent: a second
   * call, before or after they have synced, starts nothing more.
   */
  startCaches(): Promise<void> {
    if (!this.synced) {
      for (const c of this.opts.caches) if (!c.hasSynced()) c.start();
      this.synced = Promise.all(this.opts.caches.map((c) => c.waitForSync())).then(() => undefined);
    }
    return this.synced;
  }

  /**
   * Syncs the caches, queues every key once (level-triggered: whatever happened while no one
   * was looking is seen), and works until `signal` aborts; then stops handing out keys, lets
   * the reconciles in flight finish (at most drainTimeoutMs) and resolves. Runs once: the
   * queue is shut down for good when the signal aborts. The caches are left running: they are
   * the caller's to stop (others, a standby's reads, may share them).
   */
  async run(signal: AbortSignal): Promise<void> {
    if (this.ran) throw new Error('a Controller runs once');
    this.ran = true;
    if (signal.aborted) {
      this.queue.shutDown();
      return;
    }
    // At once, not a tick later: a key added after the abort is not taken.
    signal.addEventListener('abort', () => this.queue.shutDown(), { once: true });
    const stopped = whenAborted(signal);
    await Promise.race([this.startCaches(), stopped]);
    if (signal.aborted) return;
    for (const key of this.opts.keys()) this.queue.add(key);
    const workers = Promise.all(Array.from({ length: this.opts.workers }, () => this.work(signal)));
    await stopped;
    const drainMs = this.opts.drainTimeoutMs ?? 20_000;
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      workers.then(() => true),
      new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), drainMs);
      }),
    ]);
    clearTimeout(timer);
    if (!drained)
      this.opts.logger.warn({ inFlight: this.queue.inFlight, drainMs }, 'reconciles still in flight at the stop deadline');
  }

  private async work(signal: AbortSignal): Promise<void> {
    const { metrics } = this.opts;
    for (;;) {
      const item = await this.queue.get();
      if (!item) return;
      metrics?.queueLatency(item.waitedMs / 1000);
      metrics?.queueDepth(this.queue.depth);
      const started = performance.now();
      const ctx: ReconcileContext = { signal, retries: this.queue.retries(item.key) };
      try {
        const result = await this.opts.reconcile(item.key, ctx);
        if (!result.deferred) this.queue.forget(item.key);
        metrics?.reconciled((performance.now() - started) / 1000, 'success');
        if (result.requeueAfterMs !== undefined) this.queue.addAfter(item.key, result.requeueAfterMs);
      } catch (err) {
        metrics?.reconciled((performance.now() - started) / 1000, 'error');
        metrics?.retried();
        await this.retry(err, item.key, ctx);
      } finally {
        this.queue.done(item.key);
      }
    }
  }

  /** Asks the error policy when the key is tried again, and schedules it. */
  private async retry(err: unknown, key: string, ctx: ReconcileContext): Promise<void> {
    let decision: RetryDecision;
    try {
      decision = await this.opts.errorPolicy(err, key, { ...ctx, backoffMs: this.queue.backoffOf(key) });
    } catch (policyErr) {
      this.opts.logger.error({ key, err: String((policyErr as Error)?.message ?? policyErr) }, 'error policy failed');
      decision = 'backoff';
    }
    if (decision === 'backoff') this.queue.addRateLimited(key);
    else this.queue.addAfter(key, decision.retryAfterMs);
  }
}
