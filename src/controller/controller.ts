// The Stack controller: the generic controller runtime (src/runtime/controller.ts) wired to
// Stacks. Which events queue which stack (a stack and the stacks that link to it; a child's or
// a pod's owning stack), what is forgotten when a Stack or a child goes, reconcile
// (stack-reconciler.ts), and the Stack error policy: a write conflict is retried soon, anything else
// after the key's backoff, with an Event, a log line, and the failure written into status once
// it persists.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { describeError, statusOf } from '../runtime/api-error.ts';
import { Controller, type ControllerMetrics, type ErrorPolicy, type RetryDecision } from '../runtime/controller.ts';
import { keyOf } from '../runtime/informer.ts';
import type { Caches } from './caches.ts';
import { stackKeyOf } from './caches.ts';
import type { ReconcileDeps } from './reconcile-deps.ts';
import { ApplyFailedError } from './report.ts';
import { StackReconciler } from './stack-reconciler.ts';

export interface StackControllerOptions {
  workers: number;
  logger: Logger;
  metrics?: ControllerMetrics;
  /** How long a stop waits for the reconciles in flight. */
  drainTimeoutMs?: number;
}

/** When a failed reconcile is tried again. */
export function retryDecision(err: unknown): RetryDecision {
  // A write conflict means our cache was behind: try again soon, without growing backoff.
  return statusOf(err) === 409 ? { retryAfterMs: 100 } : 'backoff';
}

/**
 * The retry decision, and what a failure is told by: an Event on the Stack, the failure in its
 * status once it persists past one retry, and a log line.
 */
function stackErrorPolicy(caches: Caches, deps: ReconcileDeps, reconciler: StackReconciler, logger: Logger): ErrorPolicy {
  return async (err, key, ctx) => {
    const decision = retryDecision(err);
    const retryInMs = decision === 'backoff' ? ctx.backoffMs : decision.retryAfterMs;
    const [namespace, name] = key.split('/');
    // A conflict only says our copy was older than the API server's (a spec patched while
    // we worked): the retry works on the newer one. Not worth an Event or a warning.
    const conflict = statusOf(err) === 409;
    const stack = caches.stacks.get(key);
    if (stack && !conflict)
      void deps.record(stack, 'Warning', 'ReconcileFailed', `${describeError(err)}; retrying in ${retryInMs} ms`);
    // A refused apply is in status already (reconcile wrote it); any other failure is
    // written there once it persists past one retry.
    if (stack && !conflict && !(err instanceof ApplyFailedError) && ctx.retries >= 1)
      await reconciler
        .reportFailure(key, err, ctx.retries)
        .catch((e: unknown) =>
          logger.debug({ namespace, name, err: (e as Error)?.message }, 'could not report the failure in status'),
        );
    logger[conflict ? 'debug' : 'warn'](
      {
        namespace,
        name,
        err: (err as Error)?.message ?? String(err),
        code: statusOf(err),
        retryInMs,
        // Failures in a row, this one counted when it backs off.
        retries: decision === 'backoff' ? ctx.retries + 1 : ctx.retries,
      },
      'reconcile failed; will retry',
    );
    return decision;
  };
}

/**
 * A controller of the Stacks in `caches`: synced before work starts, every stack looked at
 * once per run, and again whenever it, a stack it links to, or one of its children changes.
 */
/** The runtime's controller, with the reconciler it runs (its memory, for tests and metrics). */
export type StackController = Controller & { readonly reconciler: StackReconciler };

export function createStackController(caches: Caches, deps: ReconcileDeps, opts: StackControllerOptions): StackController {
  const reconciler = new StackReconciler(deps);
  const controller = new Controller({
    caches: caches.all,
    keys: () => [...caches.stacks.list()].map(keyOf),
    reconcile: (key, ctx) => reconciler.reconcile(key, ctx),
    errorPolicy: stackErrorPolicy(caches, deps, reconciler, opts.logger),
    workers: opts.workers,
    logger: opts.logger,
    ...(opts.metrics && { metrics: opts.metrics }),
    ...(opts.drainTimeoutMs !== undefined && { drainTimeoutMs: opts.drainTimeoutMs }),
  });
  const { queue } = controller;
  // A stack and the stacks that link to it (`service.stack`): its state, its Services' cluster
  // IPs and its pods' addresses are part of theirs (their status, their DNS names).
  const withDependents = (key: string) => {
    queue.add(key);
    for (const s of caches.stacks.byIndex('linksTo', key)) queue.add(keyOf(s));
  };
  caches.stacks.on((type, obj) => {
    // What is kept per Stack goes with it (a Stack of the same name later starts afresh).
    if (type === 'delete') reconciler.forgetStack(keyOf(obj));
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
    if (type === 'delete' && uid !== undefined) reconciler.forgetChild(uid);
  };
  for (const informer of Object.values(caches.children)) {
    informer.on(forgetChild);
    informer.on(toOwner);
  }
  caches.pods.on(toOwner);
  return Object.assign(controller, { reconciler });
}
