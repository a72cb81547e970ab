// start, stop, redeploy and terminate: each only changes the spec (desiredState, or the
// redeploy counter) and answers 202 with the stack at once; the controller does the work.
// Which action each state allows is states/actions.ts's table: an action it refuses is
// answered 409, the state named; a terminate of a stack already Terminating changes nothing
// and answers with the terminate already under way.
import type { Context } from 'koa';
import type { Stack } from '../../model/stack.ts';
import { actionRefusal, actionVerdict } from '../../states/actions.ts';
import { presentedState } from '../../states/presented.ts';
import { quote } from '../../util/show.ts';
import { type ActionRecord, readActions } from '../actions.ts';
import { access } from '../auth.ts';
import type { Verb } from '../deps.ts';
import type { FacadeEnv } from '../env.ts';
import { badRequest, conflict } from '../errors.ts';
import { changeStack, type PlannedChange } from '../writes.ts';
import { findStack, param, queryValue, respondWithStack } from './common.ts';

type Lifecycle = 'start' | 'stop' | 'redeploy' | 'terminate';

/** The spec change behind each action, computed on the current copy of the stack. */
function specChange(action: Lifecycle, current: Stack, reuseVolumes: boolean): Record<string, unknown> {
  switch (action) {
    case 'start':
      // Already meant to run (every rollout failed, so the stack shows Not Running): starting
      // again means trying again, with fresh Pods.
      if (current.spec.desiredState === 'Running') {
        return { desiredState: 'Running', redeploy: { revision: (current.spec.redeploy?.revision ?? 0) + 1 } };
      }
      return { desiredState: 'Running' };
    case 'stop':
      return { desiredState: 'Stopped' };
    case 'terminate':
      return { desiredState: 'Terminated' };
    case 'redeploy': {
      // A redeployed stack runs (Docker Cloud redeploys a stopped stack into running
      // containers). The revision is stamped into every pod template, so it rolls even when
      // nothing else changed, and a rollout under way (an update's, a start's) starts afresh
      // on the current definition; reuse_volumes=false also asks for fresh volumes.
      const revision = (current.spec.redeploy?.revision ?? 0) + 1;
      return { desiredState: 'Running', redeploy: { revision, ...(reuseVolumes ? {} : { volumesRevision: revision }) } };
    }
  }
}

function lifecycleHandler(action: Lifecycle, verb: Verb) {
  return async (ctx: Context, env: FacadeEnv): Promise<void> => {
    const { namespace } = await access(ctx, env, verb);
    const reuseVolumes = action === 'redeploy' ? parseReuseVolumes(queryValue(ctx, 'reuse_volumes')) : true;
    const stack = await findStack(ctx, env, namespace, param(ctx, 'uuid'));
    const result = await changeStack(env, stack, lifecyclePlan(action, reuseVolumes));
    respondWithStack(ctx, 202, result.stack, result.action);
  };
}

/**
 * The change an action makes to the current copy of a stack, as the table of actions allows it
 * (also what a REDEPLOY trigger's call does: routes/triggers.ts).
 */
export function lifecyclePlan(action: Lifecycle, reuseVolumes: boolean) {
  return (current: Stack): PlannedChange => {
    const state = presentedState(current);
    const desired = current.spec.desiredState;
    switch (actionVerdict(state, action, desired)) {
      case 'refused':
        throw conflict(actionRefusal(state, action, desired) ?? `cannot ${action} a stack that is ${state}`);
      case 'unchanged': {
        // Nothing left to change: answer with the same action as the first time, if recorded
        // (a Stack deleted with kubectl has none: its terminate is recorded, the spec kept).
        const repeats = lastOf(current, action);
        return repeats !== undefined ? { action, spec: {}, repeats } : { action, spec: {} };
      }
      case 'accepted':
        return { action, spec: specChange(action, current, reuseVolumes) };
    }
  };
}

export const startStack = lifecycleHandler('start', 'patch');
export const stopStack = lifecycleHandler('stop', 'patch');
export const redeployStack = lifecycleHandler('redeploy', 'patch');
/** DELETE terminates: the Stack stays (state Terminated) until the controller's retention ends. */
export const terminateStack = lifecycleHandler('terminate', 'delete');

/** The latest recorded action of this kind. */
function lastOf(stack: Stack, action: Lifecycle): ActionRecord | undefined {
  return readActions(stack).findLast((r) => r.action === action);
}

/** Python sends True/False, Go sends false or nothing; missing means reuse. */
export function parseReuseVolumes(value: string | undefined): boolean {
  if (value === undefined || value === '') return true;
  switch (value.toLowerCase()) {
    case 'true':
    case '1':
      return true;
    case 'false':
    case '0':
      return false;
    default:
      throw badRequest(`reuse_volumes must be true or false, got ${quote(value)}`);
  }
}
