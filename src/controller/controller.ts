// The controller: caches synced before any work starts, events mapped to Stack keys on one
// de-duplicating work queue, several workers running reconcile, and an error policy kept
// apart from reconcile (as kube-rs does): a failed key is retried with per-key exponential
// backoff, a conflict sooner.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { describeError, statusOf } from '../kube/api-error.ts';
import { keyOf } from '../kube/informer.ts';
import type { Caches } from './caches.ts';
import { stackKeyOf } from './caches.ts';
import { WorkQueue } from './queue.ts';
import type { ReconcileDeps, ReconcileResult } from './reconcile-deps.ts';
import { ApplyFailedError } from './report.ts';
import { StackReconciler } from './stack-reconciler.ts';

export interface ControllerMetrics {
  reconciled(seconds: number, outcome: 'success' | 'error'): void;
  queueDepth(depth: number): void;
  queueLatency(seconds: number): void;
  retried(): void;
}

export interface ControllerOptions {
  workers: number;
  logger: Logger;
  metrics?: ControllerMetrics;
}

/** What to do with a failed reconcile: how long until the key is tried again. */
export function errorPolicy(err: unknown, queue: WorkQueue, key: string): number {
  // A write conflict means our cache was behind: try again soon, without growing backoff.
  if (statusOf(err) === 409) {
    queue.addAfter(key, 100);
    return 100;
  }
  return queue.addRateLimited(key);
}

export class Controller {
  readonly queue: WorkQueue;
  readonly reconciler: StackReconciler;
  private readonly caches: Caches;
  private readonly deps: ReconcileDeps;
  private readonly opts: ControllerOptions;
  private workers: Promise<void>[] = [];
  private running = false;

  constructor(caches: Caches, deps: ReconcileDeps, opts: ControllerOptions) {
    this.caches = caches;
    this.deps = deps;
    this.opts = opts;
    this.reconciler = new StackReconciler(deps);
    this.queue = new WorkQueue({ onAdd: (d) => opts.metrics?.queueDepth(d) });
    // A stack and the stacks that link to it (`service.stack`): its state, its Services' cluster
    // IPs and its pods' addresses are part of theirs (their status, their DNS names).
    const withDependents = (key: string) => {
      this.queue.add(key);
      for (const s of caches.stacks.byIndex('linksTo', key)) this.queue.add(keyOf(s));
    };
    caches.stacks.on((type, obj) => {
      // What is kept per Stack goes with it (a Stack of the same name later starts afresh).
      if (type === 'delete') this.reconciler.forgetStack(keyOf(obj));
      withDependents(keyOf(obj));
    });
    const toOwner = (_type: string, obj: KubernetesObject) => {
      const key = stackKeyOf(obj);
      if (key) withDependents(key);
    };
    // What is kept per child goes with it: the garbage collector removes the children of a
    // deleted Stack, which reconcile never sees to prune.
    const forgetChild = (type: string, obj: KubernetesObject) => {
      const uid = obj.metadata?.uid;
      if (type === 'delete' && uid !== undefined) this.reconciler.forgetChild(uid);
    };
    for (const informer of Object.values(caches.children)) {
      informer.on(forgetChild);
      informer.on(toOwner);
    }
    caches.pods.on(toOwner);
  }

  /** Starts the informers (idempotent) and resolves once every cache has synced. */
  async startCaches(): Promise<void> {
    for (const i of this.caches.all) if (!i.hasSynced()) i.start();
    await Promise.all(this.caches.all.map((i) => i.waitForSync()));
  }

  /** Starts the workers; the caches must have synced. */
  async run(): Promise<void> {
    await this.startCaches();
    this.running = true;
    // Everything in the cache gets one look after a (re)start: level-triggered.
    for (const s of this.caches.stacks.list()) this.queue.add(keyOf(s));
    this.workers = Array.from({ length: this.opts.workers }, () => this.work());
  }

  private async work(): Promise<void> {
    for (;;) {
      const item = await this.queue.get();
      if (!item) return;
      this.opts.metrics?.queueLatency(item.waitedMs / 1000);
      this.opts.metrics?.queueDepth(this.queue.depth);
      const started = performance.now();
      // How many times in a row this key has failed: a transient failure is reported in the
      // Stack's status only once it persists.
      const failedBefore = this.queue.retries(item.key);
      let result: ReconcileResult | undefined;
      try {
        result = await this.reconciler.reconcile(item.key, { retries: failedBefore });
        if (!result.deferred) this.queue.forget(item.key);
        this.opts.metrics?.reconciled((performance.now() - started) / 1000, 'success');
        if (result.requeueAfterMs !== undefined) this.queue.addAfter(item.key, result.requeueAfterMs);
      } catch (err) {
        this.opts.metrics?.reconciled((performance.now() - started) / 1000, 'error');
        this.opts.metrics?.retried();
        const [namespace, name] = item.key.split('/');
        const retryInMs = errorPolicy(err, this.queue, item.key);
        // A conflict only says our copy was older than the API server's (a spec patched while
        // we worked): the retry works on the newer one. Not worth an Event or a warning.
        const conflict = statusOf(err) === 409;
        const stack = this.caches.stacks.get(item.key);
        if (stack && !conflict)
          void this.deps.record(stack, 'Warning', 'ReconcileFailed', `${describeError(err)}; retrying in ${retryInMs} ms`);
        // A refused apply is in status already (reconcile wrote it); any other failure is
        // written there once it persists past one retry.
        if (stack && !conflict && !(err instanceof ApplyFailedError) && failedBefore >= 1)
          await this.reconciler
            .reportFailure(item.key, err, failedBefore)
            .catch((e: unknown) =>
              this.opts.logger.debug({ namespace, name, err: (e as Error)?.message }, 'could not report the failure in status'),
            );
        this.opts.logger[conflict ? 'debug' : 'warn'](
          {
            namespace,
            name,
            err: (err as Error)?.message ?? String(err),
            code: statusOf(err),
            retryInMs,
            retries: this.queue.retries(item.key),
          },
          'reconcile failed; will retry',
        );
      } finally {
        this.queue.done(item.key);
      }
    }
  }

  /** Stops taking work, lets in-flight reconciles finish (bounded), stops the informers. */
  async stop(timeoutMs = 20_000): Promise<void> {
    this.queue.shutDown();
    if (this.running) {
      await Promise.race([Promise.all(this.workers), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
    }
    for (const i of this.caches.all) i.stop();
    this.running = false;
  }
}
