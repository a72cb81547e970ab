// Which actions a stack allows in each state: the one table the façade decides by (start, stop,
// redeploy, terminate and update) and the README shows.
//
// stack-api.md's table allows nothing while a stack is Starting, Stopping, Redeploying or
// Terminating, and `stop` nowhere. Taken literally it refuses the clients' usual sequences
// (`stack update` starts a rollout, so the `redeploy` or `terminate` that follows would be
// refused for the whole rollout) and leaves a stack that never converges unstoppable. Longshore
// refuses only what has no meaning:
//   - terminate: never refused but once Terminated; while Terminating it is a repeat, accepted
//     and changing nothing;
//   - stop: wherever services run or are meant to (Starting, Running, Partly running,
//     Redeploying, and Not Running after a failed start); refused where nothing runs or all is
//     already stopping (a stack never started, Stopping, Stopped);
//   - start: wherever the stack is not meant to run (never started, Stopping, Stopped), and to
//     try again after a failed start; refused where it already runs or starts;
//   - redeploy: a fresh rollout of the current definition wherever the stack has been started
//     and not terminated (so while Starting, Redeploying and Stopping too); refused for a stack
//     never started, which has nothing to redeploy: start it;
//   - update: anywhere but Terminating and Terminated (a terminated stack never runs again).
// "Not Running" is two rows: a stack never started (no desiredState), and a stack meant to run
// of which nothing runs (desiredState Running: every rollout failed, or a service cannot be
// applied). Starting it again, stopping it and redeploying it all mean something there.
import type { DesiredState, StackState } from '../model/stack.ts';
import type { Lifecycle } from './lifecycle.ts';

export const STACK_ACTIONS = ['start', 'stop', 'redeploy', 'terminate', 'update'] as const;
export type StackAction = (typeof STACK_ACTIONS)[number];

export const NEVER_STARTED = 'Not Running (never started)';
export const FAILED_START = 'Not Running (failed to start)';

/** The table's rows: the stack states, with Not Running told apart by what the spec asks. */
export const ACTION_ROWS = [
  NEVER_STARTED,
  FAILED_START,
  'Starting',
  'Running',
  'Partly running',
  'Redeploying',
  'Stopping',
  'Stopped',
  'Terminating',
  'Terminated',
] as const;
export type ActionRow = (typeof ACTION_ROWS)[number];

/**
 * accepted: the action changes the spec; unchanged: accepted, though there is nothing left to
 * change (the answer is success and nothing is written); refused: 409, naming the state.
 */
export type Verdict = 'accepted' | 'unchanged' | 'refused';

const Y: Verdict = 'accepted';
const N: Verdict = 'refused';
const SAME: Verdict = 'unchanged';

const row = (start: Verdict, stop: Verdict, redeploy: Verdict, terminate: Verdict, update: Verdict) => ({
  start,
  stop,
  redeploy,
  terminate,
  update,
});

const TABLE: Readonly<Record<ActionRow, Readonly<Record<StackAction, Verdict>>>> = {
  //                  start stop redeploy terminate update
  [NEVER_STARTED]: row(Y, N, N, Y, Y),
  [FAILED_START]: row(Y, Y, Y, Y, Y),
  Starting: row(N, Y, Y, Y, Y),
  Running: row(N, Y, Y, Y, Y),
  'Partly running': row(N, Y, Y, Y, Y),
  Redeploying: row(N, Y, Y, Y, Y),
  Stopping: row(Y, N, Y, Y, Y),
  Stopped: row(Y, N, Y, Y, Y),
  Terminating: row(N, N, N, SAME, N),
  Terminated: row(N, N, N, N, N),
};

/** The row of the table a stack is in, from the state it shows and its spec's desiredState. */
export function actionRow(state: StackState, desiredState?: DesiredState): ActionRow {
  if (state !== 'Not Running') return state;
  return desiredState === 'Running' ? FAILED_START : NEVER_STARTED;
}

export function actionVerdict(state: StackState, action: StackAction, desiredState?: DesiredState): Verdict {
  return TABLE[actionRow(state, desiredState)][action];
}

/** The actions accepted in a row (those that change nothing included). */
export function allowedActions(state: StackState, desiredState?: DesiredState): StackAction[] {
  return rowActions(actionRow(state, desiredState));
}

export function rowActions(r: ActionRow): StackAction[] {
  return STACK_ACTIONS.filter((a) => TABLE[r][a] !== 'refused');
}

/** The rows in which `action` is accepted. */
export function rowsAllowing(action: StackAction): ActionRow[] {
  return ACTION_ROWS.filter((r) => TABLE[r][action] !== 'refused');
}

/** Why `action` is refused, naming the state and the states that allow it; null when accepted. */
export function actionRefusal(state: StackState, action: StackAction, desiredState?: DesiredState): string | null {
  const r = actionRow(state, desiredState);
  if (TABLE[r][action] !== 'refused') return null;
  return `cannot ${action} a stack that is ${r}: ${action} is allowed when ${joinOr(rowsAllowing(action))}`;
}

function joinOr(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

/**
 * The state an action is done in: where its write sends the stack (the lifecycle of the spec
 * it leaves, a Stack being deleted going whatever its spec says).
 */
export function targetState(phase: Lifecycle): StackState {
  switch (phase) {
    case 'running':
      return 'Running';
    case 'stopped':
      return 'Stopped';
    case 'terminated':
      return 'Terminated';
    case 'never-started':
      return 'Not Running';
  }
}
