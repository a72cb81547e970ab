// Links are checked before a write as the controller will resolve them: another stack's service
// as `service.stack` (that stack must exist in the namespace, with that service), a Service of
// the namespace outside any stack, aliases that do not collide. A request that fails gets a 400
// naming the link, and nothing is written.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PlainService } from '../../../src/translate/surroundings.ts';
import { createStack, type Harness, startHarness } from './support/harness.ts';

let h: Harness;
const plainServices = new Map<string, PlainService>([
  ['couchdb', { name: 'couchdb', clusterIP: '10.96.0.9', ports: [{ port: 5984, protocol: 'tcp' }] }],
]);
beforeEach(async () => {
  h = await startHarness(
    {},
    { lookupService: async (namespace, name) => (namespace === 'default' ? plainServices.get(name) : undefined) },
  );
});
afterEach(() => h.close());

const create = (name: string, services: unknown[], ns = '') =>
  h.send('POST', `/api/app/v1/${ns ? `${ns}/` : ''}stack/`, { body: { name, services } });

describe('links through the façade', () => {
  it("accept another stack's service as service.stack once that stack exists in the namespace", async () => {
    const services = [{ name: 'api', image: 'nginx', linked_to_service: [{ to_service: 'redis.cache', name: 'redis' }] }];
    const refused = await create('app', services);
    expect(refused.status).toBe(400);
    expect(refused.json.error).toContain(
      'services[0].linked_to_service[0].to_service: links to service "redis" of stack "cache", but namespace "default" has no stack "cache"',
    );
    expect(h.cluster.objects.size).toBe(0);

    await createStack(h, 'cache', [{ name: 'redis', image: 'redis' }]);
    expect((await create('app', services)).status).toBe(201);
  });

  it('refuse a stack of another namespace, or a service the other stack does not have', async () => {
    await createStack(h, 'cache', [{ name: 'redis', image: 'redis' }], 'team-a');
    const elsewhere = await create('app', [{ name: 'api', image: 'nginx', linked_to_service: [{ to_service: 'redis.cache' }] }]);
    expect(elsewhere.status).toBe(400);
    await createStack(h, 'cache', [{ name: 'redis', image: 'redis' }]);
    const missing = await create('app', [{ name: 'api', image: 'nginx', links: ['memcached.cache'] }]);
    expect(missing.status).toBe(400);
    expect(missing.json.error).toContain('links to "memcached.cache", but stack "cache" has no service "memcached"');
  });

  it('accept a plain Service of the namespace, and refuse a name that is nothing', async () => {
    expect((await create('chat', [{ name: 'web', image: 'nginx', links: ['couchdb:db'] }])).status).toBe(201);
    const nothing = await create('chat2', [{ name: 'web', image: 'nginx', links: ['mariadb'] }]);
    expect(nothing.status).toBe(400);
    expect(nothing.json.error).toContain(
      'links to "mariadb", which is neither a service of this stack nor a Service of namespace "default"',
    );
  });

  it('refuse an alias that collides inside the stack', async () => {
    const reply = await create('shop', [
      { name: 'web', image: 'nginx', links: ['db:cache'] },
      { name: 'worker', image: 'nginx', links: ['redis:cache'] },
      { name: 'db', image: 'postgres' },
      { name: 'redis', image: 'redis' },
    ]);
    expect(reply.status).toBe(400);
    expect(reply.json.error).toContain('services[1].linked_to_service[0].name: the alias "cache" resolves as "cache"');
  });

  it('check links on update too, and change nothing when they fail', async () => {
    const stack = await createStack(h, 'shop', [{ name: 'web', image: 'nginx' }]);
    const before = JSON.stringify([...h.cluster.objects.values()][0]?.spec);
    const reply = await h.send('PATCH', `/api/app/v1/stack/${stack.uuid}/`, {
      body: { services: [{ name: 'web', image: 'nginx', links: ['db.nowhere'] }] },
    });
    expect(reply.status).toBe(400);
    expect(JSON.stringify([...h.cluster.objects.values()][0]?.spec)).toBe(before);
  });

  it('refuses links to more plain Services than it will look up, without looking them up', async () => {
    const links = Array.from({ length: 40 }, (_, i) => `svc-${i}`);
    const reply = await create('many', [{ name: 'web', image: 'nginx', links }]);
    expect(reply.status).toBe(400);
    expect(reply.json.error).toContain('the links name 40 different Services outside the stack; at most 32 are allowed');
  });
});
