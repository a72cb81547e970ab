// The dashboard's routes on the façade over the fakes: the page and its headers, auth as the
// REST API's, the event stream, the stack-file check.

import { mkdtemp, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DashboardDeps, StackChange } from '../../../../src/facade/dashboard/deps.ts';
import type { Stack } from '../../../../src/model/stack.ts';
import { basic, createStack, type Harness, startHarness } from '../support/harness.ts';

let h: Harness;
let assets: string;
const listeners = new Set<StackChange>();

/** The façade with the dashboard, its cache changes fed by the test through `listeners`. */
function dashboardHarness(limits: Partial<DashboardDeps> = {}): Promise<Harness> {
  return startHarness(
    {},
    {
      dashboard: {
        assetsDir: assets,
        subscribe: (l) => {
          listeners.add(l);
          return () => listeners.delete(l);
        },
        readEvents: async () => [{ type: 'Normal', reason: 'Running', message: 'stack is Running', count: 1, lastSeen: null }],
        heartbeatMs: 60_000,
        ...limits,
      },
    },
  );
}

beforeEach(async () => {
  assets = await mkdtemp(join(tmpdir(), 'longshore-ui-'));
  await writeFile(join(assets, 'index.html'), '<!doctype html><script type="module" src="/ui/app.js"></script>');
  await writeFile(join(assets, 'app.js'), 'console.log(1)');
  h = await dashboardHarness();
  h.auth.grant('alice', 'viewers', 'get', 'list');
});
afterEach(async () => {
  await h.close();
  listeners.clear();
});

describe('the page', () => {
  it('is served at /ui and /ui/ with a strict Content-Security-Policy, no token needed', async () => {
    for (const path of ['/ui', '/ui/']) {
      const reply = await h.send('GET', path, { auth: null });
      expect(reply.status).toBe(200);
      expect(reply.headers['content-type']).toMatch(/^text\/html/);
      expect(reply.headers['content-security-policy']).toMatch(/default-src 'none'.*script-src 'self'/);
      expect(reply.headers['content-security-policy']).not.toMatch(/unsafe/);
      expect(reply.headers['x-content-type-options']).toBe('nosniff');
    }
    expect((await h.send('GET', '/ui/app.js', { auth: null })).headers['content-type']).toMatch(/^text\/javascript/);
  });

  it('serves only the files the build writes, and says when the page is not built', async () => {
    expect((await h.send('GET', '/ui/package.json', { auth: null })).status).toBe(404);
    expect((await h.send('GET', '/ui/..%2f..%2fpackage.json', { auth: null })).status).toBe(404);
    const missing = await h.send('GET', '/ui/app.css', { auth: null });
    expect(missing.status).toBe(503);
    expect(missing.json.error).toMatch(/npm run build:ui/);
  });
});

describe("the page's API", () => {
  it('authenticates as the REST API does, without a challenge a browser would prompt for', async () => {
    const fromPage = await h.send('GET', '/ui/api/session', { auth: 'Bearer wrong', headers: { 'sec-fetch-mode': 'cors' } });
    expect(fromPage.status).toBe(401);
    expect(fromPage.headers['www-authenticate']).toBeUndefined();
    // A client that is not a browser still gets it.
    expect((await h.send('GET', '/ui/api/session', { auth: 'Bearer wrong' })).headers['www-authenticate']).toMatch(/^Basic/);
  });

  it('tells who the token is, its namespace, and the namespaces it may list', async () => {
    await createStack(h, 'shop', [], 'team-a');
    const reply = await h.send('GET', '/ui/api/session', { auth: 'Bearer alice-token' });
    expect(reply.json).toEqual({ username: 'alice', namespace: 'default', namespaces: ['default', 'team-a'] });
  });

  it('tells what the caller may do in a namespace, and refuses one it may not list', async () => {
    const viewer = await h.send('GET', '/ui/api/viewers/access');
    expect(viewer.json.may).toEqual({ get: true, list: true, create: false, patch: false, delete: false });
    expect((await h.send('GET', '/ui/api/elsewhere/access')).status).toBe(403);
    expect((await h.send('GET', '/ui/api/elsewhere/stream')).status).toBe(403);
  });

  it("gives a stack's file as YAML and its Events, to who may get it", async () => {
    const shop = await createStack(h, 'shop', [{ name: 'web', image: 'nginx:1.27', target_num_containers: 2 }], 'team-a');
    const file = await h.send('GET', `/ui/api/team-a/stack/${shop.uuid}/stackfile`);
    expect(file.json.text).toBe('web:\n  image: nginx:1.27\n  target_num_containers: 2\n');
    const events = await h.send('GET', `/ui/api/team-a/stack/${shop.uuid}/events`);
    expect(events.json.events[0].reason).toBe('Running');
    expect((await h.send('GET', `/ui/api/viewers/stack/${shop.uuid}/events`)).status).toBe(404);
  });

  it('checks a stack file as create would, with the verb of the write it prepares', async () => {
    const bad = await h.send('POST', '/ui/api/team-a/stackfile/check?name=shop', {
      body: { text: 'web:\n  image: nginx\n  links:\n    - nowhere\n' },
    });
    expect(bad.json.ok).toBe(false);
    expect(bad.json.errors[0]).toMatchObject({ key: 'web.links', line: 3, message: expect.stringMatching(/nowhere/) });
    const badName = await h.send('POST', '/ui/api/team-a/stackfile/check?name=Shop', {
      body: { text: 'web:\n  image: nginx\n' },
    });
    expect(badName.json.errors[0].key).toBe('name');
    const good = await h.send('POST', '/ui/api/team-a/stackfile/check?name=shop', { body: { text: 'web:\n  image: nginx\n' } });
    expect(good.json).toEqual({ ok: true, errors: [], warnings: [], services: [{ name: 'web', image: 'nginx' }] });
    expect(
      (await h.send('POST', '/ui/api/viewers/stackfile/check?name=x', { body: { text: 'web:\n  image: nginx\n' } })).status,
    ).toBe(403);
  });
});

