// The state a client sees. The controller reports status.state for the generation it last
// observed; between a write and the controller's next report the reported state describes the
// old spec. Docker Cloud answered an accepted action with the transitional state at once
// (`delete` returns the stack "Terminating"), so until the controller has observed the latest
// generation the façade shows where the stack is heading instead of where it was.
import type { Stack, StackState } from '../model/stack.ts';

/** What the controller last reported, "Not Running" before its first report. */
export function reportedState(stack: Stack): StackState {
  return stack.status?.state ?? 'Not Running';
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
      return reported === 'Stopped' || reported === 'Not Running' ? reported : 'Stopping';
    case 'Running':
      // A new spec for running services rolls them (an update or a redeploy).
      return reported === 'Running' || reported === 'Partly running' || reported === 'Redeploying' ? 'Redeploying' : 'Starting';
    default:
      return reported;
  }
}

/** Docker Cloud's `synchronized`: the running services match the stack's definition. */
export function isSynchronized(stack: Stack): boolean {
  return isObserved(stack) && (stack.status?.synchronized ?? true);
}
