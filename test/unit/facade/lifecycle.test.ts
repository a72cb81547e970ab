import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTION_ROWS, actionRefusal, actionVerdict } from '../../../src/states/actions.ts';
import { createStack, type Harness, startHarness } from './support/harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const stored = (name = 'shop') => h.cluster.objects.get(`default/${name}`)!;

/** The controller reports the current generation in `state`. */
function settle(uid: string, state: 'Running' | 'Stopped' | 'Terminated' | 'Partly running' | 'Not Running', extra = {}) {
  h.cluster.report(uid, { state, deployedAt: '2024-03-01T12:00:30Z', ...extra });
}

describe('start', () => {
  it('sets desiredState Running and answers 202 with the stack, Starting', async () => {
    const created = await createStack(h, 'shop');
    const reply = await h.send('POST', `${created.resource_uri}start/`);
    expect(reply.status).toBe(202);
    expect(reply.json.uuid).toBe(created.uuid);
    expect(reply.json.state).toBe('Starting');
    expect(reply.headers['x-dockercloud-action-uri']).toMatch(/^\/api\/audit\/v1\/action\/[0-9a-f-]{36}\/$/);
    expect(stored().spec.desiredState).toBe('Running');
  });

  it('works on the plain path', async () => {
    const created = await createStack(h, 'shop');
    expect((await h.send('POST', `/api/app/v1/stack/${created.uuid}/start/`)).status).toBe(202);
  });

  it('is refused with 409 naming the state when the stack is already running', async () => {
    const created = await createStack(h, 'shop');
    await h.send('POST', `${created.resource_uri}start/`);
    settle(created.uuid, 'Running');
    const before = structuredClone(stored());
    const reply = await h.send('POST', `${created.resource_uri}start/`);
    expect(reply.status).toBe(409);
    expect(reply.json.error).toMatch(/Running/);
    expect(stored()).toEqual(before);
  });

  it('writes with a resourceVersion precondition and retries on conflicts', async () => {
    const created = await createStack(h, 'shop');
    h.cluster.conflictsToInject = 2;
    const reply = await h.send('POST', `${created.resource_uri}start/`);
    expect(reply.status).toBe(202);
    expect(h.cluster.patches).toHaveLength(3);
    expect(h.cluster.patches.every((p) => typeof p.patch.metadata?.resourceVersion === 'string')).toBe(true);
    expect(stored().spec.desiredState).toBe('Running');
  });

  it('tries again with fresh Pods when every rollout failed (Not Running, though meant to run)', async () => {
    const created = await createStack(h, 'shop');
    await h.send('POST', `${created.resource_uri}start/`);
    settle(created.uuid, 'Not Running');
    const reply = await h.send('POST', `${created.resource_uri}start/`);
    expect(reply.status).toBe(202);
    expect(stored().spec.desiredState).toBe('Running');
    expect(stored().spec.redeploy?.revision).toBe(1);
  });

  it('gives up with 409 when the stack keeps changing', async () => {
    const created = await createStack(h, 'shop');
    h.cluster.conflictsToInject = 100;
    const reply = await h.send('POST', `${created.resource_uri}start/`);
    expect(reply.status).toBe(409);
    expect(reply.json.error).toMatch(/kept changing/);
  });
});

describe('stop', () => {
  it('is refused in Not Running with 409', async () => {
    const created = await createStack(h, 'shop');
    const reply = await h.send('POST', `${created.resource_uri}stop/`);
    expect(reply.status).toBe(409);
    expect(reply.json.error).toMatch(/Not Running/);
    expect(stored().spec.desiredState).toBeUndefined();
  });

  it('sets desiredState Stopped on a running stack and answers Stopping', async () => {
    const created = await createStack(h, 'shop');
    await h.send('POST', `${created.resource_uri}start/`);
    settle(created.uuid, 'Running');
    const reply = await h.send('POST', `${created.resource_uri}stop/`);
    expect(reply.status).toBe(202);
    expect(reply.json.state).toBe('Stopping');
    expect(stored().spec.desiredState).toBe('Stopped');
  });
});

