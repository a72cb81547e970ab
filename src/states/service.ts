// The Docker Cloud state of one service, from its workload, its pods and its previous status.
// The previous status only tells apart situations the cluster reports identically: a service
// scaling from a start, a rollout's last pods from a first start, a lost pod from a start.

import { deploymentStrategy, restartPolicy, targetNumContainers, workloadKind } from '../model/defaults.ts';
import type { ServiceSpec, ServiceState, ServiceStatus } from '../model/stack.ts';
import type { DerivedServiceStatus, ObservedPods, WorkloadObservation } from './input.ts';
import type { Lifecycle } from './lifecycle.ts';

/** What the stack-wide rules need to know about one service besides its status. */
export interface ServiceFacts {
  status: DerivedServiceStatus;
  /** Its workload exists and has observed the spec Longshore applied for the current revision. */
  synchronized: boolean;
  /** Its rollout missed the progress deadline. */
  deadlineExceeded: boolean;
  /** Pods remain (terminating ones included), the workload still wants some, or a Job (a run) remains. */
  podsLeft: boolean;
  /**
   * Its workload cannot create its Pods (the Deployment's ReplicaFailure, while the rollout is
   * not complete): `reason: message`.
   */
  replicaFailure: string | undefined;
  /** Why no node takes one of its pods (`Unschedulable: ...`), while it is meant to run and is not complete. */
  unschedulable: string | undefined;
  /**
   * A service whose containers may end has run to completion: every container exited
   * successfully (its state is then Stopped). It counts as a service that is as it should be.
   */
  done: boolean;
  /** Containers of such a service that ended in failure and will not be restarted: why, for Degraded. */
  containersFailed: string | undefined;
}

export interface ServiceObservation {
  svc: ServiceSpec;
  lifecycle: Lifecycle;
  workload: WorkloadObservation | undefined;
  pods: ObservedPods | undefined;
  previous: ServiceStatus | undefined;
  /** The revision the pod template must carry: podTemplateRevision (context.ts), "3" or "3.1". */
  revision: string;
  /** The service cannot be applied (a translation problem or a name owned by someone else). */
  blocked: boolean;
  /** For a DaemonSet, which has no deadline of its own (see derive.ts). */
  daemonSetDeadlineExceeded: boolean;
  /** Why some of its children could not be applied (the API server refused them); absent when all were. */
  applyFailure?: string | undefined;
}

/** A service's message is bounded: the stack's conditions carry every cause in full. */
const MAX_MESSAGE = 1024;

const UP: readonly ServiceState[] = ['Running', 'Partly running', 'Scaling'];

