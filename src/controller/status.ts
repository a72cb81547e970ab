// Gathers what the cluster reports about a Stack's children from the caches and turns it into
// the Stack's status with the pure state rules (src/states/derive.ts). Times that record a
// step (deployed, destroyed) and condition transition times carry over from the old status.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Condition, ServiceImageStatus, ServiceStatus, Stack, StackStatus } from '../model/stack.ts';
import { mergeConditions } from '../states/conditions.ts';
import { deriveStatus } from '../states/derive.ts';
import type { ApplyFailure, Conflict, ObservedPods, StatusInput, WorkloadObservation } from '../states/input.ts';
import { lifecycle } from '../states/lifecycle.ts';
import { stateTimes } from '../states/times.ts';
import type { Problem } from '../translate/index.ts';
import { controlledBy } from '../translate/kube-object.ts';
import { ANNOTATION_REDEPLOY_REVISION } from '../translate/labels.ts';
import type { TranslateOptions } from '../translate/options.ts';
import { type ObservedService, publishedPorts } from '../translate/published-ports.ts';
import { stableStringify } from '../util/stable-json.ts';
import { type Caches, SERVICE_LABEL } from './caches.ts';

export interface StatusRules {
  /** How long a DaemonSet may take to converge before it counts as failed. */
  progressDeadlineSeconds: number;
  /** How published ports are reached (the translation's options): absent, no publishedPorts in status. */
  publishing?: Pick<TranslateOptions, 'publishMode' | 'nodePortRange'>;
}

interface GatherInput {
  stack: Stack;
  caches: Caches;
  problems: readonly Problem[];
  notices: readonly Problem[];
  /** What cannot be known from the spec (the Warnings condition); none when absent. */
  warnings?: readonly Problem[];
  conflicts: readonly Conflict[];
  /** What this reconcile could not apply; absent before anything was applied (Synced keeps its value). */
  applyFailures?: readonly ApplyFailure[];
  invalid?: string;
  now: Date;
  rules: StatusRules;
  /**
   * The generation each child had after our last apply, by uid. The cache may not have seen
   * that apply yet: a rollout just begun would look finished there. The newer generation wins.
   */
  appliedGenerations?: ReadonlyMap<string, number>;
  /** The digest each service runs at, by name (src/controller/images.ts); absent when digests are off. */
  images?: ReadonlyMap<string, ServiceImageStatus>;
}

type Workload = KubernetesObject & {
  spec?: { replicas?: number; completions?: number; template?: { metadata?: { annotations?: Record<string, string> } } };
  status?: {
    active?: number;
    ready?: number;
    succeeded?: number;
    failedIndexes?: string;
    observedGeneration?: number;
    replicas?: number;
    readyReplicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
    desiredNumberScheduled?: number;
    currentNumberScheduled?: number;
    numberReady?: number;
    updatedNumberScheduled?: number;
    numberAvailable?: number;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
  };
};

function observe(w: Workload): WorkloadObservation {
  const s = w.status ?? {};
  if (w.kind === 'Job') return observeJob(w);
  const isDaemonSet = w.kind === 'DaemonSet';
  return {
    kind: isDaemonSet ? 'DaemonSet' : 'Deployment',
    exists: true,
    generation: w.metadata?.generation ?? 0,
    observedGeneration: s.observedGeneration ?? 0,
    specReplicas: isDaemonSet ? (s.desiredNumberScheduled ?? 0) : (w.spec?.replicas ?? 0),
    replicas: isDaemonSet ? (s.currentNumberScheduled ?? 0) : (s.replicas ?? 0),
    readyReplicas: isDaemonSet ? (s.numberReady ?? 0) : (s.readyReplicas ?? 0),
    updatedReplicas: isDaemonSet ? (s.updatedNumberScheduled ?? 0) : (s.updatedReplicas ?? 0),
    availableReplicas: isDaemonSet ? (s.numberAvailable ?? 0) : (s.availableReplicas ?? 0),
    progressDeadlineExceeded:
      s.conditions?.some((c) => c.type === 'Progressing' && c.status === 'False' && c.reason === 'ProgressDeadlineExceeded') ??
      false,
    podTemplateRedeployRevision: w.spec?.template?.metadata?.annotations?.[ANNOTATION_REDEPLOY_REVISION],
    replicaFailure: isDaemonSet ? undefined : replicaFailure(s.conditions),
  };
}

