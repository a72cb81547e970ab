import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStack, type Harness, startHarness } from './support/harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

describe('paths', () => {
  it('collapses a leading // (Go with a trailing slash in DOCKERCLOUD_REST_HOST)', async () => {
    const created = await createStack(h, 'shop');
    expect((await h.send('GET', '//api/app/v1/stack/')).json.objects).toHaveLength(1);
    expect((await h.send('POST', `//api/app/v1/stack/${created.uuid}//start/`)).status).toBe(202);
  });

  it('takes paths with or without the trailing slash', async () => {
    const created = await createStack(h, 'shop');
    expect((await h.send('GET', `/api/app/v1/stack/${created.uuid}`)).status).toBe(200);
    expect((await h.send('GET', '/api/app/v1/default/stack')).status).toBe(200);
  });

  it('reads the segment before stack/ as a namespace, even one named "stack"', async () => {
    h.auth.grantAll('alice', 'stack');
    await createStack(h, 'shop', [], 'stack');
    const reply = await h.send('GET', '/api/app/v1/stack/stack/');
    expect(reply.status).toBe(200);
    expect(reply.json.objects.map((s: { name: string }) => s.name)).toEqual(['shop']);
  });

  it('answers an unknown path with 404 and a JSON error', async () => {
    const reply = await h.send('GET', '/api/app/v1/nodecluster/');
    expect(reply.status).toBe(404);
    expect(reply.json.error).toMatch(/no such endpoint/);
  });

  it('answers a wrong method with 405, the Allow header and a JSON error', async () => {
    const created = await createStack(h, 'shop');
    const reply = await h.send('PUT', created.resource_uri, { body: {} });
    expect(reply.status).toBe(405);
    expect(reply.headers.allow?.split(/,\s*/).sort()).toEqual(['DELETE', 'GET', 'HEAD', 'PATCH']);
    expect(reply.json.error).toMatch(/PUT not allowed/);
    expect((await h.send('DELETE', '/api/app/v1/stack/')).status).toBe(405);
  });
});

describe('bodies', () => {
  it('parses JSON whatever the Content-Type says', async () => {
    const reply = await h.send('POST', '/api/app/v1/stack/', {
      body: { name: 'shop' },
      headers: { 'content-type': 'text/plain' },
    });
    expect(reply.status).toBe(201);
  });

  it('treats an empty PATCH body as no change', async () => {
    const created = await createStack(h, 'shop');
    const reply = await h.send('PATCH', created.resource_uri, { body: '', headers: { 'content-type': 'application/json' } });
    expect(reply.status).toBe(200);
    expect(h.cluster.objects.get('default/shop')?.metadata.generation).toBe(1);
  });
});

describe('unexpected errors', () => {
  it('answers 500 {"error": "internal error"} and logs the namespace and name', async () => {
    const created = await createStack(h, 'shop');
    h.cluster.patch = async () => {
      throw new Error('socket hang up');
    };
    const reply = await h.send('POST', `${created.resource_uri}start/`);
    expect(reply.status).toBe(500);
    expect(reply.json).toEqual({ error: 'internal error' });
    const line = h.logs.find((l) => l['msg'] === 'internal error');
    expect(line).toMatchObject({ namespace: 'default', name: 'shop', level: 50 });
    expect(JSON.stringify(line)).toContain('socket hang up');
  });
});

describe('metrics hook', () => {
  it('reports the route template without the namespace, the status and the duration', async () => {
    const created = await createStack(h, 'shop', [], 'team-a');
    await h.send('GET', created.resource_uri);
    await h.send('GET', '/nowhere');
    const last = h.metrics.slice(-2);
    expect(last[0]).toMatchObject({ route: '/api/app/v1/stack/:uuid/', status: 200 });
    expect(last[0]!.seconds).toBeGreaterThanOrEqual(0);
    expect(last[1]).toMatchObject({ route: 'unmatched', status: 404 });
  });
});
