// Apply, the third step of a reconcile: server-side applies what the child plan wants (skipping
// what is as we last applied it), then prunes what the spec no longer wants. Independent calls
// run concurrently, a few at a time (CHILD_CONCURRENCY): a stack's reconcile takes about one
// round trip, not one per object. One child refused does not keep the others from being
// applied: its failure is collected and reported (see report.ts).
import type { V1Service } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { Stack } from '../model/stack.ts';
import { errorMessage, isTransient, statusOf } from '../runtime/api-error.ts';
import type { ApplyFailure } from '../states/input.ts';
import { type ServiceObject, serviceNeedsRecreate } from '../translate/index.ts';
import { allBounded } from '../util/bounded.ts';
import { grantsAsApplied, isCurrent, SPEC_HASH_ANNOTATION, specHash } from './child-currency.ts';
import { type ChildApply, type ChildPlan, serviceOf } from './child-plan.ts';
import type { Plan } from './plan.ts';
import { CHILD_CONCURRENCY, goneAlready, type ReconcileDeps } from './reconcile-deps.ts';

/** A child whose apply failed, with the error and whether a retry may cure it. */
export interface FailedApply {
  failure: ApplyFailure;
  error: unknown;
  transient: boolean;
}

/**
 * Applies the child plan and prunes. The stack's EndpointSlices go last, made again by the
 * plan's `slicesWith` from the cluster IPs the Service applies answered. `appliedGenerations`
 * (by uid) is kept up to date: the generation each apply left, none for a deleted child.
 */
export async function applyChildren(
  stack: Stack,
  plan: Plan,
  children: ChildPlan,
  deps: ReconcileDeps,
  appliedGenerations: Map<string, number>,
  log: Logger,
): Promise<FailedApply[]> {
  const { namespace } = stack.metadata;
  const clusterIPs = new Map<string, string>();
  const failed: FailedApply[] = [];
  const apply = async (child: ChildApply) => {
    try {
      await applyOne(child);
    } catch (error) {
      const { obj, kind } = child;
      const failure: ApplyFailure = {
        service: serviceOf(obj),
        kind,
        name: obj.metadata?.name ?? '',
        code: statusOf(error),
        message: errorMessage(error),
      };
      failed.push({ failure, error, transient: isTransient(error) });
      log.debug({ kind, child: failure.name, code: failure.code, err: failure.message }, 'apply failed');
    }
  };
  const applyOne = async ({ obj, kind, cached, existing: found }: ChildApply) => {
    let existing = found;
    if (kind === 'Service' && existing && serviceNeedsRecreate(existing as V1Service, obj as ServiceObject)) {
      // clusterIP is immutable: a service that gains its first port or loses its last one is
      // replaced. The apply below recreates it (or a retry does, if deletion is still under way).
      await deps.clients.Service.delete(namespace, obj.metadata!.name!, existing.metadata!.uid!);
      deps.onWrite?.('delete', kind);
      log.info({ kind, child: obj.metadata?.name }, 'recreating service: clusterIP cannot change in place');
      existing = undefined;
    }
    // A claim's spec is immutable: one that exists is left as it is (size or class changes
    // apply to new claims only).
    if (kind === 'PersistentVolumeClaim' && existing) return;
    const hash = specHash(obj);
    if (kind === 'Job' && existing && existing.metadata?.annotations?.[SPEC_HASH_ANNOTATION] !== hash) {
      // A Job's pod template cannot change, and a Job is one run: a changed definition (or a
      // redeploy's revision) is a fresh run, so the old Job goes (its pods with it) and the
      // apply below creates the new one.
      // Gone already, or replaced (the cache still shows the old one after our last replacement):
      // the apply below then creates it or finds the fresh run.
      await deps.clients.Job.delete(namespace, obj.metadata!.name!, existing.metadata!.uid!).catch(goneAlready);
      deps.onWrite?.('delete', kind);
      if (existing.metadata?.uid) appliedGenerations.delete(existing.metadata.uid);
      log.info({ kind, child: obj.metadata?.name }, 'replacing job: a changed definition is a fresh run');
      existing = undefined;
    }
    if (
      existing !== undefined &&
      cached !== undefined &&
      isCurrent(cached, hash, appliedGenerations) &&
      grantsAsApplied(cached, obj)
    )
      return;
    const body = {
      ...obj,
      metadata: { ...obj.metadata, annotations: { ...obj.metadata?.annotations, [SPEC_HASH_ANNOTATION]: hash } },
    };
    const result = await deps.clients[kind].apply(body);
    deps.onWrite?.('apply', kind);
    if (result.metadata?.uid && result.metadata.generation !== undefined)
      appliedGenerations.set(result.metadata.uid, result.metadata.generation);
    const ip = (result as V1Service).spec?.clusterIP;
    if (kind === 'Service' && ip !== undefined && ip !== 'None') clusterIPs.set(obj.metadata?.name ?? '', ip);
    log.debug({ kind, child: obj.metadata?.name }, 'applied');
  };
  await allBounded(
    children.applies.filter((p) => p.kind !== 'EndpointSlice'),
    CHILD_CONCURRENCY,
    apply,
  );
  const slices = children.applies.filter((p) => p.kind === 'EndpointSlice');
  if (slices.length > 0) {
    // Translated again only when an apply answered cluster IPs the cache lacked; otherwise
    // (a converged stack: no Service applied) the planned slices are those already.
    const fresh = new Map(clusterIPs.size === 0 ? [] : plan.slicesWith(clusterIPs).map((o) => [o.metadata?.name, o]));
    await allBounded(slices, CHILD_CONCURRENCY, (p) => apply({ ...p, obj: fresh.get(p.obj.metadata?.name) ?? p.obj }));
  }
  for (const c of children.conflicts)
    void deps.record(stack, 'Warning', 'NameConflict', `${c.kind} ${c.name} exists and is not owned by this stack; left alone`);

  // A service some of whose children were refused keeps its old ones (old volumes included)
  // until the new ones are in place.
  const incomplete = new Set(failed.map((f) => f.failure.service));
  const prunes = children.prunes.filter((p) => !incomplete.has(p.service));
  await allBounded(prunes, CHILD_CONCURRENCY, async ({ kind, child }) => {
    await deps.clients[kind].delete(namespace, child.metadata!.name!, child.metadata!.uid!).catch(goneAlready);
    deps.onWrite?.('delete', kind);
    if (child.metadata?.uid) appliedGenerations.delete(child.metadata.uid);
    log.info({ kind, child: child.metadata?.name }, 'pruned');
  });
  return failed;
}
