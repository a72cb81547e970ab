// Plan, the second step of a reconcile: what the translation wants of a valid Stack, which
// services are left alone, and the transitional state to say at once. Pure: reads the caches,
// writes nothing.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { StackStatus } from '../model/stack.ts';
import { TRANSITIONAL_STATES } from '../states/kinds.ts';
import { blockedServices, type Surroundings, serviceChildName, type Translation } from '../translate/index.ts';
import type { Observation } from './observe.ts';
import type { ReconcileDeps } from './reconcile-deps.ts';
import { computeStatus } from './status.ts';

export type ValidObservation = Extract<Observation, { outcome: 'valid' }>;

export interface Plan {
  translation: Translation;
  /**
   * Services with a problem, left out of the translation: their existing children stay as
   * they are (no data lost to a typo). '' when the problem is stack-wide: every child stays.
   */
  blocked: ReadonlySet<string>;
  /** The status that says the transitional state the work begins with; absent when there is none to say. */
  announce: StackStatus | undefined;
  /**
   * The stack's EndpointSlices made again with the cluster IPs this reconcile's own Service
   * applies answered (by Service name), before the cache has them: a new stack's DNS names
   * get their addresses in its first reconcile, not one write later.
   */
  slicesWith: (clusterIPs: ReadonlyMap<string, string>) => readonly KubernetesObject[];
}

export function plan(seen: ValidObservation, deps: ReconcileDeps, appliedGenerations: ReadonlyMap<string, number>): Plan {
  const { stack, surroundings } = seen;
  const translation = deps.translate(stack, surroundings);
  return {
    translation,
    blocked: blockedServices(translation),
    announce: announcement(seen, translation, deps, appliedGenerations),
    slicesWith: (clusterIPs) =>
      deps
        .translate(stack, withClusterIPs(surroundings, stack.metadata.name, clusterIPs))
        .objects.filter((o) => o.kind === 'EndpointSlice'),
  };
}

/**
 * A new spec: say at once that the work has begun (Starting, Stopping, Redeploying,
 * Terminating), as the cluster shows it before we act. Done quickly, the work could otherwise
 * end before any status says it was under way.
 */
function announcement(
  seen: ValidObservation,
  translation: Translation,
  deps: ReconcileDeps,
  appliedGenerations: ReadonlyMap<string, number>,
): StackStatus | undefined {
  const { stack, images } = seen;
  if (stack.status?.observedGeneration === stack.metadata.generation) return undefined;
  // Not for a stack that has no state yet (just created): nothing it was doing can end unseen,
  // and the final status of this very reconcile says where it stands. One status write fewer
  // for every new stack (the API server's cost per stack: bench/README.md).
  if (stack.status?.state === undefined) return undefined;
  // Not for a stack whose last reconcile failed to apply something (Synced=False): a status
  // derived before applying cannot know whether it still fails, and would say Degraded=False
  // for the moment until the final status; the verdict comes with the final status.
  const wasFailing = stack.status?.conditions?.some((c) => c.type === 'Synced' && c.status === 'False') ?? false;
  if (wasFailing) return undefined;
  const { problems, notices, warnings } = translation;
  const before = computeStatus({
    stack,
    caches: deps.caches,
    problems,
    notices,
    warnings,
    conflicts: [],
    now: deps.now(),
    rules: deps.rules,
    appliedGenerations,
    ...(images !== undefined && { images: images.pins }),
  });
  const changed = before.state && TRANSITIONAL_STATES.includes(before.state) && before.state !== stack.status?.state;
  return changed ? before : undefined;
}

/**
 * The surroundings, with the cluster IPs that this reconcile's own Service applies answered
 * (by Service name) before the cache has them.
 */
function withClusterIPs(base: Surroundings, stackName: string, clusterIPs: ReadonlyMap<string, string>): Surroundings {
  return {
    ...base,
    serviceAddresses: (owner, service) => {
      const ip = owner === stackName ? clusterIPs.get(serviceChildName(owner, service)) : undefined;
      return ip === undefined ? base.serviceAddresses(owner, service) : [ip];
    },
  };
}