describe('the event stream', () => {
  it("sends a snapshot, then each change and removal of the namespace's stacks", async () => {
    const shop = await createStack(h, 'shop', [], 'team-a');
    const events: { event: string; data: { stacks?: { name: string }[]; name?: string; uuid?: string } }[] = [];
    const stream = await openStream(h, '/ui/api/team-a/stream', (event, data) => events.push({ event, data: JSON.parse(data) }));
    await until(() => events.length >= 1);
    expect(events[0]).toMatchObject({ event: 'snapshot', data: { stacks: [{ name: 'shop' }] } });
    const stack = h.cache.byUid(shop.uuid) as Stack;
    for (const l of listeners) l('update', { ...stack, metadata: { ...stack.metadata, namespace: 'other' } });
    for (const l of listeners) l('update', stack);
    for (const l of listeners) l('delete', stack);
    await until(() => events.length >= 3);
    expect(events.slice(1).map((e) => e.event)).toEqual(['stack', 'remove']);
    expect(events[2]?.data.uuid).toBe(shop.uuid);
    stream.close();
    await until(() => listeners.size === 0);
  });
});

describe('a long stream', () => {
  it("outlives the HTTP server's request timeouts, carries heartbeats, and ends when its time is up", async () => {
    const short = await startHarness(
      {},
      {
        dashboard: {
          assetsDir: assets,
          subscribe: () => () => undefined,
          readEvents: async () => [],
          heartbeatMs: 100,
          streamMaxMs: 1500,
        },
      },
      { requestTimeoutMs: 300, headersTimeoutMs: 300, timeoutCheckIntervalMs: 50 },
    );
    try {
      const started = Date.now();
      const { text, endedAfterMs } = await readWholeStream(short.port, '/ui/api/default/stream');
      expect(text).toMatch(/^retry: 1000\n\nevent: snapshot\n/);
      expect(text.match(/: keep-alive/g)?.length ?? 0).toBeGreaterThan(5);
      expect(endedAfterMs).toBeGreaterThanOrEqual(1400);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await short.close();
    }
  });
});

describe('open streams', () => {
  it('are bounded per user and per process: past either, 429 with a JSON error; a closed one frees its slot', async () => {
    await h.close();
    h = await dashboardHarness({ maxStreamsPerUser: 2, maxStreams: 3 });
    h.auth.grant('system:serviceaccount:robots:deployer', 'default', 'list');
    const path = '/ui/api/default/stream';
    const first = await openStream(h, path, () => undefined);
    const second = await openStream(h, path, () => undefined);
    const third = await h.send('GET', path);
    expect(third.status).toBe(429);
    expect(third.json.error).toMatch(/at most 2 at once/);
    // Another user still gets one, until the process's limit.
    const robots = await openStream(h, path, () => undefined, 'robot-token');
    const overall = await h.send('GET', path, { auth: basic('robot-token') });
    expect(overall.status).toBe(429);
    expect(overall.json.error).toMatch(/at most 3 at once in this process/);
    first.close();
    await until(() => listeners.size === 2);
    const again = await openStream(h, path, () => undefined);
    expect(listeners.size).toBe(3);
    for (const s of [second, robots, again]) s.close();
    await until(() => listeners.size === 0);
  });
});

/** Reads a stream until the server ends it. */
function readWholeStream(port: number, path: string): Promise<{ text: string; endedAfterMs: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { authorization: basic('alice-token') } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => resolve({ text, endedAfterMs: Date.now() - started }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Reads a text/event-stream from the harness's server. */
async function openStream(
  h: Harness,
  path: string,
  on: (event: string, data: string) => void,
  token = 'alice-token',
): Promise<{ close(): void }> {
  const port = h.port;
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { authorization: basic(token) } }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`stream answered ${res.statusCode}`));
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event !== undefined && data !== undefined) on(event, data);
        }
      });
      res.on('error', () => undefined);
      resolve({ close: () => req.destroy() });
    });
    req.on('error', reject);
    req.end();
  });
}
