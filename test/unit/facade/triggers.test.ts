import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serviceUuid } from '../../../src/facade/uuid5.ts';
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

  it('redeploy the stack when called without credentials, answering 202 with the action', async () => {
    const { triggers, shop } = await shopWeb();
    await h.send('POST', `${shop.resource_uri}start/`);
    h.cluster.report(shop.uuid, { state: 'Running', deployedAt: '2024-03-01T12:00:30Z' });
    const t = (await h.send('POST', triggers, { body: { operation: 'REDEPLOY' } })).json;
    const reply = await h.send('POST', t.url, { auth: null });
    expect(reply.status).toBe(202);
    expect(reply.json).toMatchObject({ action: 'Stack Redeploy', object: shop.resource_uri, state: 'In progress' });
    expect(spec(h).redeploy?.revision).toBe(1);
    expect(spec(h).desiredState).toBe('Running');
    expect((await h.send('GET', reply.json.resource_uri)).json.uuid).toBe(reply.json.uuid);
  });

  it('add one container to the service on SCALEUP', async () => {
    const { triggers } = await shopWeb();
    const t = (await h.send('POST', triggers, { body: { operation: 'SCALEUP' } })).json;
    expect((await h.send('POST', t.url, { auth: null })).status).toBe(202);
    expect((await h.send('POST', t.url, { auth: null })).status).toBe(202);
    expect(spec(h).services[0]?.targetNumContainers).toBe(4);
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
