import { describe, expect, it } from 'vitest';
import { STACK_STATES } from '../../../src/model/stack.ts';
import { actionRefusal, allowedActions } from '../../../src/translate/actions.ts';

describe('stack actions', () => {
  it("follow stack-api.md's table, with stop allowed where services run", () => {
    expect(Object.fromEntries(STACK_STATES.map((s) => [s, allowedActions(s)]))).toEqual({
      'Not Running': ['start', 'terminate'],
      Starting: [],
      Running: ['stop', 'redeploy', 'terminate'],
      'Partly running': ['stop', 'redeploy', 'terminate'],
      Stopping: [],
      Stopped: ['start', 'redeploy', 'terminate'],
      Redeploying: [],
      Terminating: [],
      Terminated: [],
    });
  });

  it('are refused with the reason and the states that allow them', () => {
    expect(actionRefusal('Stopped', 'stop')).toBe(
      'cannot stop a stack that is Stopped: stop is allowed when Running or Partly running',
    );
    expect(actionRefusal('Redeploying', 'terminate')).toBe(
      'cannot terminate a stack that is Redeploying: terminate is allowed when Not Running, Running, Partly running or Stopped',
    );
    expect(actionRefusal('Running', 'start')).toBe(
      'cannot start a stack that is Running: start is allowed when Not Running or Stopped',
    );
  });

  it('are accepted without a reason where allowed', () => {
    for (const state of STACK_STATES) for (const action of allowedActions(state)) expect(actionRefusal(state, action)).toBeNull();
  });
});