describe('redeploy', () => {
  async function runningStack() {
    const created = await createStack(h, 'shop');
    await h.send('POST', `${created.resource_uri}start/`);
    settle(created.uuid, 'Running');
    return created;
  }

  it.each([
    ['', true],
    ['?reuse_volumes=True', true],
    ['?reuse_volumes=true', true],
    ['?reuse_volumes=False', false],
    ['?reuse_volumes=false', false],
  ])('bumps the revision (%s reuses volumes: %s)', async (query, reuse) => {
    const created = await runningStack();
    const reply = await h.send('POST', `${created.resource_uri}redeploy/${query}`);
    expect(reply.status).toBe(202);
    expect(reply.json.state).toBe('Redeploying');
    expect(stored().spec.redeploy).toEqual(reuse ? { revision: 1 } : { revision: 1, volumesRevision: 1 });
    expect(stored().spec.desiredState).toBe('Running');
  });

  it('keeps the volumes revision of an earlier fresh-volumes redeploy when reusing', async () => {
    const created = await runningStack();
    await h.send('POST', `${created.resource_uri}redeploy/?reuse_volumes=False`);
    settle(created.uuid, 'Running');
    await h.send('POST', `${created.resource_uri}redeploy/`);
    expect(stored().spec.redeploy).toEqual({ revision: 2, volumesRevision: 1 });
  });

  it('rolls a stack that is Stopping afresh: it runs again, with fresh Pods', async () => {
    const created = await runningStack();
    await h.send('POST', `${created.resource_uri}stop/`);
    const reply = await h.send('POST', `${created.resource_uri}redeploy/`);
    expect(reply.status).toBe(202);
    expect(stored().spec).toMatchObject({ desiredState: 'Running', redeploy: { revision: 1 } });
  });

  it('is refused for a stack never started: there is nothing to redeploy', async () => {
    const created = await createStack(h, 'shop');
    const before = structuredClone(stored());
    const reply = await h.send('POST', `${created.resource_uri}redeploy/`);
    expect(reply.status).toBe(409);
    expect(reply.json.error).toMatch(/^cannot redeploy a stack that is Not Running \(never started\): redeploy is allowed when /);
    expect(stored()).toEqual(before);
  });

  it('refuses another value of reuse_volumes with 400', async () => {
    const created = await runningStack();
    const reply = await h.send('POST', `${created.resource_uri}redeploy/?reuse_volumes=maybe`);
    expect(reply.status).toBe(400);
    expect(reply.json.error).toMatch(/reuse_volumes/);
  });
});

describe('a refusal decided on the cache', () => {
  it('is decided again on a fresh read: the cache may not show yet what another replica did', async () => {
    const created = await createStack(h, 'shop');
    h.cache.freeze(); // the cache still shows the stack never started...
    h.cluster.touch(created.uuid, (s) => ({ ...s, spec: { ...s.spec, desiredState: 'Running' } }));
    h.cluster.report(created.uuid, { state: 'Starting' }); // ...while the API server says Starting
    const reply = await h.send('POST', `${created.resource_uri}stop/`);
    expect(reply.status).toBe(202);
    expect(stored().spec.desiredState).toBe('Stopped');
  });

  it('still refuses when the fresh read agrees with the cache, and changes nothing', async () => {
    const created = await createStack(h, 'shop');
    await h.send('POST', `${created.resource_uri}start/`);
    settle(created.uuid, 'Running');
    await h.send('POST', `${created.resource_uri}stop/`);
    const before = structuredClone(stored());
    const reply = await h.send('POST', `${created.resource_uri}stop/`);
    expect(reply.status).toBe(409);
    expect(reply.json.error).toMatch(/that is Stopping/);
    expect(stored()).toEqual(before);
  });
});

describe('terminate (DELETE)', () => {
  it('sets desiredState Terminated, keeps the object and answers 202 Terminating', async () => {
    const created = await createStack(h, 'shop');
    const reply = await h.send('DELETE', created.resource_uri);
    expect(reply.status).toBe(202);
    expect(reply.json.state).toBe('Terminating');
    expect(reply.headers['x-dockercloud-action-uri']).toBeDefined();
    expect(stored().spec.desiredState).toBe('Terminated');
  });

  it('is refused on a terminated stack', async () => {
    const created = await createStack(h, 'shop');
    await h.send('DELETE', created.resource_uri);
    settle(created.uuid, 'Terminated');
    const reply = await h.send('DELETE', created.resource_uri);
    expect(reply.status).toBe(409);
    expect(reply.json.error).toMatch(/Terminated/);
  });
});

