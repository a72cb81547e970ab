// Hostile input from a caller with rights on Stacks only (issue #9, item 4): every case is a
// 400 (or the HTTP status the protocol says) with a short `{"error": ...}` naming the field,
// nothing written, and no work or memory that grows with the request.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jsonDepthBeyond, MAX_JSON_DEPTH, parseJsonBody } from '../../../src/facade/body.ts';
import { clientErrorRefusal, DEFAULT_HTTP_LIMITS } from '../../../src/facade/http-server.ts';
import { MAX_URL_LENGTH } from '../../../src/facade/server.ts';
import { createStack, type Harness, type Reply, startHarness } from './support/harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const STACKS = '/api/app/v1/stack/';
/** No error answer is longer than this: a few field errors, each cut short. */
const SMALL = 6 * 1024;

function expectRefused(reply: Reply, status: number, error: RegExp): void {
  expect(reply.status).toBe(status);
  expect(reply.headers['content-type']).toMatch(/^application\/json/);
  expect(reply.text.length).toBeLessThan(SMALL);
  expect(reply.json.error).toMatch(error);
}

/** Nothing was created or patched, and no request ended as an internal error. */
function expectNothingWritten(objectsBefore = 0, patchesBefore = 0): void {
  expect(h.cluster.objects.size).toBe(objectsBefore);
  expect(h.cluster.patches).toHaveLength(patchesBefore);
  expect(h.logs.filter((l) => l['msg'] === 'internal error')).toEqual([]);
}

describe('deeply nested JSON', () => {
  it('refuses 5,000 levels inside a service with 400 naming the rule, before anything recursive runs', async () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const body = `{"name":"deep","services":[{"name":"web","image":"nginx","container_ports":${deep}}]}`;
    const reply = await h.send('POST', STACKS, { body });
    expectRefused(reply, 400, new RegExp(`more than ${MAX_JSON_DEPTH} levels deep`));
    expectNothingWritten();
  });

  it('refuses deep objects in a PATCH too, and 100,000 levels as cheaply', async () => {
    const created = await createStack(h, 'shop');
    const deep = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
    const reply = await h.send('PATCH', created.resource_uri, {
      body: `{"services":[{"name":"web","image":"nginx","labels":${deep}}]}`,
    });
    expectRefused(reply, 400, /levels deep/);
    expectNothingWritten(1, 0);
  });

  it('takes the nesting a stack needs', async () => {
    const reply = await h.send('POST', STACKS, {
      body: {
        name: 'fine',
        services: [{ name: 'web', image: 'nginx', container_ports: [{ inner_port: 80 }], tags: [{ name: 't' }] }],
      },
    });
    expect(reply.status).toBe(201);
  });

  it('stops scanning at the first level too many: the work is bounded by the limit, not the body', () => {
    const prefix = '{"name":"x","services":';
    const text = `${prefix}${'['.repeat(1_000_000)}`;
    // The offset is how far the scan went: the prefix and the allowed levels, no further.
    expect(jsonDepthBeyond(text, MAX_JSON_DEPTH)).toBe(prefix.length + MAX_JSON_DEPTH - 1);
    expect(jsonDepthBeyond('{"a":"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\\"[[["}', 3)).toBeUndefined();
    expect(() => parseJsonBody(text)).toThrow(/levels deep/);
  });
});

