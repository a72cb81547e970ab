// The state a client sees. The controller reports status.state for the generation it last
// observed; between a write and the controller's next report the reported state describes the
// old spec. Docker Cloud answered an accepted action with the transitional state at once
// (`delete` returns the stack "Terminating"), so until the controller has observed the latest
// generation the façade shows where the stack is heading instead of where it was.
import type { ServiceState, ServiceStatus, Stack, StackState } from '../model/stack.ts';
import { lifecycle } from './lifecycle.ts';

/** What the controller last reported, "Not Running" before its first report. */
export function reportedState(stack: Stack): StackState {
  return stack.status?.state ?? 'Not Running';
}

/** What the controller last reported of a service (its entry in status), "Not running" before that. */
export function reportedServiceState(status: ServiceStatus | undefined): ServiceState {
  return status?.state ?? 'Not running';
}

/** Whether the controller's status describes the current spec. */
export function isObserved(stack: Stack): boolean {
  const generation = stack.metadata.generation;
  if (generation === undefined) return true;
  return (stack.status?.observedGeneration ?? 0) >= generation;
}

export function presentedState(stack: Stack): StackState {
  const reported = reportedState(stack);
  if (stack.metadata.deletionTimestamp !== undefined && reported !== 'Terminated') return 'Terminating';
  if (isObserved(stack)) return reported;
  switch (stack.spec.desiredState) {
    case 'Terminated':
      return reported === 'Terminated' ? reported : 'Terminating';
    case 'Stopped':
      // Not "Not Running": a stack stopped after a failed start may still have Pods to remove,
      // and a stop must not leave the stack in a row of the action table that refuses redeploy.
      return reported === 'Stopped' ? reported : 'Stopping';
    case 'Running':
      // A new spec for running services rolls them (an update or a redeploy).
      return reported === 'Running' || reported === 'Partly running' || reported === 'Redeploying' ? 'Redeploying' : 'Starting';
    default:
      return reported;
  }
}

/**
 * Docker Cloud's `synchronized`: the services run the stack's current definition. False from a
 * change of the spec until the controller has observed it and every child is at it, and, for a
 * stack meant to run, while it is still Starting or Redeploying: until then some service does
 * not run the current definition yet (the controller's own `synchronized` turns true as soon as
 * each workload has taken the new template, before its Pods are replaced).
 */
export function isSynchronized(stack: Stack): boolean {
  if (!isObserved(stack) || stack.status?.synchronized === false) return false;
  if (lifecycle(stack) !== 'running') return true;
  const state = reportedState(stack);
  return state !== 'Starting' && state !== 'Redeploying';
}
