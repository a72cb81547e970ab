// Authentication and authorization through the real API server: the API key is a
// ServiceAccount token (TokenReview), every request is checked with SubjectAccessReview, and
// nobody sees another namespace's stacks.
import { describe, expect, it } from 'vitest';
import { serviceAccountApiKey } from '../clients/api-key.ts';
import { type ClientEnv, dockerCloudClients } from '../clients/clients.ts';
import { createTestNamespace, kubeConfig } from './support/cluster.ts';
import { runLongshore } from './support/longshore.ts';

const kc = kubeConfig();
const ns = await createTestNamespace('fauth');
const elsewhere = await createTestNamespace('fauth-other');
const longshore = await runLongshore(ns);
const owner = await serviceAccountApiKey(kc, ns, 'owner');
const viewer = await serviceAccountApiKey(kc, ns, 'viewer', ['get', 'list']);
const outsider = await serviceAccountApiKey(kc, elsewhere, 'outsider');
const clients = await dockerCloudClients();
const base = longshore.facadeUrl!;

async function call(method: string, path: string, authorization?: string, body?: unknown) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { ...(authorization ? { authorization } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> & { objects?: { name: string }[] } };
}

const bearer = (token: string) => `Bearer ${token}`;
const basic = (token: string) => `Basic ${Buffer.from(`anyone:${token}`).toString('base64')}`;

describe('the façade on real Kubernetes auth', () => {
  let stackUri = '';

  it('answers 401 without credentials or with a token Kubernetes rejects', async () => {
    expect((await call('GET', '/api/app/v1/stack/')).status).toBe(401);
    expect((await call('GET', '/api/app/v1/stack/', bearer('not-a-token'))).status).toBe(401);
  });

  it('lets the owner create in its own namespace, by Bearer or Basic, without naming it', async () => {
    const created = await call('POST', '/api/app/v1/stack/', bearer(owner), {
      name: 'guarded',
      services: [{ name: 'web', image: 'nginx:1.27' }],
    });
    expect(created.status).toBe(201);
    stackUri = created.json['resource_uri'] as string;
    expect(stackUri).toMatch(new RegExp(`^/api/app/v1/${ns}/stack/`));
    expect((await call('GET', stackUri, basic(owner))).status).toBe(200);
  });

  it('lets a read-only user read but answers 403 to its writes', async () => {
    expect((await call('GET', '/api/app/v1/stack/', bearer(viewer))).json.objects?.map((s) => s.name)).toEqual(['guarded']);
    expect((await call('GET', stackUri, bearer(viewer))).status).toBe(200);
    expect((await call('POST', `${stackUri}start/`, bearer(viewer))).status).toBe(403);
    expect((await call('DELETE', stackUri, bearer(viewer))).status).toBe(403);
    expect((await call('POST', '/api/app/v1/stack/', bearer(viewer), { name: 'nope' })).status).toBe(403);
  });

  it('never shows the stack to a user of another namespace', async () => {
    const uuid = stackUri.split('/').at(-2)!;
    expect((await call('GET', stackUri, bearer(outsider))).status).toBe(403);
    expect((await call('GET', `/api/app/v1/stack/${uuid}/`, bearer(outsider))).status).toBe(404);
    expect((await call('GET', '/api/app/v1/stack/', bearer(outsider))).json.objects).toEqual([]);
    expect((await call('GET', `/api/app/v1/${ns}/stack/`, bearer(outsider))).status).toBe(403);
  });

  it('keeps actions private to those who may read the stack', async () => {
    const started = await fetch(`${base}${stackUri}start/`, { method: 'POST', headers: { authorization: bearer(owner) } });
    expect(started.status).toBe(202);
    const action = started.headers.get('x-dockercloud-action-uri')!;
    expect((await call('GET', action, bearer(viewer))).status).toBe(200);
    expect((await call('GET', action, bearer(outsider))).status).toBe(404);
  });

  it('works for the Go client with DOCKERCLOUD_USER and DOCKERCLOUD_APIKEY (Basic)', async () => {
    const env: ClientEnv = { restHost: base, extra: { DOCKERCLOUD_USER: 'someone', DOCKERCLOUD_APIKEY: owner } };
    const list = await clients.go<{ objects: { name: string }[] }>(env, 'list');
    expect(list.ok, list.error).toBe(true);
    expect(list.result.objects.map((s) => s.name)).toEqual(['guarded']);
    const denied = await clients.go({ ...env, extra: { DOCKERCLOUD_USER: 'someone', DOCKERCLOUD_APIKEY: 'bad' } }, 'list');
    expect(denied.status).toBe(401);
  });

  it('tells Python "Not authorized" for a bad key', async () => {
    const bad = await clients.python({ restHost: base, auth: bearer('bad') }, 'list');
    expect(bad.ok).toBe(false);
    expect(bad.kind).toBe('AuthError');
    expect(bad.error).toBe('Not authorized');
  });
});