describe('huge lists', () => {
  const hundredThousand = () => Array.from({ length: 100_000 }, () => 'x');

  it('refuses 100,000 API ports with one short error naming the field, not one per port', async () => {
    const reply = await h.send('POST', STACKS, {
      body: { name: 'big', services: [{ name: 'web', image: 'nginx', container_ports: hundredThousand() }] },
    });
    expectRefused(reply, 400, /^services\[0\] \(web\)\.container_ports: must have at most 100 items, not 100000$/);
    expectNothingWritten();
  });

  it('refuses 100,000 stack-file ports in a PATCH the same way', async () => {
    const created = await createStack(h, 'shop');
    const reply = await h.send('PATCH', created.resource_uri, {
      body: { services: [{ name: 'web', image: 'nginx', ports: hundredThousand() }] },
    });
    expectRefused(reply, 400, /^services\[0\] \(web\)\.ports: must have at most 100 items, not 100000$/);
    expectNothingWritten(1, 0);
  });

  it('bounds the answer when every item of every list is wrong: the first errors, then a count', async () => {
    const services = Array.from({ length: 100 }, (_, i) => ({
      name: `s${i}`,
      image: 'nginx',
      environment: Array.from({ length: 1000 }, () => 1),
    }));
    const reply = await h.send('POST', STACKS, { body: { name: 'many', services } });
    expectRefused(reply, 400, /^services\[0\] \(s0\)\.environment\[0\]: must be "KEY=VALUE", not a number \(1\);/);
    expect(reply.json.error).toMatch(/and at least \d+ more errors \(not all were looked for\)$/);
    expect(reply.json.error.split('; ')).toHaveLength(11);
    expectNothingWritten();
  });

  it('refuses a service with 50,000 keys without suggesting a spelling for each', async () => {
    const service: Record<string, unknown> = { name: 'web', image: 'nginx' };
    for (let i = 0; i < 50_000; i++) service[`k${i}`] = 1;
    const reply = await h.send('POST', STACKS, { body: { name: 'keys', services: [service] } });
    expectRefused(reply, 400, /^services\[0\] \(web\): must have at most 200 entries$/);
    expectNothingWritten();
  });

  it('does not echo huge values: names, keys and unknown fields are shortened', async () => {
    const long = 'A'.repeat(300_000);
    for (const body of [
      { name: long },
      { name: 'x', [long]: 1 },
      { name: 'x', services: [{ name: long, image: 'nginx' }] },
      { name: 'x', services: [{ name: 'web', image: 'nginx', [long]: 1 }] },
      { name: 'x', services: [{ name: 'web', image: 'nginx', links: [long] }] },
      { name: 'x', services: [{ name: 'web', image: 'nginx', container_ports: [{ inner_port: 80, [long]: 1 }] }] },
      { name: 'x', services: [{ name: 'web', image: `${long} ${long}` }] },
    ]) {
      const reply = await h.send('POST', STACKS, { body });
      expect(reply.status).toBe(400);
      expect(reply.text.length).toBeLessThan(SMALL);
    }
    expectNothingWritten();
  });
});

describe('services that are not a list', () => {
  it('refuses "services": null in a PATCH instead of deleting every service', async () => {
    const created = await createStack(h, 'shop', [
      { name: 'web', image: 'nginx' },
      { name: 'db', image: 'redis' },
    ]);
    await h.send('POST', `${created.resource_uri}start/`);
    const patches = h.cluster.patches.length;
    const reply = await h.send('PATCH', created.resource_uri, { body: { services: null } });
    expectRefused(reply, 400, /^services: must be a list of services \(\[\] for none\), not null$/);
    expectNothingWritten(1, patches);
    expect(h.cluster.objects.get('default/shop')!.spec.services.map((s) => s.name)).toEqual(['web', 'db']);
  });

  it.each([
    ['null', null],
    ['a string', 'web'],
    ['a number', 5],
    ['an object', { web: { image: 'nginx' } }],
    ['true', true],
  ])('refuses services as %s on create and on update', async (_, services) => {
    expectRefused(await h.send('POST', STACKS, { body: { name: 'shop', services } }), 400, /^services: must be a list/);
    expectNothingWritten();
    const created = await createStack(h, 'other');
    expectRefused(await h.send('PATCH', created.resource_uri, { body: { services } }), 400, /^services: must be a list/);
    expectNothingWritten(1, 0);
  });

  it('still reads a missing services as none on create and as unchanged on update', async () => {
    expect((await h.send('POST', STACKS, { body: { name: 'empty' } })).status).toBe(201);
    const created = await createStack(h, 'shop');
    expect((await h.send('PATCH', created.resource_uri, { body: { nickname: 'Shop' } })).status).toBe(200);
    expect(h.cluster.objects.get('default/shop')!.spec.services).toHaveLength(1);
    expect((await h.send('PATCH', created.resource_uri, { body: { services: [] } })).status).toBe(200);
    expect(h.cluster.objects.get('default/shop')!.spec.services).toHaveLength(0);
  });
});

