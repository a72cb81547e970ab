// The stack states by what they say: a stack on its way to another state, or at rest. Read
// by the status rules (Progressing), the controller (the Events of a state change), the
// façade (an action's outcome) and the dashboard (its colours); it imports types only, so the
// browser bundle takes it as it is.
import type { StackState } from '../model/stack.ts';

/** The states a stack passes through on its way to another (Progressing=True while in one). */
export const TRANSITIONAL_STATES: readonly StackState[] = ['Starting', 'Redeploying', 'Stopping', 'Terminating'];

/**
 * The states a stack rests in once nothing is under way: it leaves them only when its spec or
 * its cluster changes, so an action aiming elsewhere has failed. (Partly running is always
 * Degraded, which tells why on its own.)
 */
export const SETTLED_STATES: readonly StackState[] = ['Running', 'Stopped', 'Not Running', 'Terminated'];
