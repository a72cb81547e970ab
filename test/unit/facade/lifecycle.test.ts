import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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

  it('reads the stack afresh before refusing: the cache may not show yet that it has stopped', async () => {
    const created = await runningStack();
    await h.send('POST', `${created.resource_uri}stop/`);
    h.cache.freeze(); // the cache still shows the stack Stopping...
    settle(created.uuid, 'Stopped'); // ...while the API server already says Stopped
    const reply = await h.send('POST', `${created.resource_uri}redeploy/`);
    expect(reply.status).toBe(202);
    expect(stored().spec.desiredState).toBe('Running');
  });

  it('still refuses when the fresh read agrees with the cache, and changes nothing', async () => {
    const created = await runningStack();
    await h.send('POST', `${created.resource_uri}stop/`);
    const before = structuredClone(stored());
    const reply = await h.send('POST', `${created.resource_uri}redeploy/`);
    expect(reply.status).toBe(409);
    expect(reply.json.error).toMatch(/Stopping/);
    expect(stored()).toEqual(before);
  });

  it('refuses another value of reuse_volumes with 400', async () => {
    const created = await runningStack();
    const reply = await h.send('POST', `${created.resource_uri}redeploy/?reuse_volumes=maybe`);
    expect(reply.status).toBe(400);
    expect(reply.json.error).toMatch(/reuse_volumes/);
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
