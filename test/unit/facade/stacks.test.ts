import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serviceUuid } from '../../../src/facade/uuid5.ts';
import { KubeApiError } from '../../../src/runtime/api-error.ts';
import { createStack, type Harness, startHarness } from './support/harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

/** The body docker-cloud 1.0.9 sends for `stack create -f` (stack-file keys plus name). */
const CLI_SERVICES = [
  {
    image: 'nginx',
    links: ['db:database'],
    ports: ['80:80'],
    environment: ['FOO=bar'],
    target_num_containers: 2,
    restart: 'always',
    volumes_from: ['db'],
    name: 'web',
  },
  { image: 'redis', environment: { PASS: 'secret', N: 5 }, volumes: ['/data', '/etc:/etc:ro'], name: 'db' },
];

/** What Go's StackCreateRequest and the API docs send (API fields). */
const API_SERVICES = [
  {
    name: 'hello-word',
    image: 'tutum/hello-world',
    target_num_containers: 2,
    linked_to_service: [{ to_service: 'database', name: 'DB' }],
  },
  { name: 'database', image: 'tutum/mysql' },
];

describe('create', () => {
  it('answers 201 with the stack, not started, named by metadata.name and identified by metadata.uid', async () => {
    const reply = await h.send('POST', '/api/app/v1/stack/', { body: { name: 'shop', services: API_SERVICES } });
    expect(reply.status).toBe(201);
    const stored = [...h.cluster.objects.values()][0]!;
    const uid = stored.metadata.uid!;
    expect(reply.json).toEqual({
      uuid: uid,
      resource_uri: `/api/app/v1/default/stack/${uid}/`,
      name: 'shop',
      nickname: 'shop',
      state: 'Not Running',
      synchronized: false,
      services: [
        `/api/app/v1/default/service/${serviceUuid(uid, 'hello-word')}/`,
        `/api/app/v1/default/service/${serviceUuid(uid, 'database')}/`,
      ],
      deployed_datetime: null,
      destroyed_datetime: null,
    });
    expect(stored.metadata.name).toBe('shop');
    expect(stored.metadata.namespace).toBe('default');
    expect(stored.spec.desiredState).toBeUndefined();
    expect(stored.spec.services.map((s) => s.name)).toEqual(['hello-word', 'database']);
    expect(stored.spec.services[0]?.linkedToService).toEqual([{ toService: 'database', name: 'DB' }]);
    expect(reply.headers['x-dockercloud-action-uri']).toMatch(/^\/api\/audit\/v1\/action\/[0-9a-f-]{36}\/$/);
  });

  it('creates in the namespace of the path', async () => {
    const reply = await h.send('POST', '/api/app/v1/team-a/stack/', { body: { name: 'shop' } });
    expect(reply.status).toBe(201);
    expect(reply.json.resource_uri).toBe(`/api/app/v1/team-a/stack/${reply.json.uuid}/`);
    expect(reply.json.services).toEqual([]);
    expect(h.cluster.objects.has('team-a/shop')).toBe(true);
  });

  it("accepts the CLI's stack-file keys and converts them", async () => {
    const reply = await h.send('POST', '/api/app/v1/stack/', { body: { name: 'mystack', services: CLI_SERVICES } });
    expect(reply.status).toBe(201);
    const spec = h.cluster.objects.get('default/mystack')!.spec;
    const web = spec.services.find((s) => s.name === 'web')!;
    expect(web.image).toBe('nginx');
    expect(web.targetNumContainers).toBe(2);
    expect(web.linkedToService).toEqual([{ toService: 'db', name: 'database' }]);
    expect(web.containerEnvvars).toEqual([{ key: 'FOO', value: 'bar' }]);
    expect(web.autorestart).toBe('ALWAYS');
    const db = spec.services.find((s) => s.name === 'db')!;
    expect(db.containerEnvvars).toEqual(expect.arrayContaining([{ key: 'N', value: '5' }]));
  });

  it('keeps a given nickname', async () => {
    const reply = await h.send('POST', '/api/app/v1/stack/', { body: { name: 'shop', nickname: 'The Shop' } });
    expect(reply.json.nickname).toBe('The Shop');
  });

  it.each([
    [{ name: 'My_Stack' }, /name: .*DNS-1123/],
    [{ name: 'a'.repeat(64) }, /name: .*63 characters/],
    [{}, /name: required/],
    [{ name: 5 }, /name: must be a string/],
    [{ name: 'shop', colour: 'red' }, /unknown field "colour"/],
    [{ name: 'shop', services: 'web' }, /services/],
    [{ name: 'shop', services: [{ name: 'web' }] }, /image/],
    [{ name: 'shop', services: [{ name: 'web', image: 'nginx', linked_to_service: [{ to_service: 'nope' }] }] }, /nope/],
    [
      { name: 'shop', services: [{ name: 'web', image: 'nginx', target_num_containers: 'two' }] },
      /target_num_containers|targetNumContainers/,
    ],
    [[1, 2], /must be a JSON object/],
  ])('refuses %j with 400 naming the field, writing nothing', async (body, message) => {
    const reply = await h.send('POST', '/api/app/v1/stack/', { body });
    expect(reply.status).toBe(400);
    expect(reply.json.error).toMatch(message);
    expect(h.cluster.objects.size).toBe(0);
  });

  it('refuses malformed JSON with 400', async () => {
    const reply = await h.send('POST', '/api/app/v1/stack/', { body: '{"name": "shop",' });
    expect(reply.status).toBe(400);
    expect(reply.json.error).toMatch(/malformed JSON/);
  });

  it('answers 409 when the name is taken in the namespace', async () => {
    await createStack(h, 'shop');
    const reply = await h.send('POST', '/api/app/v1/stack/', { body: { name: 'shop' } });
    expect(reply.status).toBe(409);
    expect(reply.json.error).toMatch(/"shop" already exists in namespace "default"/);
    expect((await h.send('POST', '/api/app/v1/team-a/stack/', { body: { name: 'shop' } })).status).toBe(201);
  });

  it("maps the API server's validation errors (422) to 400 with its message", async () => {
    h.cluster.createError = new KubeApiError(
      422,
      'Invalid',
      'Stack.longshore.io "shop" is invalid: spec.services[0]: rule failed',
    );
    const reply = await h.send('POST', '/api/app/v1/stack/', { body: { name: 'shop' } });
    expect(reply.status).toBe(400);
    expect(reply.json.error).toBe('Stack.longshore.io "shop" is invalid: spec.services[0]: rule failed');
  });

  it('refuses a body over the limit with 413', async () => {
    const small = await startHarness({ bodyLimitBytes: 100 });
    try {
      for (const chunked of [false, true]) {
        const reply = await small.send('POST', '/api/app/v1/stack/', {
          body: { name: 'shop', nickname: 'x'.repeat(200) },
          chunked,
        });
        expect(reply.status).toBe(413);
        expect(reply.json.error).toMatch(/larger than the limit of 100 bytes/);
      }
      expect(small.cluster.objects.size).toBe(0);
    } finally {
      await small.close();
    }
  });
});

