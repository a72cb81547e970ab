// The stack's lifecycle as the user asked for it (spec.desiredState) and as Kubernetes
// imposes it (deletion). Shared by the translation and the state rules.
import type { Stack } from '../model/stack.ts';

/** desiredState Terminated, or the Stack is being deleted: nothing should exist any more. */
export function isTerminationRequested(stack: Stack): boolean {
  return stack.spec.desiredState === 'Terminated' || stack.metadata.deletionTimestamp !== undefined;
}

/** What the stack's services should be doing, one of four situations the rules distinguish. */
export type Lifecycle = 'never-started' | 'running' | 'stopped' | 'terminated';

export function lifecycle(stack: Stack): Lifecycle {
  if (isTerminationRequested(stack)) return 'terminated';
  switch (stack.spec.desiredState) {
    case 'Running':
      return 'running';
    case 'Stopped':
      return 'stopped';
    default:
      return 'never-started';
  }
}