describe('bodies the clients send on actions', () => {
  it('accepts an empty body typed application/json (Python) and {} without a Content-Type (Go)', async () => {
    const created = await createStack(h, 'shop');
    const python = await h.send('POST', `${created.resource_uri}start/`, {
      body: '',
      headers: { 'content-type': 'application/json' },
    });
    expect(python.status).toBe(202);
    settle(created.uuid, 'Running');
    const go = await h.send('POST', `${created.resource_uri}stop/`, { body: '{}' });
    expect(go.status).toBe(202);
    settle(created.uuid, 'Stopped');
    const goDelete = await h.send('DELETE', `/api/app/v1/default/stack/${created.uuid}/`, { body: '{}' });
    expect(goDelete.status).toBe(202);
  });

  it('answers a GET carrying {} (Go) normally', async () => {
    const created = await createStack(h, 'shop');
    expect((await h.send('GET', created.resource_uri, { body: '{}' })).status).toBe(200);
  });
});

describe('actions (--sync)', () => {
  const actionOf = (reply: { headers: Record<string, unknown> }) => reply.headers['x-dockercloud-action-uri'] as string;

  it('stores the action in the annotation with the generation it waits for', async () => {
    const created = await createStack(h, 'shop');
    const reply = await h.send('POST', `${created.resource_uri}start/`);
    const uuid = actionOf(reply).split('/').at(-2);
    const actions = JSON.parse(stored().metadata.annotations!['longshore.io/actions']!);
    expect(actions.at(-1)).toMatchObject({ uuid, action: 'start', generation: stored().metadata.generation, target: 'Running' });
  });

  it('is In progress until the controller reports the target state, then Success', async () => {
    const created = await createStack(h, 'shop');
    const uri = actionOf(await h.send('POST', `${created.resource_uri}start/`));
    const pending = await h.send('GET', uri);
    expect(pending.status).toBe(200);
    expect(pending.json).toMatchObject({
      resource_uri: uri,
      action: 'Stack Start',
      object: created.resource_uri,
      state: 'In progress',
      start_date: 'Fri, 01 Mar 2024 12:00:00 +0000',
      end_date: null,
    });
    h.cluster.report(created.uuid, { state: 'Starting' });
    expect((await h.send('GET', uri)).json.state).toBe('In progress');
    settle(created.uuid, 'Running');
    const done = await h.send('GET', uri);
    expect(done.json.state).toBe('Success');
    expect(done.json.end_date).toBe('Fri, 01 Mar 2024 12:00:30 +0000');
  });

  it('is Failed when the stack settles degraded', async () => {
    const created = await createStack(h, 'shop');
    const uri = actionOf(await h.send('POST', `${created.resource_uri}start/`));
    settle(created.uuid, 'Partly running', {
      conditions: [
        {
          type: 'Degraded',
          status: 'True',
          reason: 'ImagePullBackOff',
          message: 'web: cannot pull nginx',
          lastTransitionTime: '2024-03-01T12:01:00Z',
        },
      ],
    });
    const reply = await h.send('GET', uri);
    expect(reply.json.state).toBe('Failed');
    expect(reply.json.logs).toMatch(/cannot pull nginx/);
  });

  it('answers create, update, stop, redeploy and terminate with an action too', async () => {
    const created = await h.send('POST', '/api/app/v1/stack/', { body: { name: 'shop' } });
    const createUri = actionOf(created);
    h.cluster.report(created.json.uuid, { state: 'Not Running' });
    expect((await h.send('GET', createUri)).json).toMatchObject({ action: 'Stack Create', state: 'Success' });
    const update = await h.send('PATCH', created.json.resource_uri, { body: { services: [{ name: 'web', image: 'nginx' }] } });
    expect((await h.send('GET', actionOf(update))).json.action).toBe('Stack Update');
  });

  it('reads Success for a terminate whose stack the controller has removed', async () => {
    const created = await createStack(h, 'shop');
    const uri = actionOf(await h.send('DELETE', created.resource_uri));
    h.cluster.remove(created.uuid);
    h.clock.ms += 120_000; // past the read-your-writes window
    const reply = await h.send('GET', uri);
    expect(reply.status).toBe(200);
    expect(reply.json.state).toBe('Success');
  });

  it('finds actions written by another replica by scanning the cache', async () => {
    const other = await startHarness();
    try {
      // Both harnesses get their own cluster; copy this one's stack into the other's.
      const created = await createStack(h, 'shop');
      const uri = actionOf(await h.send('POST', `${created.resource_uri}start/`));
      const stack = structuredClone(stored());
      other.cluster.objects.set('default/shop', stack);
      const reply = await other.send('GET', uri);
      expect(reply.status).toBe(200);
      expect(reply.json.action).toBe('Stack Start');
    } finally {
      await other.close();
    }
  });

  it('answers 404 for an unknown action', async () => {
    const reply = await h.send('GET', '/api/audit/v1/action/6f1b2c3d-0000-4000-8000-000000000000/');
    expect(reply.status).toBe(404);
    expect(reply.json.error).toMatch(/no action/);
  });
});

