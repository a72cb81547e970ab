import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TokenBucket, TRIGGERS_ANNOTATION, triggerIndex } from '../../../src/facade/triggers.ts';
import { serviceUuid } from '../../../src/facade/uuid5.ts';
import type { Stack } from '../../../src/model/stack.ts';
import { basic, createStack, type Harness, startHarness } from './support/harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

/** A stack `shop` with a service `web` (two containers); its service's resource URI. */
async function shopWeb() {
  const shop = await createStack(h, 'shop', [{ name: 'web', image: 'nginx', target_num_containers: 2 }]);
  const uuid = serviceUuid(shop.uuid, 'web');
  return { shop, uuid, triggers: `/api/app/v1/default/service/${uuid}/trigger/` };
}
const spec = (h: Harness) => h.cluster.objects.get('default/shop')!.spec;

describe('service triggers', () => {
  it('are created, listed, read and deleted as the docker-cloud CLI and python-dockercloud do', async () => {
    const { triggers, uuid } = await shopWeb();
    // python-dockercloud joins the service's resource_uri and "trigger": a double slash.
    const created = await h.send('POST', triggers.replace('/trigger/', '//trigger'), { body: { name: 'ci' } });
    expect(created.status).toBe(201);
    const t = created.json;
    expect(t).toEqual({
      uuid: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'ci',
      operation: 'REDEPLOY',
      resource_uri: `/api/app/v1/default/service/${uuid}/trigger/${t.uuid}/`,
      url: `/api/app/v1/default/service/${uuid}/trigger/${t.uuid}/call/`,
    });
    await h.send('POST', triggers, { body: { name: 'bot', operation: 'scaleup' } });

    const listed = await h.send('GET', triggers);
    expect(listed.json.objects.map((x: { name: string; operation: string }) => `${x.name} ${x.operation}`)).toEqual([
      'ci REDEPLOY',
      'bot SCALEUP',
    ]);
    // The CLI's `trigger rm <name or uuid prefix>` lists with these filters.
    expect((await h.send('GET', `${triggers}?name=bot`)).json.objects).toHaveLength(1);
    expect((await h.send('GET', `${triggers}?uuid__startswith=${t.uuid}`)).json.objects).toEqual([t]);
    expect((await h.send('GET', t.resource_uri)).json).toEqual(t);

    expect((await h.send('DELETE', t.resource_uri)).status).toBe(204);
    expect((await h.send('GET', t.resource_uri)).status).toBe(404);
    expect((await h.send('POST', t.url, { auth: null })).status).toBe(404);
  });

  it('need the right to update the stack to be created or deleted; reading needs the right to get it', async () => {
    const { triggers } = await shopWeb();
    const t = (await h.send('POST', triggers, { body: {} })).json;
    h.auth.tokens.set('reader-token', { username: 'reader', groups: [] });
    h.auth.grant('reader', 'default', 'get', 'list');
    const reader = basic('reader-token');
    expect((await h.send('GET', triggers, { auth: reader })).status).toBe(200);
    expect((await h.send('POST', triggers, { body: {}, auth: reader })).status).toBe(403);
    expect((await h.send('DELETE', t.resource_uri, { auth: reader })).status).toBe(403);
    expect((await h.send('GET', triggers, { auth: null })).status).toBe(401);
  });

  it('refuse an operation other than REDEPLOY or SCALEUP, naming the field', async () => {
    const { triggers } = await shopWeb();
    const reply = await h.send('POST', triggers, { body: { operation: 'DESTROY' } });
    expect(reply.status).toBe(400);
    expect(reply.json.error).toBe('a trigger: operation must be REDEPLOY or SCALEUP, got "DESTROY"');
  });

  it('redeploy their service alone when called without credentials, answering 202 with the action', async () => {
    const shop = await createStack(h, 'shop', [
      { name: 'web', image: 'nginx' },
      { name: 'db', image: 'postgres' },
    ]);
    const triggers = `/api/app/v1/default/service/${serviceUuid(shop.uuid, 'web')}/trigger/`;
    await h.send('POST', `${shop.resource_uri}start/`);
    h.cluster.report(shop.uuid, { state: 'Running', deployedAt: '2024-03-01T12:00:30Z' });
    const t = (await h.send('POST', triggers, { body: { operation: 'REDEPLOY' } })).json;
    h.cache.listAllCalls = 0;
    const reply = await h.send('POST', t.url, { auth: null });
    expect(reply.status).toBe(202);
    expect(reply.json).toMatchObject({ action: 'Stack Redeploy', object: shop.resource_uri, state: 'In progress' });
    // Only web's own revision moves: db's pods keep their template.
    expect(spec(h).redeploy).toEqual({ revision: 0, services: { web: 1 } });
    expect(spec(h).desiredState).toBe('Running');
    expect((await h.send('POST', t.url, { auth: null })).status).toBe(202);
    expect(spec(h).redeploy).toEqual({ revision: 0, services: { web: 2 } });
    expect((await h.send('GET', reply.json.resource_uri)).json.uuid).toBe(reply.json.uuid);
    // Found by the cache's trigger index, not by looking through every stack.
    expect(h.cache.listAllCalls).toBe(0);
  });

  it('add one container to the service on SCALEUP', async () => {
    const { triggers } = await shopWeb();
    const t = (await h.send('POST', triggers, { body: { operation: 'SCALEUP' } })).json;
    expect((await h.send('POST', t.url, { auth: null })).status).toBe(202);
    expect((await h.send('POST', t.url, { auth: null })).status).toBe(202);
    expect(spec(h).services[0]?.targetNumContainers).toBe(4);
  });

  it('scale up only where an update is allowed: a terminated stack is refused (409) and left as it is', async () => {
    const { shop, triggers } = await shopWeb();
    const t = (await h.send('POST', triggers, { body: { operation: 'SCALEUP' } })).json;
    expect((await h.send('DELETE', `/api/app/v1/default/stack/${shop.uuid}/`)).status).toBe(202);
    const before = JSON.stringify(spec(h));
    const reply = await h.send('POST', t.url, { auth: null });
    expect(reply.status).toBe(409);
    expect(reply.json.error).toMatch(/update/);
    expect(JSON.stringify(spec(h))).toBe(before);
  });

  it('answer a wrong trigger or service uuid as a path that does not exist, and change nothing', async () => {
    const { triggers, uuid } = await shopWeb();
    const t = (await h.send('POST', triggers, { body: {} })).json;
    const before = JSON.stringify(spec(h));
    const wrongTrigger = t.url.replace(t.uuid, '00000000-0000-4000-8000-00000000ffff');
    expect((await h.send('POST', wrongTrigger, { auth: null })).status).toBe(404);
    const wrongService = t.url.replace(uuid, '00000000-0000-5000-8000-00000000ffff');
    expect((await h.send('POST', wrongService, { auth: null })).status).toBe(404);
    expect(JSON.stringify(spec(h))).toBe(before);
    expect(JSON.stringify(h.logs)).not.toContain(t.uuid.slice(9));
  });

  it('are limited per process, all triggers together, with a Docker Cloud style error; guesses take nothing', async () => {
    await h.close();
    h = await startHarness({ triggerCallsPerMinuteTotal: 3 });
    const { triggers } = await shopWeb();
    const a = (await h.send('POST', triggers, { body: { operation: 'SCALEUP' } })).json;
    const b = (await h.send('POST', triggers, { body: { operation: 'SCALEUP' } })).json;
    const wrong = a.url.replace(a.uuid, '00000000-0000-4000-8000-00000000ffff');
    for (let i = 0; i < 5; i++) expect((await h.send('POST', wrong, { auth: null })).status).toBe(404);
    for (const t of [a, b, a]) expect((await h.send('POST', t.url, { auth: null })).status).toBe(202);
    const refused = await h.send('POST', b.url, { auth: null });
    expect(refused.status).toBe(429);
    expect(refused.json).toEqual({ error: 'too many trigger calls to this server; try again in 20 s' });
    expect(refused.headers['retry-after']).toBe('20');
    expect(spec(h).services[0]?.targetNumContainers).toBe(5);
    // The bucket refills evenly: one call every 20 s.
    h.clock.ms += 20_000;
    expect((await h.send('POST', b.url, { auth: null })).status).toBe(202);
    expect((await h.send('POST', a.url, { auth: null })).status).toBe(429);
  });

  it('are rate-limited per trigger', async () => {
    const { triggers } = await shopWeb();
    const t = (await h.send('POST', triggers, { body: { operation: 'SCALEUP' } })).json;
    for (let i = 0; i < 10; i++) expect((await h.send('POST', t.url, { auth: null })).status).toBe(202);
    const refused = await h.send('POST', t.url, { auth: null });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    h.clock.ms += 60_000;
    expect((await h.send('POST', t.url, { auth: null })).status).toBe(202);
  });
});

