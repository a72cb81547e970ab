// What the state rules read (everything the cluster reports about a Stack's children, as the
// controller gathers it from its caches) and what they produce.

import type { Problem } from '../model/problem.ts';
import type { Condition, ServiceStatus, Stack, StackState } from '../model/stack.ts';

/**
 * A service's Deployment, DaemonSet or Job as its status reports it (DaemonSet and Job fields
 * mapped as noted; a Job has no observedGeneration: it is taken as observed).
 */
export interface WorkloadObservation {
  kind: 'Deployment' | 'DaemonSet' | 'Job';
  exists: boolean;
  generation: number;
  observedGeneration: number;
  /** Deployment spec.replicas; DaemonSet status.desiredNumberScheduled; Job spec.completions. */
  specReplicas: number;
  /**
   * Deployment status.replicas (pods of every revision, terminating ones not counted); DaemonSet
   * currentNumberScheduled; Job status.active.
   */
  replicas: number;
  /** DaemonSet numberReady; Job status.ready. */
  readyReplicas: number;
  /** Pods of the current template. DaemonSet updatedNumberScheduled. */
  updatedReplicas: number;
  /** DaemonSet numberAvailable. */
  availableReplicas: number;
  /** Deployment condition Progressing=False, reason ProgressDeadlineExceeded. Always false for a DaemonSet. */
  progressDeadlineExceeded: boolean;
  /** The pod template's longshore.io/redeploy-revision annotation. */
  podTemplateRedeployRevision?: string | undefined;
  /**
   * Deployment condition ReplicaFailure=True: its ReplicaSet cannot create (FailedCreate) or
   * delete (FailedDelete) Pods, with the API server's refusal as message (admission, quota).
   * kube-controller-manager copies it from the newest ReplicaSet that has one; DaemonSets
   * report no such condition.
   */
  replicaFailure?: { reason: string; message: string } | undefined;
  /** A Job's containers that have ended (its indexes), for a service whose containers may end. */
  ended?: JobEnded | undefined;
}

/** What a Job reports of its ended containers. */
export interface JobEnded {
  /** Indexes that succeeded (status.succeeded). */
  succeeded: number;
  /** Indexes that failed for good, no retry left (status.failedIndexes, counted). */
  failed: number;
}

/** A service's pods: `existing` counts every pod, `terminating` those among them being deleted. */
export interface ObservedPods {
  existing: number;
  terminating: number;
  ready?: number;
  /** Why no node takes one of them (the scheduler's message), while one waits for a node. */
  unschedulable?: string;
  /** Its pods that have ended (phase Succeeded or Failed), not being deleted. */
  ended?: number;
  /** The exit codes of its pods that failed (a container that ended with an error), in no particular order. */
  exitCodes?: number[];
}

export interface StatusInput {
  stack: Stack;
  /** By service name; absent when the service has no workload (owned by this Stack) yet. */
  workloads: Readonly<Record<string, WorkloadObservation | undefined>>;
  /** By service name (the pods' longshore.io/service label). */
  pods: Readonly<Record<string, ObservedPods | undefined>>;
  /** From the translation. */
  problems: readonly Problem[];
  /** From the translation: what blocks nothing but the user must know (a linked stack not running). */
  notices?: readonly Problem[];
  /** From the translation: what cannot be known from the spec (the Warnings condition). */
  warnings?: readonly Problem[];
  /** Children that exist under a desired name but belong to someone else. */
  conflicts: readonly Conflict[];
  /**
   * Children the last reconcile could not apply (the API server refused them, or kept failing).
   * Absent when this status is derived before anything was applied (the transitional status
   * written as a reconcile begins): the Synced condition then keeps what it said.
   */
  applyFailures?: readonly ApplyFailure[] | undefined;
  /** Owned children (any kind) still present: a terminated stack is Terminating until none is left. */
  remainingChildren: number;
  now: Date;
  /** Why the spec cannot be acted on at all (it failed validation); absent when it is valid. */
  invalid?: string | undefined;
  /**
   * DaemonSets have no progress deadline of their own: one that has not converged this long
   * after the stack started progressing counts as failed. Default 600, the Deployments' default.
   */
  progressDeadlineSeconds?: number | undefined;
}

/** A desired child whose name an object Longshore does not own holds; service '' for the stack's own. */
export interface Conflict {
  kind: string;
  name: string;
  service: string;
}

/** A desired child the API server did not take: its apply (or, for a Service, its recreation) failed. */
export interface ApplyFailure {
  /** The stack service the child belongs to; '' for the stack's own (its DNS Service and EndpointSlice). */
  service: string;
  kind: string;
  name: string;
  /** HTTP status, when the API server answered. */
  code?: number | undefined;
  /** The API server's message (or the network error's). */
  message: string;
  /**
   * A failure that may pass by itself (5xx, 429, a network error), not failing for long yet:
   * it makes Synced=False only, not Degraded nor the service's state (a blip of the API
   * server must not fail a stack). Absent for a refusal, and once the failure has lasted.
   */
  retrying?: boolean;
}

/** `web: Service shop-web: HTTP 422: ...`, as conditions print an apply failure. */
export function formatApplyFailure(f: ApplyFailure): string {
  const what = `${f.kind} ${f.name}: ${f.code !== undefined ? `HTTP ${f.code}: ` : ''}${f.message}`;
  return f.service === '' ? what : `${f.service}: ${what}`;
}

/** A service's entry in status; `message` says why it cannot run as specified, when it cannot. */
export type DerivedServiceStatus = ServiceStatus & { message?: string };

/** A condition before merging with the old ones (mergeConditions sets lastTransitionTime). */
export type DerivedCondition = Omit<Condition, 'lastTransitionTime'>;

export interface DerivedStatus {
  state: StackState;
  /** In stack order. */
  services: DerivedServiceStatus[];
  /** "ready/total": services in state Running (or run to completion, see derive.ts), out of all. */
  servicesReady: string;
  /** Every child is at the current spec (Docker Cloud's `synchronized`). */
  synchronized: boolean;
  /**
   * Ready, Progressing, Degraded, Warnings, Synced, in that order (Synced left out when nothing
   * was applied yet: see `applyFailures`).
   */
  conditions: DerivedCondition[];
}