/** A Job: one run of a service whose containers may end (see translate/workload.ts). */
function observeJob(w: Workload): WorkloadObservation {
  const s = w.status ?? {};
  const generation = w.metadata?.generation ?? 0;
  return {
    kind: 'Job',
    exists: true,
    generation,
    observedGeneration: generation,
    specReplicas: w.spec?.completions ?? 0,
    replicas: s.active ?? 0,
    readyReplicas: s.ready ?? 0,
    updatedReplicas: s.active ?? 0,
    availableReplicas: s.ready ?? 0,
    progressDeadlineExceeded: false,
    podTemplateRedeployRevision: w.spec?.template?.metadata?.annotations?.[ANNOTATION_REDEPLOY_REVISION],
    ended: { succeeded: s.succeeded ?? 0, failed: countIndexes(s.failedIndexes) },
  };
}

/** How many indexes an Indexed Job's interval list names: "1,3-5" → 4. */
export function countIndexes(list: string | undefined): number {
  if (list === undefined || list === '') return 0;
  return list.split(',').reduce((n, part) => {
    const [from, to] = part.split('-').map(Number);
    return n + (to === undefined ? 1 : (to ?? 0) - (from ?? 0) + 1);
  }, 0);
}

/**
 * A Deployment's ReplicaFailure condition (True): kube-controller-manager copies it from its
 * newest ReplicaSet that has one, reason FailedCreate (or FailedDelete) and, as message, the
 * API server's refusal of the Pod (Pod Security admission, a quota, a webhook).
 */
function replicaFailure(
  conditions: readonly { type: string; status: string; reason?: string; message?: string }[] | undefined,
): { reason: string; message: string } | undefined {
  const c = conditions?.find((c) => c.type === 'ReplicaFailure' && c.status === 'True');
  return c === undefined ? undefined : { reason: c.reason ?? 'ReplicaFailure', message: c.message ?? '' };
}

export function gather(input: GatherInput): StatusInput {
  const { stack, caches } = input;
  const key = `${stack.metadata.namespace}/${stack.metadata.name}`;
  const uid = stack.metadata.uid;
  const workloads: Record<string, WorkloadObservation> = {};
  for (const kind of ['Deployment', 'DaemonSet', 'Job'] as const) {
    for (const w of caches.children[kind].byIndex('stack', key) as Workload[]) {
      if (!controlledBy(w, uid) || w.metadata?.deletionTimestamp) continue;
      const service = w.metadata?.labels?.[SERVICE_LABEL];
      if (!service) continue;
      const seen = observe(w);
      const applied = input.appliedGenerations?.get(w.metadata?.uid ?? '');
      workloads[service] = applied !== undefined && applied > seen.generation ? { ...seen, generation: applied } : seen;
    }
  }
  const pods: Record<string, ObservedPods & { ready: number; ended: number }> = {};
  for (const p of caches.pods.byIndex('stack', key)) {
    const service = p.metadata?.labels?.[SERVICE_LABEL] ?? '';
    const c = pods[service] ?? { existing: 0, terminating: 0, ready: 0, ended: 0 };
    pods[service] = c;
    c.existing++;
    const status = (p as { status?: { ready?: boolean; unschedulable?: string; exitCode?: number; phase?: string } }).status;
    if (p.metadata?.deletionTimestamp) c.terminating++;
    else if (status?.unschedulable !== undefined) c.unschedulable ??= status.unschedulable;
    if (status?.ready) c.ready++;
    if (!p.metadata?.deletionTimestamp && (status?.phase === 'Succeeded' || status?.phase === 'Failed')) c.ended++;
    if (status?.exitCode !== undefined) {
      c.exitCodes ??= [];
      c.exitCodes.push(status.exitCode);
    }
  }
  let remainingChildren = 0;
  for (const informer of Object.values(caches.children)) {
    for (const c of informer.byIndex('stack', key)) if (controlledBy(c, uid)) remainingChildren++;
  }
  return {
    stack,
    workloads,
    pods,
    problems: input.problems,
    notices: input.notices,
    ...(input.warnings !== undefined ? { warnings: input.warnings } : {}),
    conflicts: input.conflicts,
    ...(input.applyFailures !== undefined ? { applyFailures: input.applyFailures } : {}),
    remainingChildren,
    now: input.now,
    progressDeadlineSeconds: input.rules.progressDeadlineSeconds,
    ...(input.invalid !== undefined ? { invalid: input.invalid } : {}),
  };
}

