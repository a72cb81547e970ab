import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { basic, createStack, type Harness, startHarness } from './support/harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

describe('authentication', () => {
  it('answers 401 with a challenge without credentials', async () => {
    const reply = await h.send('GET', '/api/app/v1/stack/', { auth: null });
    expect(reply.status).toBe(401);
    expect(reply.headers['www-authenticate']).toMatch(/^Basic/);
    expect(reply.json.error).toMatch(/authentication required/);
  });

  it('answers 401 for a token Kubernetes does not accept', async () => {
    const reply = await h.send('GET', '/api/app/v1/stack/', { auth: basic('stolen') });
    expect(reply.status).toBe(401);
    expect(reply.json.error).toMatch(/invalid credentials/);
  });

  it('accepts the token as Basic user:token and as Bearer (DOCKERCLOUD_AUTH)', async () => {
    expect((await h.send('GET', '/api/app/v1/stack/', { auth: basic('alice-token', 'anyone') })).status).toBe(200);
    expect((await h.send('GET', '/api/app/v1/stack/', { auth: 'Bearer alice-token' })).status).toBe(200);
  });

  it('answers 503 when Kubernetes cannot be asked', async () => {
    h.auth.failWith = new Error('connect ECONNREFUSED');
    const reply = await h.send('GET', '/api/app/v1/stack/');
    expect(reply.status).toBe(503);
  });
});

describe('authorization', () => {
  it('asks for the verb of each operation on stacks in the target namespace', async () => {
    const created = await createStack(h, 'shop', [], 'team-a');
    h.auth.authorizeCalls = [];
    await h.send('GET', '/api/app/v1/team-a/stack/');
    await h.send('GET', created.resource_uri);
    await h.send('GET', `${created.resource_uri}export/`);
    await h.send('PATCH', created.resource_uri, { body: { services: [] } });
    await h.send('POST', `${created.resource_uri}start/`);
    await h.send('DELETE', created.resource_uri);
    await h.send('GET', '/api/app/v1/team-a/service/');
    expect(h.auth.authorizeCalls.map((c) => `${c.namespace}:${c.verb}`)).toEqual([
      'team-a:list',
      'team-a:get',
      'team-a:get',
      'team-a:patch',
      'team-a:patch',
      'team-a:delete',
      'team-a:list',
    ]);
  });

  it('answers 403 outside what RBAC grants, changing nothing', async () => {
    const reply = await h.send('POST', '/api/app/v1/forbidden/stack/', { body: { name: 'shop' } });
    expect(reply.status).toBe(403);
    expect(reply.json.error).toMatch(/may not create stacks.longshore.io in namespace "forbidden"/);
    expect(h.cluster.objects.size).toBe(0);
  });

  it('lets a read-only user read but not act', async () => {
    h.auth.tokens.set('viewer-token', { username: 'viewer', groups: [] });
    h.auth.grant('viewer', 'default', 'get', 'list');
    const created = await createStack(h, 'shop');
    const as = { auth: 'Bearer viewer-token' };
    expect((await h.send('GET', created.resource_uri, as)).status).toBe(200);
    expect((await h.send('POST', `${created.resource_uri}start/`, as)).status).toBe(403);
    expect((await h.send('DELETE', created.resource_uri, as)).status).toBe(403);
  });

  it("works in a ServiceAccount's own namespace when the path names none", async () => {
    h.auth.grantAll('system:serviceaccount:robots:deployer', 'robots');
    const reply = await h.send('POST', '/api/app/v1/stack/', { auth: 'Bearer robot-token', body: { name: 'shop' } });
    expect(reply.status).toBe(201);
    expect(reply.json.resource_uri).toMatch(/^\/api\/app\/v1\/robots\/stack\//);
  });

  it('uses the configured default namespace for other users', async () => {
    const custom = await startHarness({ defaultNamespace: 'team-a' });
    try {
      const reply = await custom.send('POST', '/api/app/v1/stack/', { body: { name: 'shop' } });
      expect(reply.json.resource_uri).toMatch(/^\/api\/app\/v1\/team-a\/stack\//);
    } finally {
      await custom.close();
    }
  });

  it("never shows another namespace's stack or action", async () => {
    h.auth.tokens.set('bob-token', { username: 'bob', groups: [] });
    h.auth.grantAll('bob', 'bobs');
    const created = await createStack(h, 'shop');
    const action = (await h.send('POST', `${created.resource_uri}start/`)).headers['x-dockercloud-action-uri'] as string;
    const as = { auth: 'Bearer bob-token' };
    expect((await h.send('GET', `/api/app/v1/stack/${created.uuid}/`, as)).status).toBe(403); // "default" is not bob's
    expect((await h.send('GET', `/api/app/v1/bobs/stack/${created.uuid}/`, as)).status).toBe(404);
    expect((await h.send('GET', '/api/app/v1/bobs/stack/', as)).json.objects).toEqual([]);
    expect((await h.send('GET', action, as)).status).toBe(404);
    expect((await h.send('GET', action)).status).toBe(200);
  });
});
