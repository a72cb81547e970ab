// The attacker of issue #9, against the running façade and a real cluster: a ServiceAccount
// with rights on Stacks only, in its own namespace. What held before stays held (no
// cross-namespace read or write, a viewer cannot write, a burst of creates makes one stack);
// hostile bodies and protocol abuse get small JSON errors and change nothing; the process's
// memory stays bounded under them. The pod policy and foreign objects are in pod-security,
// failures in status in stack-failures.
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { serviceAccountApiKey } from '../clients/api-key.ts';
import { createTestNamespace, kubeConfig } from './support/cluster.ts';
import { runLongshore } from './support/longshore.ts';
import { StackClient } from './support/stacks.ts';

const kc = kubeConfig();
const ns = await createTestNamespace('sec');
const other = await createTestNamespace('sec-other');
const longshore = await runLongshore(ns);
const stacks = new StackClient(kc, ns);
const attacker = `Bearer ${await serviceAccountApiKey(kc, ns, 'attacker')}`;
const viewer = `Bearer ${await serviceAccountApiKey(kc, ns, 'viewer', ['get', 'list'])}`;
const base = longshore.facadeUrl!;
const url = new URL(base);

async function call(method: string, path: string, authorization: string, body?: string) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body } : {}),
  });
  const text = await response.text();
  return { status: response.status, text, json: JSON.parse(text) as { error?: string; resource_uri?: string } };
}

/** Sends raw bytes and answers the first response's status line and body. */
function raw(request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => socket.end(request));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
  });
}

const rss = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) * 1024;

describe('tenant isolation and rights (held before, kept)', () => {
  it('gives no access to another namespace through the path', async () => {
    expect((await call('GET', `/api/app/v1/${other}/stack/`, attacker)).status).toBe(403);
    const create = await call('POST', `/api/app/v1/${other}/stack/`, attacker, JSON.stringify({ name: 'x' }));
    expect(create.status).toBe(403);
    expect(await new StackClient(kc, other).get('x')).toBeUndefined();
  });

  it('refuses every write of a viewer', async () => {
    const created = await call('POST', '/api/app/v1/stack/', attacker, JSON.stringify({ name: 'kept', services: [] }));
    expect(created.status).toBe(201);
    expect((await call('POST', `${created.json.resource_uri}start/`, viewer)).status).toBe(403);
    expect((await call('PATCH', created.json.resource_uri!, viewer, JSON.stringify({ services: [] }))).status).toBe(403);
    expect((await call('DELETE', created.json.resource_uri!, viewer)).status).toBe(403);
  });

  it('makes one stack of a burst of creates with the same name', async () => {
    const body = JSON.stringify({ name: 'burst', services: [{ name: 'web', image: 'nginx' }] });
    const replies = await Promise.all(Array.from({ length: 20 }, () => call('POST', '/api/app/v1/stack/', attacker, body)));
    expect(replies.filter((r) => r.status === 201)).toHaveLength(1);
    expect(replies.filter((r) => r.status !== 201).every((r) => r.status === 409)).toBe(true);
    const list = await stacks.custom.listNamespacedCustomObject({
      group: 'longshore.io',
      version: 'v1alpha1',
      plural: 'stacks',
      namespace: ns,
    });
    expect((list as { items: { metadata: { name: string } }[] }).items.filter((s) => s.metadata.name === 'burst')).toHaveLength(
      1,
    );
  });
});

describe('hostile input against the running façade', () => {
  it('answers deep nesting, huge lists, null services and NUL bytes with small 400s, changing nothing', async () => {
    const created = await call(
      'POST',
      '/api/app/v1/stack/',
      attacker,
      JSON.stringify({ name: 'target', services: [{ name: 'web', image: 'nginx' }] }),
    );
    const uri = created.json.resource_uri!;
    const deep = `{"name":"deep","services":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    const huge = JSON.stringify({
      name: 'huge',
      services: [{ name: 'web', image: 'nginx', container_ports: Array.from({ length: 100_000 }, () => ({})) }],
    });
    for (const [method, path, body] of [
      ['POST', '/api/app/v1/stack/', deep],
      ['POST', '/api/app/v1/stack/', huge],
      ['PATCH', uri, JSON.stringify({ services: null })],
      ['POST', '/api/app/v1/stack/', JSON.stringify({ name: 'nul', services: [{ name: 'web', image: 'nginx\u0000' }] })],
      ['PATCH', uri, JSON.stringify({ nickname: 'a\u0000b' })],
    ] as const) {
      const reply = await call(method, path, attacker, body);
      expect(reply.status, `${method} ${body.slice(0, 60)}`).toBe(400);
      expect(reply.text.length).toBeLessThan(8 * 1024);
      expect(reply.json.error).toBeTruthy();
    }
    const stored = await stacks.get('target');
    expect(stored?.spec.services.map((s) => s.name)).toEqual(['web']);
    for (const name of ['deep', 'huge', 'nul']) expect(await stacks.get(name)).toBeUndefined();
  });

  it('keeps its memory bounded under eight huge bodies at once', async () => {
    const huge = JSON.stringify({
      name: 'huge',
      services: [{ name: 'web', image: 'nginx', container_ports: Array.from({ length: 100_000 }, () => ({})) }],
    });
    const before = rss();
    const replies = await Promise.all(Array.from({ length: 8 }, () => call('POST', '/api/app/v1/stack/', attacker, huge)));
    expect(replies.every((r) => r.status === 400 && r.text.length < 8 * 1024)).toBe(true);
    // The test process serves the façade: it grew by a bounded amount, not by the 500 MB the
    // unbounded error bodies once cost.
    expect(rss() - before).toBeLessThan(150 * 1024 * 1024);
  });

  it('answers protocol abuse with JSON errors: CONNECT, unknown methods, OPTIONS, over-long URLs', async () => {
    const connectReply = await raw(`CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n`);
    expect(connectReply).toMatch(/^HTTP\/1\.1 501/);
    expect(connectReply).toContain('"error"');
    const brew = await raw(`BREW /api/app/v1/stack/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    expect(brew).toMatch(/^HTTP\/1\.1 (400|501)/);
    expect(brew).toContain('"error"');
    const options = await fetch(`${base}/api/app/v1/stack/`, { method: 'OPTIONS', headers: { authorization: attacker } });
    expect(options.status).toBe(405);
    expect(((await options.json()) as { error?: string }).error).toBeTruthy();
    const long = await fetch(`${base}/api/app/v1/stack/?name=${'a'.repeat(10_000)}`, { headers: { authorization: attacker } });
    expect([414, 431]).toContain(long.status);
    expect(((await long.json()) as { error?: string }).error).toBeTruthy();
  });
});
