// The Stack reconciler: level-triggered. reconcile(key) reads the Stack and its children from
// the caches, applies what the translation wants (server-side apply, one field manager),
// prunes what it no longer wants, and writes the status derived from what the cluster
// reports. Whatever happened before, running it again converges; running it on a converged
// stack writes nothing. It reads top down, one step a file:
//
//   observe  (observe.ts)   the Stack from the cache; a stale copy or an invalid spec stops here
//   plan     (plan.ts, child-plan.ts)  the translation, blocked services, the state to announce,
//                           what to apply and prune
//   apply    (apply-children.ts, token-secret.ts, autodestroy.ts)
//   report   (report.ts, requeue.ts)  the final status and its Events, when to look again
//
// What it remembers between reconciles (applied generations, its own status writes, token
// Secrets created) is its own, in this process only; the wiring tells it what was deleted
// (forgetStack, forgetChild) so that a cluster that creates and deletes stacks all day does
// not grow the heap.

import type { Stack, StackStatus } from '../model/stack.ts';
import type { ReconcileContext, ReconcileResult } from '../runtime/controller.ts';
import { isNewerResourceVersion } from '../runtime/resource-version.ts';
import { applyChildren } from './apply-children.ts';
import { removeEndedContainers } from './autodestroy.ts';
import { planChildren } from './child-plan.ts';
import { observe } from './observe.ts';
import { type Plan, plan, type ValidObservation } from './plan.ts';
import type { ReconcileDeps } from './reconcile-deps.ts';
import { type Applied, failureStatus, reportApplied, reportInvalidSpec, writeState } from './report.ts';
import { nextLook } from './requeue.ts';
import { recordPlanEvents } from './stack-events.ts';
import { statusEqual } from './status.ts';
import { createTokenSecret } from './token-secret.ts';

export class StackReconciler {
  readonly #deps: ReconcileDeps;
  /** The generation each child had right after our last apply, by uid: drift shows as a newer one. */
  readonly #appliedGenerations = new Map<string, number>();
  /**
   * The resourceVersion each Stack had right after our last status write, by key, until the
   * cache has caught up with it. A cached copy older than that is known to be stale.
   */
  readonly #statusVersions = new Map<string, string>();
  /** By stack key: what its token Secret was last created for (see createTokenSecret). */
  readonly #tokenSecrets = new Map<string, string>();

  constructor(deps: ReconcileDeps) {
    this.#deps = deps;
  }

  async reconcile(key: string, ctx: Partial<ReconcileContext> = {}): Promise<ReconcileResult> {
    const deps = this.#deps;
    // Observe.
    const seen = await observe(key, deps, this.#statusVersions.get(key));
    if (seen.outcome === 'stale') return { deferred: true };
    // Gone, or the cache has caught up with our last status write: nothing to wait for.
    this.#statusVersions.delete(key);
    if (seen.outcome === 'gone') return {};
    if (seen.outcome === 'invalid') {
      await reportInvalidSpec(seen, deps, this.#write);
      return {};
    }

    // Plan; what it found is recorded before any status write shows it.
    const planned = plan(seen, deps, this.#appliedGenerations);
    await recordPlanEvents(seen.stack, planned, seen.images, deps);

    // Apply, with the announcement alongside.
    const applied = await this.#applyAnnouncing(seen, planned);
    const { translation, blocked } = planned;
    if (translation.tokenSecret !== undefined)
      await createTokenSecret(seen.stack, translation.tokenSecret, deps, this.#tokenSecrets, seen.log);
    await removeEndedContainers(seen.stack, blocked, deps, seen.log);

    // Report.
    const status = await reportApplied(seen, planned, applied, ctx.retries ?? 0, deps, this.#appliedGenerations, this.#write);
    return nextLook(seen.stack, status, translation.problems, seen.images, deps, seen.log);
  }

  /**
   * The announcement of a transitional state (see plan.ts) goes out alongside the children's
   * reads and applies: done quickly, the work could otherwise end before any status says it
   * was under way. It is awaited before the final status write, which must win, and which is
   * conditional on the version the announcement left (each write is conditional on the version
   * before it, ours included: see StatusWriter).
   */
  async #applyAnnouncing(seen: ValidObservation, planned: Plan): Promise<Applied> {
    const { stack, log } = seen;
    const announcing =
      planned.announce === undefined ? Promise.resolve(stack) : writeState(stack, planned.announce, this.#deps, this.#write, log);
    const applying = planChildren(stack, planned, this.#deps).then(async (children) => ({
      conflicts: children.conflicts,
      failed: await applyChildren(stack, planned, children, this.#deps, this.#appliedGenerations, log),
    }));
    const [announced, applied] = await Promise.allSettled([announcing, applying]);
    if (announced.status === 'rejected') throw announced.reason;
    if (applied.status === 'rejected') throw applied.reason;
    return { current: announced.value, ...applied.value };
  }

  /**
   * A reconcile that failed otherwise than by a refused apply, for the second time in a row or
   * more (`retries` failures before this one): say so in status (see failureStatus). Best
   * effort: a write refused (a conflict, the cache behind) waits for the next failure.
   */
  async reportFailure(key: string, err: unknown, retries: number): Promise<void> {
    const stack = this.#deps.caches.stacks.get(key) as Stack | undefined;
    if (!stack || stack.metadata.deletionTimestamp) return;
    const written = this.#statusVersions.get(key);
    if (written !== undefined && isNewerResourceVersion(written, stack.metadata.resourceVersion)) return;
    await this.#write(stack, failureStatus(stack, err, retries, this.#deps.now()));
  }

  /** A deleted Stack: what is kept of it goes (a Stack of the same name later starts afresh). */
  forgetStack(key: string): void {
    this.#statusVersions.delete(key);
    this.#tokenSecrets.delete(key);
  }

  /**
   * A deleted child: the garbage collector removes the children of a deleted Stack, which
   * reconcile never sees to prune.
   */
  forgetChild(uid: string): void {
    this.#appliedGenerations.delete(uid);
  }

  /** How many children and stacks it remembers something of (for tests: it must not grow without bound). */
  remembered(): { children: number; stacks: number } {
    return {
      children: this.#appliedGenerations.size,
      stacks: new Set([...this.#statusVersions.keys(), ...this.#tokenSecrets.keys()]).size,
    };
  }

  /** Writes the status unless the Stack shows it already; answers the Stack as it now is. */
  readonly #write = async (stack: Stack, status: StackStatus): Promise<Stack> => {
    if (statusEqual(stack.status, status)) return stack;
    const resourceVersion = await this.#deps.writeStatus(stack, status);
    this.#deps.onWrite?.('status', 'Stack');
    if (resourceVersion) this.#statusVersions.set(`${stack.metadata.namespace}/${stack.metadata.name}`, resourceVersion);
    return { ...stack, status, metadata: { ...stack.metadata, ...(resourceVersion ? { resourceVersion } : {}) } };
  };
}