describe('get', () => {
  it('finds a stack by uuid with and without the namespace segment', async () => {
    const created = await createStack(h, 'shop');
    const plain = await h.send('GET', `/api/app/v1/stack/${created.uuid}/`);
    const namespaced = await h.send('GET', created.resource_uri);
    expect(plain.status).toBe(200);
    expect(namespaced.status).toBe(200);
    expect(plain.json).toEqual(created);
    expect(namespaced.json).toEqual(created);
  });

  it('answers 404 for an unknown uuid, and for a stack of another namespace', async () => {
    const other = await createStack(h, 'shop', [], 'team-a');
    const unknown = await h.send('GET', '/api/app/v1/stack/5a1b2c3d-0000-4000-8000-000000000000/');
    expect(unknown.status).toBe(404);
    expect(unknown.json.error).toMatch(/no stack with uuid/);
    expect((await h.send('GET', `/api/app/v1/stack/${other.uuid}/`)).status).toBe(404);
    expect((await h.send('GET', `/api/app/v1/team-a/stack/${other.uuid}/`)).status).toBe(200);
  });

  it('writes dates as "%a, %d %b %Y %H:%M:%S +0000" and the reported state', async () => {
    const created = await createStack(h, 'shop');
    h.cluster.report(created.uuid, {
      state: 'Terminated',
      deployedAt: '2014-10-13T11:01:43Z',
      destroyedAt: '2014-10-14T08:00:00Z',
    });
    const reply = await h.send('GET', created.resource_uri);
    expect(reply.json.deployed_datetime).toBe('Mon, 13 Oct 2014 11:01:43 +0000');
    expect(reply.json.destroyed_datetime).toBe('Tue, 14 Oct 2014 08:00:00 +0000');
    expect(reply.json.state).toBe('Terminated');
    expect(reply.json.synchronized).toBe(true);
  });
});