describe('TokenBucket', () => {
  it('takes a burst up to its size, then one token per refill share', () => {
    const bucket = new TokenBucket(2, 60_000);
    expect(bucket.take(0)).toBeUndefined();
    expect(bucket.take(0)).toBeUndefined();
    expect(bucket.take(0)).toBe(30);
    expect(bucket.take(10_000)).toBe(20);
    expect(bucket.take(30_000)).toBeUndefined();
    // Never more than its size, however long it waited.
    expect(bucket.take(10_000_000)).toBeUndefined();
    expect(bucket.take(10_000_000)).toBeUndefined();
    expect(bucket.take(10_000_000)).toBeGreaterThan(0);
  });
});

describe('triggerIndex', () => {
  it("files a stack under its triggers' uuids, and a stack without triggers (or unreadable ones) under none", () => {
    const stack = (annotations?: Record<string, string>) =>
      ({
        metadata: { name: 's', namespace: 'n', ...(annotations && { annotations }) },
        spec: { services: [] },
      }) as unknown as Stack;
    const t = (uuid: string) => ({ uuid, service: 'web', name: '', operation: 'REDEPLOY' });
    expect(triggerIndex(stack({ [TRIGGERS_ANNOTATION]: JSON.stringify([t('a'), t('b')]) }))).toEqual(['a', 'b']);
    expect(triggerIndex(stack())).toBeUndefined();
    expect(triggerIndex(stack({ [TRIGGERS_ANNOTATION]: '{not json' }))).toEqual([]);
  });
});