describe('the action table, through the API', () => {
  type Action = 'start' | 'stop' | 'redeploy' | 'terminate' | 'update';
  const request = (action: Action, uri: string) => {
    switch (action) {
      case 'terminate':
        return h.send('DELETE', uri);
      case 'update':
        return h.send('PATCH', uri, { body: { services: [{ name: 'web', image: 'nginx:1.28' }] } });
      default:
        return h.send('POST', `${uri}${action}/`);
    }
  };

  // Each row of the table, as the controller would report it: [desiredState, reported state].
  const ROWS = {
    'Not Running (never started)': [undefined, 'Not Running'],
    'Not Running (failed to start)': ['Running', 'Not Running'],
    Starting: ['Running', 'Starting'],
    Running: ['Running', 'Running'],
    'Partly running': ['Running', 'Partly running'],
    Redeploying: ['Running', 'Redeploying'],
    Stopping: ['Stopped', 'Stopping'],
    Stopped: ['Stopped', 'Stopped'],
    Terminating: ['Terminated', 'Terminating'],
    Terminated: ['Terminated', 'Terminated'],
  } as const;
  type Row = keyof typeof ROWS;

  async function stackIn(row: Row) {
    const created = await createStack(h, 'shop');
    const [desired, state] = ROWS[row];
    h.cluster.touch(created.uuid, (s) => ({
      ...s,
      metadata: { ...s.metadata, generation: 3 },
      spec: { ...s.spec, ...(desired ? { desiredState: desired } : {}), redeploy: { revision: 4 } },
    }));
    h.cluster.report(created.uuid, { state });
    return created;
  }

  // What an accepted action leaves in the spec, from a stack at redeploy revision 4.
  const EFFECT: Record<Action, (row: Row) => Record<string, unknown>> = {
    start: (row) => ({
      desiredState: 'Running',
      // Meant to run already (every rollout failed): start tries again, with fresh Pods.
      redeploy: { revision: row === 'Not Running (failed to start)' ? 5 : 4 },
    }),
    stop: () => ({ desiredState: 'Stopped', redeploy: { revision: 4 } }),
    redeploy: () => ({ desiredState: 'Running', redeploy: { revision: 5 } }),
    terminate: () => ({ desiredState: 'Terminated', redeploy: { revision: 4 } }),
    update: (row) => ({
      ...(ROWS[row][0] ? { desiredState: ROWS[row][0] } : {}),
      redeploy: { revision: 4 },
      services: [{ name: 'web', image: 'nginx:1.28' }],
    }),
  };

  const cases = (Object.keys(ROWS) as Row[]).flatMap((row) =>
    (['start', 'stop', 'redeploy', 'terminate', 'update'] as const).map((action) => [row, action] as const),
  );

  it.each(cases)('%s × %s', async (row, action) => {
    const created = await stackIn(row);
    const before = structuredClone(stored());
    const verdict = actionVerdict(ROWS[row][1], action, ROWS[row][0]);
    const reply = await request(action, created.resource_uri);
    if (verdict === 'refused') {
      expect(reply.status).toBe(409);
      expect(reply.json.error).toBe(actionRefusal(ROWS[row][1], action, ROWS[row][0]));
      expect(reply.json.error).toContain(`a stack that is ${row}:`);
      expect(stored()).toEqual(before);
    } else if (verdict === 'unchanged') {
      expect(reply.status).toBe(202);
      expect(reply.json.state).toBe('Terminating');
      expect(stored().spec).toEqual(before.spec);
      expect(stored().metadata.generation).toBe(before.metadata.generation);
    } else {
      expect(reply.status).toBe(action === 'update' ? 200 : 202);
      expect(stored().spec).toEqual({
        ...EFFECT[action](row),
        ...(action === 'update' ? {} : { services: before.spec.services }),
      });
      expect(reply.headers['x-dockercloud-action-uri']).toMatch(/^\/api\/audit\/v1\/action\//);
    }
  });

  it('covers every row of the table', () => {
    expect(Object.keys(ROWS)).toEqual([...ACTION_ROWS]);
  });
});

describe('terminate, repeated', () => {
  it('answers success with the terminate already under way, and writes nothing', async () => {
    const created = await createStack(h, 'shop');
    await h.send('POST', `${created.resource_uri}start/`);
    settle(created.uuid, 'Running');
    const first = await h.send('DELETE', created.resource_uri);
    expect(first.status).toBe(202);
    h.cluster.report(created.uuid, { state: 'Terminating' });
    const before = structuredClone(stored());
    const patches = h.cluster.patches.length;
    const again = await h.send('DELETE', created.resource_uri);
    expect(again.status).toBe(202);
    expect(again.json.state).toBe('Terminating');
    expect(again.headers['x-dockercloud-action-uri']).toBe(first.headers['x-dockercloud-action-uri']);
    expect(h.cluster.patches).toHaveLength(patches);
    expect(stored()).toEqual(before);
    settle(created.uuid, 'Terminated');
    expect((await h.send('GET', again.headers['x-dockercloud-action-uri'] as string)).json.state).toBe('Success');
    expect((await h.send('DELETE', created.resource_uri)).status).toBe(409);
  });

  it('also before the controller has seen the first one', async () => {
    const created = await createStack(h, 'shop');
    const first = await h.send('DELETE', created.resource_uri);
    const again = await h.send('DELETE', created.resource_uri);
    expect(again.status).toBe(202);
    expect(again.headers['x-dockercloud-action-uri']).toBe(first.headers['x-dockercloud-action-uri']);
  });

  it('of a Stack being deleted with kubectl records a terminate, leaving the spec alone', async () => {
    const created = await createStack(h, 'shop');
    await h.send('POST', `${created.resource_uri}start/`);
    settle(created.uuid, 'Running');
    h.cluster.touch(created.uuid, (s) => ({ ...s, metadata: { ...s.metadata, deletionTimestamp: '2024-03-01T12:01:00Z' } }));
    const spec = structuredClone(stored().spec);
    const reply = await h.send('DELETE', created.resource_uri);
    expect(reply.status).toBe(202);
    expect(reply.json.state).toBe('Terminating');
    expect(stored().spec).toEqual(spec);
    const uri = reply.headers['x-dockercloud-action-uri'] as string;
    expect((await h.send('GET', uri)).json).toMatchObject({ action: 'Stack Terminate', state: 'In progress' });
    h.cluster.remove(created.uuid);
    h.clock.ms += 120_000;
    expect((await h.send('GET', uri)).json.state).toBe('Success');
  });
});

describe('overlapping actions', () => {
  const actionOf = (reply: { headers: Record<string, unknown> }) => reply.headers['x-dockercloud-action-uri'] as string;
  const stateOf = async (uri: string) => (await h.send('GET', uri)).json as { state: string; logs: string };
  const update = (uri: string, image: string) => h.send('PATCH', uri, { body: { services: [{ name: 'web', image }] } });

  async function runningStack() {
    const created = await createStack(h, 'shop');
    await h.send('POST', `${created.resource_uri}start/`);
    settle(created.uuid, 'Running');
    return created;
  }

  it('update then redeploy at once: both accepted, both end when the new definition runs', async () => {
    const created = await runningStack();
    const updated = await update(created.resource_uri, 'nginx:1.28');
    expect(updated.status).toBe(200);
    expect(updated.json).toMatchObject({ state: 'Redeploying', synchronized: false });
    const redeployed = await h.send('POST', `${created.resource_uri}redeploy/`);
    expect(redeployed.status).toBe(202);
    expect(stored().spec).toMatchObject({ desiredState: 'Running', redeploy: { revision: 1 } });
    expect(stored().spec.services[0]?.image).toBe('nginx:1.28');
    // The controller sees the update's generation only: Redeploying, not synchronized.
    h.cluster.report(created.uuid, {
      state: 'Redeploying',
      synchronized: true,
      observedGeneration: stored().metadata.generation! - 1,
    });
    expect((await stateOf(actionOf(updated))).state).toBe('In progress');
    expect((await h.send('GET', created.resource_uri)).json.synchronized).toBe(false);
    h.cluster.report(created.uuid, { state: 'Redeploying', synchronized: true });
    expect((await h.send('GET', created.resource_uri)).json).toMatchObject({ state: 'Redeploying', synchronized: false });
    expect((await stateOf(actionOf(updated))).state).toBe('In progress');
    settle(created.uuid, 'Running', { synchronized: true });
    expect((await h.send('GET', created.resource_uri)).json).toMatchObject({ state: 'Running', synchronized: true });
    expect((await stateOf(actionOf(updated))).state).toBe('Success');
    expect((await stateOf(actionOf(redeployed))).state).toBe('Success');
  });

  it('update then terminate at once: the update is superseded, the terminate succeeds', async () => {
    const created = await runningStack();
    const updated = await update(created.resource_uri, 'nginx:1.28');
    const terminated = await h.send('DELETE', created.resource_uri);
    expect(terminated.status).toBe(202);
    expect(terminated.json.state).toBe('Terminating');
    const superseded = await stateOf(actionOf(updated));
    expect(superseded.state).toBe('Failed');
    expect(superseded.logs).toMatch(/superseded by a later terminate/);
    expect((await stateOf(actionOf(terminated))).state).toBe('In progress');
    settle(created.uuid, 'Terminated');
    expect((await stateOf(actionOf(terminated))).state).toBe('Success');
    expect((await stateOf(actionOf(updated))).state).toBe('Failed');
  });

  it('redeploy during a redeploy: a fresh rollout of the current definition, the first carried on by the second', async () => {
    const created = await runningStack();
    const first = await h.send('POST', `${created.resource_uri}redeploy/?reuse_volumes=false`);
    h.cluster.report(created.uuid, { state: 'Redeploying' });
    const second = await h.send('POST', `${created.resource_uri}redeploy/`);
    expect(second.status).toBe(202);
    expect(stored().spec.redeploy).toEqual({ revision: 2, volumesRevision: 1 });
    settle(created.uuid, 'Running');
    expect((await stateOf(actionOf(first))).state).toBe('Success');
    expect((await stateOf(actionOf(second))).state).toBe('Success');
  });

  it('stop while Starting: the start is superseded, the stop succeeds', async () => {
    const created = await createStack(h, 'shop');
    const started = await h.send('POST', `${created.resource_uri}start/`);
    h.cluster.report(created.uuid, { state: 'Starting' });
    const stopped = await h.send('POST', `${created.resource_uri}stop/`);
    expect(stopped.status).toBe(202);
    expect(stopped.json.state).toBe('Stopping');
    expect((await stateOf(actionOf(started))).logs).toMatch(/superseded by a later stop/);
    settle(created.uuid, 'Stopped');
    expect((await stateOf(actionOf(started))).state).toBe('Failed');
    expect((await stateOf(actionOf(stopped))).state).toBe('Success');
  });

  it('start while Stopping: the stop is superseded, the start succeeds', async () => {
    const created = await runningStack();
    const stopped = await h.send('POST', `${created.resource_uri}stop/`);
    h.cluster.report(created.uuid, { state: 'Stopping' });
    const started = await h.send('POST', `${created.resource_uri}start/`);
    expect(started.status).toBe(202);
    expect(started.json.state).toBe('Starting');
    settle(created.uuid, 'Running');
    expect((await stateOf(actionOf(stopped))).state).toBe('Failed');
    expect((await stateOf(actionOf(started))).state).toBe('Success');
  });

  it('redeploy of a stack stuck Starting: the start ends as the redeploy ends', async () => {
    const created = await createStack(h, 'shop');
    const started = await h.send('POST', `${created.resource_uri}start/`);
    h.cluster.report(created.uuid, { state: 'Starting' });
    const redeployed = await h.send('POST', `${created.resource_uri}redeploy/`);
    expect(redeployed.status).toBe(202);
    expect(stored().spec.redeploy).toEqual({ revision: 1 });
    h.cluster.report(created.uuid, { state: 'Starting' });
    expect((await stateOf(actionOf(started))).state).toBe('In progress');
    settle(created.uuid, 'Not Running', {
      conditions: [
        {
          type: 'Degraded',
          status: 'True',
          reason: 'ProgressDeadlineExceeded',
          message: 'rollout stalled: web',
          lastTransitionTime: '2024-03-01T12:10:00Z',
        },
      ],
    });
    for (const reply of [started, redeployed]) {
      const outcome = await stateOf(actionOf(reply));
      expect(outcome.state).toBe('Failed');
      expect(outcome.logs).toMatch(/rollout stalled/);
    }
    // Still stoppable and removable.
    expect((await h.send('POST', `${created.resource_uri}stop/`)).status).toBe(202);
    expect((await h.send('DELETE', created.resource_uri)).status).toBe(202);
  });

  it('terminate during a rollout: the redeploy is superseded', async () => {
    const created = await runningStack();
    const redeployed = await h.send('POST', `${created.resource_uri}redeploy/`);
    h.cluster.report(created.uuid, { state: 'Redeploying' });
    const terminated = await h.send('DELETE', created.resource_uri);
    expect(terminated.status).toBe(202);
    settle(created.uuid, 'Terminated');
    expect(await stateOf(actionOf(redeployed))).toMatchObject({ state: 'Failed', logs: expect.stringMatching(/superseded/) });
    expect((await stateOf(actionOf(terminated))).state).toBe('Success');
  });

  it('create then start before the controller saw the stack: the create ends as the start ends', async () => {
    const created = await h.send('POST', '/api/app/v1/stack/', { body: { name: 'shop', services: [] } });
    const started = await h.send('POST', `${created.json.resource_uri}start/`);
    expect((await stateOf(actionOf(created))).state).toBe('In progress');
    settle(created.json.uuid, 'Running');
    expect((await stateOf(actionOf(created))).state).toBe('Success');
    expect((await stateOf(actionOf(started))).state).toBe('Success');
  });

  it('update of a stopped stack, then start: the update ends when the stack runs it', async () => {
    const created = await runningStack();
    await h.send('POST', `${created.resource_uri}stop/`);
    settle(created.uuid, 'Stopped');
    const updated = await update(created.resource_uri, 'nginx:1.28');
    expect(updated.json.state).toBe('Stopped');
    const started = await h.send('POST', `${created.resource_uri}start/`);
    expect(started.status).toBe(202);
    settle(created.uuid, 'Running');
    expect((await stateOf(actionOf(updated))).state).toBe('Success');
    expect((await stateOf(actionOf(started))).state).toBe('Success');
  });

  it('update then stop: the definition stays, the update ends as the stop ends', async () => {
    const created = await runningStack();
    const updated = await update(created.resource_uri, 'nginx:1.28');
    const stopped = await h.send('POST', `${created.resource_uri}stop/`);
    expect(stopped.status).toBe(202);
    settle(created.uuid, 'Stopped');
    expect((await stateOf(actionOf(updated))).state).toBe('Success');
    expect((await stateOf(actionOf(stopped))).state).toBe('Success');
  });
});
