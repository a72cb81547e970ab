// Which stack actions each state allows: stack-api.md's table, plus `stop`, which the table
// allows nowhere; Longshore allows it where services run (Running, Partly running).
import { STACK_STATES, type StackState } from '../model/stack.ts';

export const STACK_ACTIONS = ['start', 'stop', 'redeploy', 'terminate'] as const;
export type StackAction = (typeof STACK_ACTIONS)[number];

const ALLOWED: Readonly<Record<StackState, readonly StackAction[]>> = {
  'Not Running': ['start', 'terminate'],
  Starting: [],
  Running: ['stop', 'redeploy', 'terminate'],
  'Partly running': ['stop', 'redeploy', 'terminate'],
  Stopping: [],
  Stopped: ['start', 'redeploy', 'terminate'],
  Redeploying: [],
  Terminating: [],
  Terminated: [],
};

export function allowedActions(state: StackState): StackAction[] {
  return [...ALLOWED[state]];
}

/** Why `action` is refused in `state`, naming the states that allow it; null when allowed. */
export function actionRefusal(state: StackState, action: StackAction): string | null {
  if (ALLOWED[state].includes(action)) return null;
  const where = STACK_STATES.filter((s) => ALLOWED[s].includes(action));
  return `cannot ${action} a stack that is ${state}: ${action} is allowed when ${joinOr(where)}`;
}

function joinOr(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}