describe('list', () => {
  it("answers Tastypie's envelope", async () => {
    const reply = await h.send('GET', '/api/app/v1/stack/');
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ meta: { limit: 25, next: null, offset: 0, previous: null, total_count: 0 }, objects: [] });
  });

  it('lists only the namespace of the request, oldest first', async () => {
    await createStack(h, 'one');
    await createStack(h, 'two');
    await createStack(h, 'elsewhere', [], 'team-a');
    const plain = await h.send('GET', '/api/app/v1/stack/');
    expect(plain.json.objects.map((s: { name: string }) => s.name)).toEqual(['one', 'two']);
    const namespaced = await h.send('GET', '/api/app/v1/team-a/stack/');
    expect(namespaced.json.objects.map((s: { name: string }) => s.name)).toEqual(['elsewhere']);
  });

  it('pages with limit and offset, next and previous being /api/ paths', async () => {
    for (const name of ['s1', 's2', 's3', 's4', 's5']) await createStack(h, name);
    const first = await h.send('GET', '/api/app/v1/default/stack/?limit=2');
    expect(first.json.meta).toEqual({
      limit: 2,
      offset: 0,
      total_count: 5,
      previous: null,
      next: '/api/app/v1/default/stack/?limit=2&offset=2',
    });
    const last = await h.send('GET', '/api/app/v1/default/stack/?limit=2&offset=4');
    expect(last.json.objects.map((s: { name: string }) => s.name)).toEqual(['s5']);
    expect(last.json.meta.next).toBeNull();
    expect(last.json.meta.previous).toBe('/api/app/v1/default/stack/?limit=2&offset=2');
  });

  it("serves Go's paging: it follows next after cutting /api/", async () => {
    for (const name of ['s1', 's2', 's3', 's4', 's5']) await createStack(h, name);
    const names: string[] = [];
    let path: string | null = '/api/app/v1/stack/?limit=2';
    while (path !== null) {
      const reply = await h.send('GET', `/api/${path.slice(5)}`);
      names.push(...reply.json.objects.map((s: { name: string }) => s.name));
      path = reply.json.meta.next;
    }
    expect(names).toEqual(['s1', 's2', 's3', 's4', 's5']);
  });

  it("serves Python's paging: offset+limit from meta while next is set", async () => {
    for (const name of ['s1', 's2', 's3']) await createStack(h, name);
    const names: string[] = [];
    let query = 'limit=2';
    for (let i = 0; i < 10; i++) {
      const reply = await h.send('GET', `/api/app/v1/stack/?${query}`);
      names.push(...reply.json.objects.map((s: { name: string }) => s.name));
      if (!reply.json.meta.next) break;
      query = `limit=${reply.json.meta.limit}&offset=${reply.json.meta.offset + reply.json.meta.limit}`;
    }
    expect(names).toEqual(['s1', 's2', 's3']);
  });

  it('reads limit=0 as the largest page, so next is null and meta.limit is not 0', async () => {
    for (const name of ['s1', 's2', 's3']) await createStack(h, name);
    const reply = await h.send('GET', '/api/app/v1/stack/?limit=0');
    expect(reply.json.objects).toHaveLength(3);
    expect(reply.json.meta.limit).toBe(1000);
    expect(reply.json.meta.next).toBeNull();
  });

  it('refuses a limit that is not a number with 400', async () => {
    const reply = await h.send('GET', '/api/app/v1/stack/?limit=lots');
    expect(reply.status).toBe(400);
    expect(reply.json.error).toMatch(/limit/);
  });

  it('filters by name, uuid and uuid__startswith', async () => {
    const one = await createStack(h, 'one');
    await createStack(h, 'two');
    const names = async (query: string) =>
      (await h.send('GET', `/api/app/v1/stack/?${query}`)).json.objects.map((s: { name: string }) => s.name);
    expect(await names('name=two')).toEqual(['two']);
    expect(await names(`uuid=${one.uuid}`)).toEqual(['one']);
    expect(await names(`uuid__startswith=${one.uuid.slice(0, 8)}`)).toEqual(['one']);
    expect(await names('name=none')).toEqual([]);
  });
});