describe('control characters', () => {
  const withService = (extra: Record<string, unknown>) => ({
    name: 'ctl',
    services: [
      { name: 'web', image: 'nginx', ...extra },
      { name: 'db', image: 'redis' },
    ],
  });

  it.each([
    [
      'a NUL in the image',
      withService({ image: 'nginx\u0000evil' }),
      /^services\[0\] \(web\)\.image: must not contain white space or control characters$/,
    ],
    ['a newline in the image', withService({ image: 'nginx\nevil' }), /^services\[0\] \(web\)\.image: must not contain/],
    ['a NUL in the nickname', { name: 'ctl', nickname: 'shop\u0000' }, /^nickname: must not contain control characters/],
    ['an escape in the nickname', { name: 'ctl', nickname: '\u001b[31mred' }, /^nickname: must not contain control characters/],
    ['a C1 control in the nickname', { name: 'ctl', nickname: 'a\u0085b' }, /^nickname: must not contain control characters/],
    [
      'a NUL in a service name',
      withService({ name: 'web\u0000' }),
      /^services\[0\] \(web\\u0000\)\.name: .*not a valid service name/,
    ],
    ['a NUL in a link target', withService({ links: ['db\u0000'] }), /^services\[0\] \(web\)\.links\[0\]: links to/],
    [
      'a newline in a link alias',
      withService({ linked_to_service: [{ to_service: 'db', name: 'x\ny' }] }),
      /^services\[0\] \(web\)\.linked_to_service\[0\]\.name: /,
    ],
    ['a NUL in the hostname', withService({ hostname: 'web\u0000' }), /^services\[0\] \(web\)\.hostname: /],
    [
      'a newline in a dns entry',
      withService({ dns: ['1.1.1.1\nsearch evil'] }),
      /^services\[0\] \(web\)\.dns\[0\]: must not contain control characters/,
    ],
    [
      'a tab in dns_search',
      withService({ dns_search: ['a\tb'] }),
      /^services\[0\] \(web\)\.dns_search\[0\]: must not contain control characters/,
    ],
    [
      'a newline in extra_hosts',
      withService({ extra_hosts: ['a:1.2.3.4\n5.6.7.8 b'] }),
      /^services\[0\] \(web\)\.extra_hosts\[0\]: must be "hostname:ip"/,
    ],
    [
      'a NUL in working_dir',
      withService({ working_dir: '/app\u0000' }),
      /^services\[0\] \(web\)\.working_dir: must be an absolute path, without control characters$/,
    ],
    [
      'a newline in a volume path',
      withService({ volumes: ['/da\nta'] }),
      /^services\[0\] \(web\)\.volumes\[0\]: container path: must be an absolute path, without control/,
    ],
    [
      'a NUL in a binding host path',
      withService({ bindings: [{ host_path: '/h\u0000', container_path: '/c' }] }),
      /^services\[0\] \(web\)\.bindings\[0\]\.host_path: must be an absolute path, without control/,
    ],
    [
      'a NUL in a label key',
      withService({ labels: { 'a\u0000': 'v' } }),
      /^services\[0\] \(web\)\.labels\.a.: must not contain control characters/,
    ],
    [
      'a NUL in a label value',
      withService({ labels: { a: 'v\u0000' } }),
      /^services\[0\] \(web\)\.labels\.a: must not contain NUL/,
    ],
    [
      'a NUL in a tag',
      withService({ tags: ['t\u0000'] }),
      /^services\[0\] \(web\)\.tags\[0\]: must not contain control characters/,
    ],
    [
      'a newline in a role',
      withService({ roles: ['global\n'] }),
      /^services\[0\] \(web\)\.roles\[0\]: must not contain control characters/,
    ],
    [
      'a NUL in an environment name',
      withService({ container_envvars: [{ key: 'A\u0000', value: 'v' }] }),
      /^services\[0\] \(web\)\.container_envvars\[0\]\.key: must not be empty or contain "=" or control characters$/,
    ],
    [
      'a newline in an environment name',
      withService({ environment: { 'A\nB': 'v' } }),
      /^services\[0\] \(web\)\.environment\.A\nB: variable name: must not be empty or contain "=" or control/,
    ],
    [
      'a NUL in an environment value',
      withService({ environment: ['A=x\u0000y'] }),
      /^services\[0\] \(web\)\.environment\[0\]: value: must not contain NUL characters/,
    ],
    ['a NUL in the command', withService({ command: 'sleep\u00001' }), /^services\[0\] \(web\)\.command: must not contain NUL/],
    [
      'a NUL in the entrypoint',
      withService({ entrypoint: ['sh', '-c', 'a\u0000'] }),
      /^services\[0\] \(web\)\.entrypoint: must not contain NUL/,
    ],
    ['a newline in the user', withService({ user: '1000\n' }), /^services\[0\] \(web\)\.user: must be a numeric/],
  ])('refuses %s', async (_, body, error) => {
    expectRefused(await h.send('POST', STACKS, { body }), 400, error);
    expectNothingWritten();
  });

  it('refuses a control character in a PATCHed nickname, and writes nothing', async () => {
    const created = await createStack(h, 'shop');
    expectRefused(
      await h.send('PATCH', created.resource_uri, { body: { nickname: 'a\nb' } }),
      400,
      /^nickname: must not contain control/,
    );
    expectNothingWritten(1, 0);
  });

  it('takes tabs and newlines in environment values, commands and label values: a container accepts them', async () => {
    const reply = await h.send('POST', STACKS, {
      body: withService({
        environment: { CERT: '-----BEGIN-----\nabc\n-----END-----', TABS: 'a\tb' },
        command: "sh -c 'echo a\necho b'",
        labels: { note: 'line one\nline two' },
        nickname: undefined,
      }),
    });
    expect(reply.status).toBe(201);
    const web = h.cluster.objects.get('default/ctl')!.spec.services[0]!;
    expect(web.containerEnvvars).toEqual([
      { key: 'CERT', value: '-----BEGIN-----\nabc\n-----END-----' },
      { key: 'TABS', value: 'a\tb' },
    ]);
  });
});

