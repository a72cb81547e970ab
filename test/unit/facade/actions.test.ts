import { describe, expect, it } from 'vitest';
import {
  ACTIONS_ANNOTATION,
  type ActionRecord,
  actionOutcome,
  actionToJson,
  appendAction,
  readActions,
  targetState,
} from '../../../src/facade/actions.ts';
import type { Stack, StackStatus } from '../../../src/model/stack.ts';

function stack(generation: number, status?: StackStatus, actions: ActionRecord[] = []): Stack {
  return {
    apiVersion: 'longshore.io/v1alpha1',
    kind: 'Stack',
    metadata: {
      name: 'shop',
      namespace: 'default',
      uid: 'f3c1a4c2-9d5e-4b7a-8c1d-2e3f4a5b6c7d',
      generation,
      annotations: { [ACTIONS_ANNOTATION]: JSON.stringify(actions) },
    },
    spec: { services: [] },
    ...(status ? { status } : {}),
  };
}

const start: ActionRecord = {
  uuid: 'a1',
  action: 'start',
  generation: 2,
  target: 'Running',
  requestedAt: '2024-03-01T12:00:00.000Z',
};

describe('actionOutcome', () => {
  it('is In progress until the controller observed the generation the action wrote', () => {
    expect(actionOutcome(start, stack(2), [start]).state).toBe('In progress');
    expect(actionOutcome(start, stack(2, { observedGeneration: 1, state: 'Running' }), [start]).state).toBe('In progress');
    expect(actionOutcome(start, stack(2, { observedGeneration: 2, state: 'Starting' }), [start]).state).toBe('In progress');
  });

  it('is Success once the observed state is the target', () => {
    const s = stack(2, { observedGeneration: 2, state: 'Running', deployedAt: '2024-03-01T12:00:05Z' });
    expect(actionOutcome(start, s, [start])).toEqual({ state: 'Success', endedAt: '2024-03-01T12:00:05.000Z', message: '' });
  });

  it('is Failed when the stack settled elsewhere', () => {
    const degraded = stack(2, {
      observedGeneration: 2,
      state: 'Partly running',
      conditions: [
        {
          type: 'Degraded',
          status: 'True',
          reason: 'ImagePullBackOff',
          message: 'web cannot pull nginx:nope',
          lastTransitionTime: '2024-03-01T12:01:00Z',
        },
      ],
    });
    const outcome = actionOutcome(start, degraded, [start]);
    expect(outcome.state).toBe('Failed');
    expect(outcome.message).toContain('web cannot pull nginx:nope');
    expect(actionOutcome(start, stack(2, { observedGeneration: 2, state: 'Stopped' }), [start]).state).toBe('Failed');
  });

  it('stays In progress while partly running without a failure condition', () => {
    expect(actionOutcome(start, stack(2, { observedGeneration: 2, state: 'Partly running' }), [start]).state).toBe('In progress');
  });

  it('keeps a frozen outcome', () => {
    const frozen: ActionRecord = { ...start, state: 'Failed', endedAt: '2024-03-01T12:00:01.000Z', message: 'superseded' };
    expect(actionOutcome(frozen, stack(3, { observedGeneration: 3, state: 'Running' }), [frozen]).state).toBe('Failed');
  });
});

describe('appendAction', () => {
  const now = new Date('2024-03-01T12:00:10Z');

  it('settles finished actions and keeps only the last N', () => {
    const history = Array.from({ length: 10 }, (_, i): ActionRecord => ({ ...start, uuid: `old${i}`, generation: 1 }));
    const s = stack(2, { observedGeneration: 2, state: 'Running' }, history);
    const next: ActionRecord = { uuid: 'new', action: 'stop', generation: 3, target: 'Stopped', requestedAt: now.toISOString() };
    const after = appendAction(s, next, 10, now);
    expect(after).toHaveLength(10);
    expect(after.at(-1)).toEqual(next);
    expect(after[0]?.uuid).toBe('old1');
    expect(after.slice(0, 9).every((r) => r.state === 'Success')).toBe(true);
  });

  it('fails an open action that a later one sends elsewhere', () => {
    const s = stack(2, { observedGeneration: 1, state: 'Not Running' }, [start]);
    const stop: ActionRecord = { uuid: 'b2', action: 'stop', generation: 3, target: 'Stopped', requestedAt: now.toISOString() };
    const [first] = appendAction(s, stop, 10, now);
    expect(first?.state).toBe('Failed');
    expect(first?.message).toContain('superseded by a later stop');
  });

  it('lets an open action share the outcome of a later one with the same target', () => {
    const s = stack(2, { observedGeneration: 1, state: 'Not Running' }, [start]);
    const redeploy: ActionRecord = {
      uuid: 'c3',
      action: 'redeploy',
      generation: 3,
      target: 'Running',
      requestedAt: now.toISOString(),
    };
    const all = appendAction(s, redeploy, 10, now);
    expect(all[0]?.followedBy).toBe('c3');
    const later = stack(3, { observedGeneration: 3, state: 'Running' }, all);
    expect(actionOutcome(all[0]!, later, readActions(later)).state).toBe('Success');
  });
});

describe('targetState', () => {
  it('maps the desired state to the state that means done', () => {
    expect(targetState(undefined)).toBe('Not Running');
    expect(targetState('Running')).toBe('Running');
    expect(targetState('Stopped')).toBe('Stopped');
    expect(targetState('Terminated')).toBe('Terminated');
  });
});

describe('readActions', () => {
  it('reads nothing from a missing or broken annotation', () => {
    const s = stack(1);
    s.metadata.annotations = {};
    expect(readActions(s)).toEqual([]);
    s.metadata.annotations = { [ACTIONS_ANNOTATION]: '{not json' };
    expect(readActions(s)).toEqual([]);
    s.metadata.annotations = { [ACTIONS_ANNOTATION]: '[{"uuid":1}]' };
    expect(readActions(s)).toEqual([]);
  });
});

describe('actionToJson', () => {
  it("looks like Docker Cloud's action", () => {
    const json = actionToJson(start, 'default', 'f3c1', { state: 'In progress', endedAt: null, message: '' });
    expect(json).toMatchObject({
      uuid: 'a1',
      resource_uri: '/api/audit/v1/action/a1/',
      action: 'Stack Start',
      method: 'POST',
      path: '/api/app/v1/default/stack/f3c1/start/',
      object: '/api/app/v1/default/stack/f3c1/',
      state: 'In progress',
      start_date: 'Fri, 01 Mar 2024 12:00:00 +0000',
      end_date: null,
    });
  });
});
