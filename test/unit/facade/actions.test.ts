import { describe, expect, it } from 'vitest';
import {
  ACTIONS_ANNOTATION,
  type ActionRecord,
  actionOutcome,
  actionToJson,
  appendAction,
  carriesOn,
  readActions,
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

describe('overlapping actions', () => {
  const now = new Date('2024-03-01T12:00:10Z');
  const rec = (
    uuid: string,
    action: ActionRecord['action'],
    generation: number,
    target: ActionRecord['target'],
  ): ActionRecord => ({
    uuid,
    action,
    generation,
    target,
    requestedAt: '2024-03-01T12:00:00.000Z',
  });
  const update = rec('u1', 'update', 3, 'Running');
  const redeploy = rec('r1', 'redeploy', 4, 'Running');
  const stop = rec('s1', 'stop', 4, 'Stopped');
  const terminate = rec('t1', 'terminate', 4, 'Terminated');

  it('carry an open action on into a later one aiming at the same state', () => {
    expect(carriesOn(update, redeploy)).toBe(true);
    expect(carriesOn(rec('a', 'start', 2, 'Running'), redeploy)).toBe(true);
    expect(carriesOn(rec('a', 'terminate', 2, 'Terminated'), terminate)).toBe(true);
  });

  it('carry a change of definition on into anything but a terminate', () => {
    expect(carriesOn(update, stop)).toBe(true);
    expect(carriesOn(rec('c', 'create', 1, 'Not Running'), rec('a', 'start', 2, 'Running'))).toBe(true);
    expect(carriesOn(rec('u', 'update', 3, 'Stopped'), rec('a', 'start', 4, 'Running'))).toBe(true);
    expect(carriesOn(update, terminate)).toBe(false);
    expect(carriesOn(rec('c', 'create', 1, 'Not Running'), terminate)).toBe(false);
  });

  it('let nothing else carry on: stop after start, start after stop, terminate after anything', () => {
    expect(carriesOn(rec('a', 'start', 2, 'Running'), stop)).toBe(false);
    expect(carriesOn(stop, rec('a', 'start', 5, 'Running'))).toBe(false);
    expect(carriesOn(redeploy, terminate)).toBe(false);
    expect(carriesOn(redeploy, stop)).toBe(false);
  });

  it('a redeploy during an update rollout: the update ends as the redeploy ends', () => {
    const during = stack(3, { observedGeneration: 3, state: 'Redeploying' }, [update]);
    const all = appendAction(during, redeploy, 10, now);
    expect(all[0]).toMatchObject({ uuid: 'u1', followedBy: 'r1' });
    expect(all[0]?.state).toBeUndefined();
    const rolled = stack(4, { observedGeneration: 4, state: 'Redeploying' }, all);
    expect(actionOutcome(all[0]!, rolled, all).state).toBe('In progress');
    const done = stack(4, { observedGeneration: 4, state: 'Running' }, all);
    expect(actionOutcome(all[0]!, done, all).state).toBe('Success');
    expect(actionOutcome(all[1]!, done, all).state).toBe('Success');
  });

  it('a terminate during a rollout: the rollout fails, superseded; the terminate succeeds', () => {
    const during = stack(4, { observedGeneration: 4, state: 'Redeploying' }, [update, redeploy]);
    const first = appendAction(during, { ...redeploy, uuid: 'r2', generation: 5 }, 10, now);
    const all = appendAction(
      stack(5, { observedGeneration: 4, state: 'Redeploying' }, first),
      { ...terminate, generation: 6 },
      10,
      now,
    );
    for (const r of all.slice(0, 3)) {
      expect(r.state).toBe('Failed');
      expect(r.message).toBe('superseded by a later terminate (t1)');
      expect(r.followedBy).toBeUndefined();
    }
    const gone = stack(6, { observedGeneration: 6, state: 'Terminated' }, all);
    expect(actionOutcome(all[3]!, gone, all).state).toBe('Success');
    expect(actionOutcome(all[0]!, gone, all).state).toBe('Failed');
  });

  it('an action carried on into one that is then superseded fails with it', () => {
    const afterStop = appendAction(stack(3, { observedGeneration: 2, state: 'Running' }, [update]), stop, 10, now);
    expect(afterStop[0]?.followedBy).toBe('s1');
    const all = appendAction(
      stack(4, { observedGeneration: 3, state: 'Stopping' }, afterStop),
      { ...terminate, generation: 5 },
      10,
      now,
    );
    expect(all.map((r) => r.state)).toEqual(['Failed', 'Failed', undefined]);
  });

  it('an action carried on into one that is carried on again follows the latest', () => {
    const afterStop = appendAction(stack(3, { observedGeneration: 2, state: 'Running' }, [update]), stop, 10, now);
    const start = rec('a2', 'start', 5, 'Running');
    const all = appendAction(stack(4, { observedGeneration: 3, state: 'Stopping' }, afterStop), start, 10, now);
    expect(all[0]).toMatchObject({ uuid: 'u1', followedBy: 'a2' });
    expect(all[1]).toMatchObject({ uuid: 's1', state: 'Failed' });
    const running = stack(5, { observedGeneration: 5, state: 'Running' }, all);
    expect(actionOutcome(all[0]!, running, all).state).toBe('Success');
  });

  it('a terminate recorded on a Stack being deleted is In progress until it is gone; others fail', () => {
    const s = stack(2, { observedGeneration: 2, state: 'Running' });
    s.metadata.deletionTimestamp = '2024-03-01T12:00:05Z';
    const t = rec('t', 'terminate', 2, 'Terminated');
    expect(actionOutcome(t, s, [t]).state).toBe('In progress');
    const r = rec('r', 'redeploy', 2, 'Running');
    expect(actionOutcome(r, s, [r])).toMatchObject({ state: 'Failed', message: 'the stack is being deleted' });
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