export function serviceFacts(o: ServiceObservation): ServiceFacts {
  const w = o.workload?.exists === true ? o.workload : undefined;
  const running = o.lifecycle === 'running';
  const runsOnce = workloadKind(o.svc) === 'Job';
  // One container per node run once: as many as its Job was made for (the schedulable nodes).
  const perNodeJob = runsOnce && deploymentStrategy(o.svc) === 'EVERY_NODE';
  const target = !running
    ? 0
    : w?.kind === 'DaemonSet'
      ? w.specReplicas
      : perNodeJob
        ? (w?.specReplicas ?? 0)
        : targetNumContainers(o.svc);
  const ready = w?.readyReplicas ?? o.pods?.ready ?? 0;
  const current = o.pods !== undefined ? o.pods.existing - o.pods.terminating : (w?.replicas ?? 0);
  // A Job is one run, deleted when the stack stops: until it is gone (from the cache too), the
  // run is not over, and a start must not find it and take it for the fresh run.
  const podsLeft = (o.pods?.existing ?? 0) > 0 || (w?.replicas ?? 0) > 0 || w?.kind === 'Job';

  const observed = w !== undefined && (w.kind === 'Job' || w.observedGeneration >= w.generation);
  const revisionOk = w?.podTemplateRedeployRevision === o.revision;
  const replicasOk = w !== undefined && (w.kind === 'DaemonSet' || w.specReplicas === target);
  // Docker Cloud's meaning: the service runs the current definition, so while it is meant to
  // run, no pod of an older template may be left (a rollout under way is not synchronized).
  const noOldPods = !running || w === undefined || w.updatedReplicas >= w.replicas;
  const synchronized = observed && revisionOk && replicasOk && noOldPods;
  const complete =
    synchronized && w !== undefined && w.updatedReplicas === target && w.readyReplicas === target && w.replicas === target;
  const deadlineExceeded =
    running &&
    !complete &&
    w !== undefined &&
    (w.kind === 'DaemonSet' ? o.daemonSetDeadlineExceeded : w.progressDeadlineExceeded);

  // Pods that cannot be created are a failure only while they are missing: a complete rollout
  // is not held back by a condition left on an older ReplicaSet.
  const replicaFailure =
    running && !complete && w?.replicaFailure !== undefined
      ? `${w.replicaFailure.reason}: ${w.replicaFailure.message}`
      : undefined;
  const containersFailed = running && runsOnce && w?.kind === 'Job' && revisionOk ? jobFailure(o, w) : undefined;
  const failure = [o.applyFailure, replicaFailure, containersFailed].filter((m): m is string => m !== undefined && m !== '');
  // Nothing left to run: every container of this run exited successfully (or none was asked for).
  const done =
    running &&
    runsOnce &&
    o.applyFailure === undefined &&
    !o.blocked &&
    ((target === 0 && !perNodeJob) || (w?.kind === 'Job' && revisionOk && (w.ended?.succeeded ?? 0) >= target));
  const state = serviceState(o, {
    w,
    target,
    ready,
    podsLeft,
    observed,
    revisionOk,
    complete,
    deadlineExceeded,
    failing: running && failure.length > 0,
    done,
  });
  const status: DerivedServiceStatus = {
    name: o.svc.name,
    state,
    targetContainers: target,
    currentContainers: current,
    readyContainers: ready,
    ...((o.pods?.ended ?? 0) > 0 && { endedContainers: o.pods?.ended }),
  };
  // A pod no node takes (a tag no node carries, a host port every node holds, too little
  // memory) is not a failure by itself (a node may come), but it is why the service waits.
  const unschedulable =
    running && !complete && o.pods?.unschedulable !== undefined ? `Unschedulable: ${o.pods.unschedulable}` : undefined;
  const causes = unschedulable === undefined ? failure : [...failure, unschedulable];
  const problems = deadlineExceeded ? [...causes, 'ProgressDeadlineExceeded: no progress within the deadline'] : causes;
  if (running && problems.length > 0) {
    const message = problems.join('; ');
    status.message = message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE - 1)}…` : message;
  }
  return {
    status,
    synchronized: synchronized && o.applyFailure === undefined,
    deadlineExceeded,
    podsLeft,
    replicaFailure,
    unschedulable,
    done,
    containersFailed,
  };
}

/**
 * Why some containers of a Job ended for good: `2 of 3 containers exited with an error (exit
 * code 1) and are not restarted (autorestart OFF)`; undefined when none did.
 */
function jobFailure(o: ServiceObservation, w: WorkloadObservation): string | undefined {
  const failed = w.ended?.failed ?? 0;
  if (failed === 0) return undefined;
  const codes = [...new Set(o.pods?.exitCodes ?? [])].sort((a, b) => a - b);
  const exit = codes.length === 0 ? '' : ` (exit code ${codes.join(', ')})`;
  const retries = o.svc.autorestartRetries;
  const policy =
    restartPolicy(o.svc) === 'OFF'
      ? 'are not restarted (autorestart OFF)'
      : `have no retry left${retries === undefined ? '' : ` (on-failure:${retries})`}`;
  return `${failed} of ${w.specReplicas} containers exited with an error${exit} and ${policy}`;
}

interface Derived {
  w: WorkloadObservation | undefined;
  target: number;
  ready: number;
  podsLeft: boolean;
  observed: boolean;
  revisionOk: boolean;
  complete: boolean;
  deadlineExceeded: boolean;
  /** Children refused by the API server, Pods its workload cannot create, or containers that failed for good. */
  failing: boolean;
  /** A service whose containers may end has run to completion. */
  done: boolean;
}

function serviceState(o: ServiceObservation, d: Derived): ServiceState {
  switch (o.lifecycle) {
    case 'terminated':
      return d.w !== undefined || d.podsLeft ? 'Terminating' : 'Terminated';
    case 'stopped':
      return d.podsLeft ? 'Stopping' : 'Stopped';
    case 'never-started':
      return d.podsLeft ? 'Stopping' : 'Not running';
    case 'running':
      return runningServiceState(o, d);
  }
}

/** desiredState Running: how far the service is from running at its target. */
function runningServiceState(o: ServiceObservation, d: Derived): ServiceState {
  const { w, target, ready } = d;
  // A service whose containers ended as they should (exited successfully) is Stopped, as
  // Docker Cloud showed it; the stack counts it as running as asked (see derive.ts).
  if (d.done) return 'Stopped';
  if (w === undefined) return o.blocked || d.failing ? 'Not running' : 'Starting';
  if (w.kind === 'Job') return runningJobState(o, d, w);
  // Something it needs was refused (its Deployment, its Service, its Pods): it does not run as
  // specified until the cause is removed (the spec, the namespace's policy or quota).
  if (d.failing) return ready > 0 ? 'Partly running' : 'Not running';
  if (d.complete) return 'Running';
  if (d.deadlineExceeded) return ready > 0 ? 'Partly running' : 'Not running';

  const wasUp = o.previous !== undefined && UP.includes(o.previous.state);
  // Pods of an older template remain, or the new revision is not applied yet.
  const rolling = w.updatedReplicas < w.replicas || !d.revisionOk;
  if (wasUp && !rolling && (o.previous?.targetContainers !== target || o.previous?.state === 'Scaling')) return 'Scaling';
  if (w.replicas > 0 && (rolling || !d.observed)) return 'Redeploying';
  if (w.replicas > 0 && o.previous?.state === 'Redeploying') return 'Redeploying';
  if (wasUp && ready > 0) return 'Partly running';
  return 'Starting';
}

/**
 * desiredState Running, for a service run as a Job: Running while every container runs or has
 * exited successfully; Redeploying while a Job of an older definition is still there, and until
 * the fresh run is up when it replaced one; Starting otherwise.
 */
function runningJobState(o: ServiceObservation, d: Derived, w: WorkloadObservation): ServiceState {
  if (d.failing) return d.ready > 0 ? 'Partly running' : 'Not running';
  if (!d.revisionOk) return 'Redeploying';
  if (d.ready + (w.ended?.succeeded ?? 0) >= d.target) return 'Running';
  return o.previous?.state === 'Redeploying' ? 'Redeploying' : 'Starting';
}