describe('the HTTP layer', () => {
  it('answers OPTIONS with 405, the Allow header and a JSON error', async () => {
    const created = await createStack(h, 'shop');
    const reply = await h.send('OPTIONS', created.resource_uri);
    expectRefused(reply, 405, /^method OPTIONS not allowed on ".*"; allowed: /);
    expect(reply.headers.allow?.split(/,\s*/).sort()).toEqual(['DELETE', 'GET', 'HEAD', 'PATCH']);
    expectRefused(await h.send('OPTIONS', '/nowhere'), 404, /no such endpoint/);
  });

  it('answers a method Node knows but no route takes with 501 and a JSON error', async () => {
    expectRefused(await h.send('PROPFIND', STACKS), 501, /^method PROPFIND not implemented$/);
  });

  it('answers a method the HTTP parser does not know with 501 and a JSON error', async () => {
    const reply = await h.raw('BREW /api/app/v1/stack/ HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(reply.status).toBe(501);
    expect(reply.head).toMatch(/content-type: application\/json/i);
    expect(reply.json.error).toMatch(/unknown HTTP method/);
  });

  it('answers CONNECT with 501 and a JSON error instead of closing the connection', async () => {
    const reply = await h.raw('CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n');
    expect(reply.status).toBe(501);
    expect(reply.json.error).toMatch(/^method CONNECT not implemented/);
  });

  it('answers a URL over the limit with 414, and one past the header limit with 431, both JSON', async () => {
    const long = `${STACKS}?name=${'a'.repeat(MAX_URL_LENGTH)}`;
    expectRefused(await h.send('GET', long), 414, new RegExp(`longer than the limit of ${MAX_URL_LENGTH} characters`));
    const huge = await h.raw(`GET ${STACKS}?name=${'a'.repeat(DEFAULT_HTTP_LIMITS.maxHeaderSize)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(huge.status).toBe(431);
    expect(huge.json.error).toMatch(/request line and headers are larger than the limit of 16384 bytes/);
  });

  it('answers headers over the limit with 431 and a JSON error', async () => {
    const reply = await h.raw(`GET ${STACKS} HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`);
    expect(reply.status).toBe(431);
    expect(reply.json.error).toMatch(/larger than the limit/);
  });

  it('answers a malformed request, an HTTP/1.1 request without Host and an unknown Expect with JSON errors', async () => {
    const malformed = await h.raw('GET /api/app/v1/stack/ HTTP/9.9\r\nHost: x\r\n\r\n');
    expect(malformed.status).toBe(400);
    expect(malformed.json.error).toMatch(/^malformed HTTP request/);
    const bothLengths = await h.raw(
      'POST /api/app/v1/stack/ HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    );
    expect(bothLengths.status).toBe(400);
    expect(bothLengths.json.error).toMatch(/^malformed HTTP request/);
    const noHost = await h.raw('GET /api/app/v1/stack/ HTTP/1.1\r\nConnection: close\r\n\r\n');
    expect(noHost.status).toBe(400);
    expect(noHost.json.error).toBe('an HTTP/1.1 request needs a Host header');
    const expect417 = await h.raw('GET /api/app/v1/stack/ HTTP/1.1\r\nHost: x\r\nExpect: tea\r\n\r\n');
    expect(expect417.status).toBe(417);
    expect(expect417.json.error).toMatch(/Expect/);
    expectNothingWritten();
  });

  it('answers a request whose headers do not arrive in time with 408 and a JSON error', async () => {
    const slow = await startHarness({}, {}, { headersTimeoutMs: 200, requestTimeoutMs: 400, timeoutCheckIntervalMs: 50 });
    try {
      // The request line and one header, and then nothing more.
      const reply = await slow.raw(`GET ${STACKS} HTTP/1.1\r\nHost: x\r\n`, 5000);
      expect(reply.status).toBe(408);
      expect(reply.json.error).toMatch(/did not arrive in time/);
    } finally {
      await slow.close();
    }
  });

  it('answers a body that does not arrive in time with 408, and logs no internal error', async () => {
    const slow = await startHarness({}, {}, { headersTimeoutMs: 200, requestTimeoutMs: 400, timeoutCheckIntervalMs: 50 });
    try {
      const head = `POST ${STACKS} HTTP/1.1\r\nHost: x\r\nAuthorization: Basic ${Buffer.from('a:alice-token').toString('base64')}\r\n`;
      const reply = await slow.raw(`${head}Content-Length: 100\r\n\r\n{"name":`, 5000);
      expect(reply.status).toBe(408);
      expect(reply.json.error).toMatch(/did not arrive in time/);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(slow.logs.filter((l) => l['msg'] === 'internal error')).toEqual([]);
      expect(slow.cluster.objects.size).toBe(0);
    } finally {
      await slow.close();
    }
  });

  it('maps the timeouts and the other parser errors to statuses', () => {
    const refusal = (code: string) => clientErrorRefusal(Object.assign(new Error(code), { code }), DEFAULT_HTTP_LIMITS);
    expect(refusal('ERR_HTTP_REQUEST_TIMEOUT')).toMatchObject({ status: 408 });
    expect(refusal('HPE_CHUNK_EXTENSIONS_OVERFLOW')).toMatchObject({ status: 413 });
    expect(refusal('HPE_INVALID_HEADER_TOKEN')).toEqual({
      status: 400,
      message: 'malformed HTTP request (HPE_INVALID_HEADER_TOKEN)',
    });
    expect(refusal('ECONNRESET')).toBeUndefined();
  });
});
