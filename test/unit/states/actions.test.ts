import { describe, expect, it } from 'vitest';
import { DESIRED_STATES, STACK_STATES } from '../../../src/model/stack.ts';
import {
  ACTION_ROWS,
  type ActionRow,
  actionRefusal,
  actionRow,
  actionVerdict,
  allowedActions,
  FAILED_START,
  NEVER_STARTED,
  rowActions,
  rowsAllowing,
  STACK_ACTIONS,
  type StackAction,
  targetState,
  type Verdict,
} from '../../../src/states/actions.ts';
import { lifecycle } from '../../../src/states/lifecycle.ts';
import { stack } from '../translate/fixtures.ts';

// The whole table, written out: every row × every action.
const EXPECTED: Record<ActionRow, Record<StackAction, Verdict>> = {
  [NEVER_STARTED]: { start: 'accepted', stop: 'refused', redeploy: 'refused', terminate: 'accepted', update: 'accepted' },
  [FAILED_START]: { start: 'accepted', stop: 'accepted', redeploy: 'accepted', terminate: 'accepted', update: 'accepted' },
  Starting: { start: 'refused', stop: 'accepted', redeploy: 'accepted', terminate: 'accepted', update: 'accepted' },
  Running: { start: 'refused', stop: 'accepted', redeploy: 'accepted', terminate: 'accepted', update: 'accepted' },
  'Partly running': { start: 'refused', stop: 'accepted', redeploy: 'accepted', terminate: 'accepted', update: 'accepted' },
  Redeploying: { start: 'refused', stop: 'accepted', redeploy: 'accepted', terminate: 'accepted', update: 'accepted' },
  Stopping: { start: 'accepted', stop: 'refused', redeploy: 'accepted', terminate: 'accepted', update: 'accepted' },
  Stopped: { start: 'accepted', stop: 'refused', redeploy: 'accepted', terminate: 'accepted', update: 'accepted' },
  Terminating: { start: 'refused', stop: 'refused', redeploy: 'refused', terminate: 'unchanged', update: 'refused' },
  Terminated: { start: 'refused', stop: 'refused', redeploy: 'refused', terminate: 'refused', update: 'refused' },
};

/** A state and desiredState that put a stack in each row. */
const EXAMPLE: Record<ActionRow, [(typeof STACK_STATES)[number], (typeof DESIRED_STATES)[number] | undefined]> = {
  [NEVER_STARTED]: ['Not Running', undefined],
  [FAILED_START]: ['Not Running', 'Running'],
  Starting: ['Starting', 'Running'],
  Running: ['Running', 'Running'],
  'Partly running': ['Partly running', 'Running'],
  Redeploying: ['Redeploying', 'Running'],
  Stopping: ['Stopping', 'Stopped'],
  Stopped: ['Stopped', 'Stopped'],
  Terminating: ['Terminating', 'Terminated'],
  Terminated: ['Terminated', 'Terminated'],
};

const cells = ACTION_ROWS.flatMap((r) => STACK_ACTIONS.map((a) => [r, a, EXPECTED[r][a]] as const));

describe('the action table', () => {
  it('has a row for every state (Not Running twice) and a column for every action', () => {
    expect(ACTION_ROWS).toHaveLength(STACK_STATES.length + 1);
    expect(STACK_ACTIONS).toEqual(['start', 'stop', 'redeploy', 'terminate', 'update']);
  });

  it.each(cells)('%s × %s: %s', (r, action, verdict) => {
    const [state, desired] = EXAMPLE[r];
    expect(actionRow(state, desired)).toBe(r);
    expect(actionVerdict(state, action, desired)).toBe(verdict);
    const refusal = actionRefusal(state, action, desired);
    if (verdict === 'refused') {
      // Names the state (the row) and every state that allows the action.
      expect(refusal).toBe(`cannot ${action} a stack that is ${r}: ${action} is allowed when ${listOf(rowsAllowing(action))}`);
      expect(allowedActions(state, desired)).not.toContain(action);
    } else {
      expect(refusal).toBeNull();
      expect(allowedActions(state, desired)).toContain(action);
    }
  });

  it('lets a user always stop or remove a stack that runs or is meant to', () => {
    for (const r of [FAILED_START, 'Starting', 'Running', 'Partly running', 'Redeploying'] as const) {
      expect(rowActions(r)).toEqual(expect.arrayContaining(['stop', 'redeploy', 'terminate', 'update']));
    }
    expect(rowsAllowing('terminate')).toEqual(ACTION_ROWS.filter((r) => r !== 'Terminated'));
  });

  it('tells the two Not Running rows apart by desiredState', () => {
    expect(actionRow('Not Running')).toBe(NEVER_STARTED);
    expect(actionRow('Not Running', 'Running')).toBe(FAILED_START);
    // A stopped or terminated stack never shows Not Running (the façade shows Stopping or
    // Terminating); should it, nothing runs there: the never-started row.
    expect(actionRow('Not Running', 'Stopped')).toBe(NEVER_STARTED);
    for (const state of STACK_STATES.filter((s) => s !== 'Not Running')) {
      for (const desired of [undefined, ...DESIRED_STATES]) expect(actionRow(state, desired)).toBe(state);
    }
  });

  it('says what to do in its words', () => {
    expect(actionRefusal('Stopped', 'stop', 'Stopped')).toBe(
      'cannot stop a stack that is Stopped: stop is allowed when Not Running (failed to start), Starting, Running, Partly running or Redeploying',
    );
    expect(actionRefusal('Not Running', 'redeploy')).toBe(
      'cannot redeploy a stack that is Not Running (never started): redeploy is allowed when Not Running (failed to start), Starting, Running, Partly running, Redeploying, Stopping or Stopped',
    );
    expect(actionRefusal('Running', 'start', 'Running')).toBe(
      'cannot start a stack that is Running: start is allowed when Not Running (never started), Not Running (failed to start), Stopping or Stopped',
    );
    expect(actionRefusal('Terminated', 'terminate', 'Terminated')).toBe(
      'cannot terminate a stack that is Terminated: terminate is allowed when Not Running (never started), Not Running (failed to start), Starting, Running, Partly running, Redeploying, Stopping, Stopped or Terminating',
    );
    expect(actionRefusal('Terminating', 'update', 'Terminated')).toMatch(/^cannot update a stack that is Terminating: /);
  });
});

describe('targetState', () => {
  it('is the state the spec sends the stack to', () => {
    expect(targetState(lifecycle(stack([], { desiredState: undefined })))).toBe('Not Running');
    expect(targetState(lifecycle(stack([], { desiredState: 'Running' })))).toBe('Running');
    expect(targetState(lifecycle(stack([], { desiredState: 'Stopped' })))).toBe('Stopped');
    expect(targetState(lifecycle(stack([], { desiredState: 'Terminated' })))).toBe('Terminated');
  });

  it('is Terminated for a stack being deleted, whatever its spec says', () => {
    const deleting = stack([], { desiredState: 'Running' }, { deletionTimestamp: '2024-03-01T12:00:00Z' });
    expect(targetState(lifecycle(deleting))).toBe('Terminated');
  });
});

function listOf(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}