export function computeStatus(input: GatherInput): StackStatus {
  const { stack, now } = input;
  const derived = deriveStatus(gather(input));
  const old = stack.status ?? {};
  const { deployedAt, destroyedAt } = stateTimes(old, derived.state, now.toISOString());
  return {
    observedGeneration: stack.metadata.generation ?? 0,
    state: derived.state,
    synchronized: derived.synchronized,
    servicesReady: derived.servicesReady,
    deployedAt,
    destroyedAt,
    services: withPublishedPorts(input, derived.services).map((s) => {
      const image = input.images?.get(s.name);
      return image === undefined ? s : { ...s, image };
    }),
    conditions: mergeConditions(old.conditions ?? [], derived.conditions, now) as Condition[],
  };
}

/**
 * Each service's published ports, where the Service the cluster reports makes them reachable
 * (the node port it allocated): the user sees when that is not the port asked for.
 */
function withPublishedPorts(input: GatherInput, services: ServiceStatus[]): ServiceStatus[] {
  const publishing = input.rules.publishing;
  const { stack, caches } = input;
  // Where a port is reachable, for a stack asked to run: a stopped one has no container
  // listening (a node port kept for it answers nothing), a terminated one nothing at all.
  if (publishing === undefined || lifecycle(stack) !== 'running') return services;
  const observed = new Map<string, ObservedService>();
  for (const s of caches.children.Service.byIndex('stack', `${stack.metadata.namespace}/${stack.metadata.name}`)) {
    const service = s.metadata?.labels?.[SERVICE_LABEL];
    if (service === undefined || !controlledBy(s, stack.metadata.uid)) continue;
    const seen = s as {
      spec?: { ports?: ObservedService['ports'] };
      status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
    };
    const ingress = seen.status?.loadBalancer?.ingress?.[0];
    const address = ingress?.ip ?? ingress?.hostname;
    observed.set(service, { ports: seen.spec?.ports ?? [], ...(address !== undefined && { address }) });
  }
  return services.map((status) => {
    const svc = stack.spec.services.find((x) => x.name === status.name);
    const ports = svc === undefined ? [] : publishedPorts(svc, publishing, observed.get(status.name) ?? { ports: [] });
    return ports.length > 0 ? { ...status, publishedPorts: ports } : status;
  });
}

/** Equal for the purpose of writing: a status that would not change is not written. */
export function statusEqual(a: StackStatus | undefined, b: StackStatus): boolean {
  return stableStringify(normalise(a ?? {})) === stableStringify(normalise(b));
}

function normalise(s: StackStatus): unknown {
  return {
    observedGeneration: s.observedGeneration ?? 0,
    state: s.state ?? null,
    synchronized: s.synchronized ?? null,
    servicesReady: s.servicesReady ?? null,
    deployedAt: s.deployedAt ?? null,
    destroyedAt: s.destroyedAt ?? null,
    services: s.services ?? [],
    conditions: (s.conditions ?? []).map((c) => [
      c.type,
      c.status,
      c.reason,
      c.message,
      c.lastTransitionTime,
      c.observedGeneration ?? null,
    ]),
  };
}
