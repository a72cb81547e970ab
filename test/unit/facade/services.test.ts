import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serviceUuid } from '../../../src/facade/uuid5.ts';
import { createStack, type Harness, startHarness } from './support/harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const names = (reply: { json: { objects: { name: string }[] } }) => reply.json.objects.map((s) => s.name);

describe('services (read-only)', () => {
  it('lists every service of the namespace with what `docker-cloud service ps` reads', async () => {
    const shop = await createStack(h, 'shop', [
      { name: 'web', image: 'nginx:1.27', target_num_containers: 2, tags: ['frontend'] },
      { name: 'db', image: 'redis' },
    ]);
    h.cluster.report(shop.uuid, {
      state: 'Partly running',
      deployedAt: '2024-03-01T12:00:30Z',
      services: [{ name: 'web', state: 'Running', targetContainers: 2, currentContainers: 2, readyContainers: 2 }],
    });
    const reply = await h.send('GET', '/api/app/v1/service/');
    expect(reply.status).toBe(200);
    expect(reply.json.meta.total_count).toBe(2);
    const web = reply.json.objects.find((s: { name: string }) => s.name === 'web');
    const uuid = serviceUuid(shop.uuid, 'web');
    expect(web).toMatchObject({
      uuid,
      resource_uri: `/api/app/v1/default/service/${uuid}/`,
      name: 'web',
      state: 'Running',
      synchronized: true,
      image_name: 'nginx:1.27',
      image_tag: '1.27',
      current_num_containers: 2,
      target_num_containers: 2,
      deployed_datetime: 'Fri, 01 Mar 2024 12:00:30 +0000',
      public_dns: 'web.shop.default.svc',
      stack: shop.resource_uri,
      tags: [{ name: 'frontend' }],
    });
    const db = reply.json.objects.find((s: { name: string }) => s.name === 'db');
    expect(db.state).toBe('Not running');
    expect(db.current_num_containers).toBe(0);
    expect(db.target_num_containers).toBe(1);
    // The stack lists the same resource URIs.
    expect(shop.services).toEqual([web.resource_uri, db.resource_uri]);
  });

  it('shows a one-shot service that ran to completion as Stopped, its ended containers as stopped ones', async () => {
    const shop = await createStack(h, 'shop', [
      { name: 'web', image: 'nginx:1.27' },
      { name: 'certs', image: 'certbot', autorestart: 'OFF' },
    ]);
    h.cluster.report(shop.uuid, {
      state: 'Running',
      services: [
        { name: 'web', state: 'Running', targetContainers: 1, currentContainers: 1, readyContainers: 1 },
        { name: 'certs', state: 'Stopped', targetContainers: 1, currentContainers: 1, readyContainers: 0, endedContainers: 1 },
      ],
    });
    const reply = await h.send('GET', '/api/app/v1/service/');
    const certs = reply.json.objects.find((s: { name: string }) => s.name === 'certs');
    expect(certs).toMatchObject({
      state: 'Stopped',
      autorestart: 'OFF',
      current_num_containers: 1,
      running_num_containers: 0,
      stopped_num_containers: 1,
    });
    const web = reply.json.objects.find((s: { name: string }) => s.name === 'web');
    expect(web).toMatchObject({ state: 'Running', stopped_num_containers: 0 });
  });

  it('filters by stack resource URI, name, state, uuid and uuid__startswith', async () => {
    const shop = await createStack(h, 'shop', [{ name: 'web', image: 'nginx' }]);
    const blog = await createStack(h, 'blog', [
      { name: 'web', image: 'ghost' },
      { name: 'db', image: 'mysql' },
    ]);
    h.cluster.report(blog.uuid, {
      state: 'Running',
      services: [{ name: 'db', state: 'Running', targetContainers: 1, currentContainers: 1, readyContainers: 1 }],
    });
    expect(names(await h.send('GET', `/api/app/v1/service/?stack=${encodeURIComponent(shop.resource_uri)}`))).toEqual(['web']);
    expect(
      names(await h.send('GET', `/api/app/v1/service/?stack=${encodeURIComponent(`/api/app/v1/stack/${blog.uuid}/`)}`)),
    ).toEqual(['web', 'db']);
    expect((await h.send('GET', '/api/app/v1/service/?name=web')).json.meta.total_count).toBe(2);
    expect(names(await h.send('GET', '/api/app/v1/service/?state=Running'))).toEqual(['db']);
    const dbUuid = serviceUuid(blog.uuid, 'db');
    expect(names(await h.send('GET', `/api/app/v1/service/?uuid=${dbUuid}`))).toEqual(['db']);
    expect(names(await h.send('GET', `/api/app/v1/default/service/?uuid__startswith=${dbUuid.slice(0, 8)}`))).toEqual(['db']);
  });

  it('gets one service by uuid, with and without the namespace; 404 otherwise', async () => {
    const shop = await createStack(h, 'shop', [{ name: 'web', image: 'nginx' }], 'team-a');
    const uuid = serviceUuid(shop.uuid, 'web');
    const reply = await h.send('GET', `/api/app/v1/team-a/service/${uuid}/`);
    expect(reply.status).toBe(200);
    expect(reply.json.name).toBe('web');
    expect(reply.json.stack).toBe(shop.resource_uri);
    expect((await h.send('GET', `/api/app/v1/service/${uuid}/`)).status).toBe(404); // alice's default namespace
    const unknown = await h.send('GET', '/api/app/v1/team-a/service/00000000-0000-5000-8000-000000000000/');
    expect(unknown.status).toBe(404);
    expect(unknown.json.error).toMatch(/no service/);
  });

  it('is read-only: writes are 405 with Allow', async () => {
    const reply = await h.send('POST', '/api/app/v1/service/', { body: { image: 'nginx' } });
    expect(reply.status).toBe(405);
    expect(reply.headers.allow).toMatch(/GET/);
    expect(reply.json.error).toMatch(/not allowed/);
  });
});