describe('update (PATCH)', () => {
  it('replaces the services and answers 200 with the full stack', async () => {
    const created = await createStack(h, 'shop', API_SERVICES);
    const reply = await h.send('PATCH', created.resource_uri, {
      body: { services: [{ name: 'web', image: 'nginx:1.27', target_num_containers: 3 }] },
    });
    expect(reply.status).toBe(200);
    expect(reply.json.uuid).toBe(created.uuid);
    expect(reply.json.services).toEqual([`/api/app/v1/default/service/${serviceUuid(created.uuid, 'web')}/`]);
    expect(reply.headers['x-dockercloud-action-uri']).toMatch(/^\/api\/audit\/v1\/action\//);
    const stored = h.cluster.objects.get('default/shop')!;
    expect(stored.spec.services).toEqual([{ name: 'web', image: 'nginx:1.27', targetNumContainers: 3 }]);
    expect(stored.metadata.generation).toBe(2);
  });

  it("accepts the CLI's stack-file keys, on the plain path too", async () => {
    const created = await createStack(h, 'mystack');
    const reply = await h.send('PATCH', `/api/app/v1/stack/${created.uuid}/`, { body: { services: CLI_SERVICES } });
    expect(reply.status).toBe(200);
    expect(
      h.cluster.objects
        .get('default/mystack')!
        .spec.services.map((s) => s.name)
        .sort(),
    ).toEqual(['db', 'web']);
  });

  it('accepts the unchanged name (Go sends it) and refuses a rename', async () => {
    const created = await createStack(h, 'shop');
    expect((await h.send('PATCH', created.resource_uri, { body: { name: 'shop', services: [] } })).status).toBe(200);
    const rename = await h.send('PATCH', created.resource_uri, { body: { name: 'other' } });
    expect(rename.status).toBe(400);
    expect(rename.json.error).toMatch(/cannot be renamed/);
  });

  it('refuses invalid services with 400 and changes nothing', async () => {
    const created = await createStack(h, 'shop');
    const before = structuredClone(h.cluster.objects.get('default/shop'));
    const reply = await h.send('PATCH', created.resource_uri, {
      body: { services: [{ name: 'web', image: 'nginx', linked_to_service: [{ to_service: 'db', name: 'DB' }] }] },
    });
    expect(reply.status).toBe(400);
    expect(reply.json.error).toMatch(/db/);
    expect(h.cluster.objects.get('default/shop')).toEqual(before);
  });

  it('refuses to update a terminated stack with 409', async () => {
    const created = await createStack(h, 'shop');
    h.cluster.report(created.uuid, { state: 'Terminated' });
    const reply = await h.send('PATCH', created.resource_uri, { body: { services: [] } });
    expect(reply.status).toBe(409);
    expect(reply.json.error).toMatch(/Terminated/);
  });
});

describe('export', () => {
  it('answers the stack in stack-file form, as JSON', async () => {
    const created = await createStack(h, 'shop', [{ name: 'web', image: 'nginx', target_num_containers: 2 }]);
    for (const path of [`${created.resource_uri}export/`, `/api/app/v1/stack/${created.uuid}/export/`]) {
      const reply = await h.send('GET', path);
      expect(reply.status).toBe(200);
      expect(reply.headers['content-type']).toMatch(/^application\/json/);
      expect(reply.json).toMatchObject({ web: { image: 'nginx', target_num_containers: 2 } });
    }
  });
});

describe('read your writes', () => {
  it('finds a just-created stack before the cache has it (create, then start, then list)', async () => {
    h.cache.freeze();
    const created = await createStack(h, 'shop');
    expect((await h.send('POST', `${created.resource_uri}start/`)).status).toBe(202);
    const list = await h.send('GET', '/api/app/v1/stack/?name=shop');
    expect(list.json.objects).toHaveLength(1);
    expect(list.json.objects[0].state).toBe('Starting');
  });
});
