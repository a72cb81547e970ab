// roles: [global] against the real API server: the stack gets a ServiceAccount of its own, a
// Role and RoleBinding that let it read the namespace's Stacks, and a token Secret Kubernetes
// fills; the global-role service's pods run as it and find the façade and that token in the
// Docker Cloud variables. The token the pods would get reads the stack through the façade (the
// Python client, as a container would run it, and plain HTTP) and directly, and is refused
// everything else: writes, another namespace, other resources. It dies with the stack.
import {
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  RbacAuthorizationV1Api,
  setHeaderOptions,
  type V1Deployment,
} from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { GROUP, PLURAL, VERSION } from '../../src/model/stack.ts';
import { dockerCloudClients } from '../clients/clients.ts';
import { createTestNamespace, kubeConfig, kubeConfigWithToken } from './support/cluster.ts';
import { runLongshore } from './support/longshore.ts';
import { counterSum } from './support/metrics.ts';
import { StackClient } from './support/stacks.ts';
import { waitFor } from './support/wait.ts';

const kc = kubeConfig();
const ns = await createTestNamespace('roles');
const elsewhere = await createTestNamespace('roles-other');
// Auth answers not reused, so that a revoked token is seen as revoked at once.
const longshore = await runLongshore(ns, { LONGSHORE_AUTH_CACHE_SECONDS: '0' });
const base = longshore.facadeUrl!;
const core = kc.makeApiClient(CoreV1Api);
const stacks = new StackClient(kc, ns);

const ACCESS = 'shop-api-access';
const SECRET = 'shop-api-access-token';

async function call(method: string, path: string, authorization: string, body?: unknown) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, json: (await response.json()) as { objects?: { name: string }[]; resource_uri?: string } };
}

/** What Kubernetes put in the token Secret: what the pods get as $(LONGSHORE_API_TOKEN). */
async function podToken(): Promise<string> {
  const data = await waitFor('the token controller to fill the Secret', 20_000, async () => {
    const s = await core.readNamespacedSecret({ namespace: ns, name: SECRET }).catch(() => undefined);
    return s?.data?.['token'];
  });
  return Buffer.from(data, 'base64').toString('utf8');
}

describe('a service with the global role', () => {
  let token = '';

  it("runs as the stack's ServiceAccount, with the façade and the token in the Docker Cloud variables", async () => {
    await stacks.create('shop', {
      desiredState: 'Running',
      services: [
        { name: 'web', image: 'nginx:1.27', containerPorts: [{ innerPort: 80 }] },
        {
          name: 'lb',
          image: 'dockercloud/haproxy:1.6.7',
          roles: ['global'],
          linkedToService: [{ toService: 'web', name: 'web' }],
        },
      ],
    });
    await stacks.waitForState('shop', 'Running');
    const lb = (await stacks.apps.readNamespacedDeployment({ namespace: ns, name: 'shop-lb' })) as V1Deployment;
    const pod = lb.spec?.template.spec;
    expect(pod?.serviceAccountName).toBe(ACCESS);
    expect(pod?.automountServiceAccountToken).toBe(true);
    const env = pod?.containers[0]?.env ?? [];
    expect(env.slice(0, 5)).toEqual([
      { name: 'LONGSHORE_API_TOKEN', valueFrom: { secretKeyRef: { name: SECRET, key: 'token' } } },
      { name: 'DOCKERCLOUD_AUTH', value: 'Bearer $(LONGSHORE_API_TOKEN)' },
      { name: 'DOCKERCLOUD_REST_HOST', value: 'http://longshore.longshore-system.svc.cluster.local' },
      { name: 'DOCKERCLOUD_STREAM_HOST', value: 'ws://longshore.longshore-system.svc.cluster.local' },
      { name: 'DOCKERCLOUD_NAMESPACE', value: ns },
    ]);
    // The other service runs as nobody in particular, with no token.
    const web = (await stacks.apps.readNamespacedDeployment({ namespace: ns, name: 'shop-web' })) as V1Deployment;
    expect(web.spec?.template.spec?.serviceAccountName).toBeUndefined();
    expect(web.spec?.template.spec?.automountServiceAccountToken).toBe(false);

    // The ServiceAccount, its Role and RoleBinding and the token Secret belong to the Stack.
    const uid = (await stacks.get('shop'))?.metadata.uid;
    const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
    const owned = [
      await core.readNamespacedServiceAccount({ namespace: ns, name: ACCESS }),
      await rbac.readNamespacedRole({ namespace: ns, name: ACCESS }),
      await rbac.readNamespacedRoleBinding({ namespace: ns, name: ACCESS }),
      await core.readNamespacedSecret({ namespace: ns, name: SECRET }),
    ];
    for (const o of owned) expect(o.metadata?.ownerReferences?.map((r) => r.uid)).toEqual([uid]);
    expect((await rbac.readNamespacedRole({ namespace: ns, name: ACCESS })).rules).toEqual([
      { apiGroups: ['longshore.io'], resources: ['stacks'], verbs: ['get', 'list', 'watch'] },
    ]);
    token = await podToken();
  });

  it('keeps its Role as it made it, and a converged stack costs no write', async () => {
    const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
    await rbac.patchNamespacedRole(
      {
        namespace: ns,
        name: ACCESS,
        body: { rules: [{ apiGroups: ['longshore.io'], resources: ['stacks'], verbs: ['get', 'list', 'watch', 'delete'] }] },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await waitFor('the widened Role put right', 20_000, async () => {
      const role = await rbac.readNamespacedRole({ namespace: ns, name: ACCESS });
      return role.rules?.[0]?.verbs?.join(',') === 'get,list,watch';
    });
    // Some reconcile, once status writes have settled, writes nothing (no apply, no Secret).
    const { registry } = longshore.metrics;
    await waitFor(
      'a reconcile that writes nothing',
      30_000,
      async () => {
        const writes = await counterSum(registry, 'longshore_api_writes_total');
        const reconciles = await counterSum(registry, 'longshore_reconcile_total');
        longshore.controller.queue.add(`${ns}/shop`);
        await waitFor('a reconcile', 10_000, async () => (await counterSum(registry, 'longshore_reconcile_total')) > reconciles);
        return (await counterSum(registry, 'longshore_api_writes_total')) === writes;
      },
      500,
    );
  });

  it('has a token that lists the stack through the façade, as the Python client in the container would', async () => {
    const listed = await call('GET', `/api/app/v1/${ns}/stack/`, `Bearer ${token}`);
    expect(listed.status).toBe(200);
    expect(listed.json.objects?.map((s) => s.name)).toEqual(['shop']);
    const clients = await dockerCloudClients();
    const python = await clients.python<{ name: string }[]>(
      { restHost: base, auth: `Bearer ${token}`, extra: { DOCKERCLOUD_NAMESPACE: ns } },
      'list',
    );
    expect(python.ok, python.error).toBe(true);
    expect(python.result.map((s) => s.name)).toEqual(['shop']);
  });

  it('has a token refused every write and every other namespace, through the façade', async () => {
    const auth = `Bearer ${token}`;
    const uri = (await call('GET', `/api/app/v1/${ns}/stack/`, auth)).json.objects?.[0] as { resource_uri?: string } | undefined;
    expect(uri?.resource_uri).toBeDefined();
    expect((await call('POST', `/api/app/v1/${ns}/stack/`, auth, { name: 'intruder' })).status).toBe(403);
    expect((await call('POST', `${uri?.resource_uri}stop/`, auth)).status).toBe(403);
    expect((await call('PATCH', `${uri?.resource_uri}`, auth, { nickname: 'x' })).status).toBe(403);
    expect((await call('DELETE', `${uri?.resource_uri}`, auth)).status).toBe(403);
    expect((await call('GET', `/api/app/v1/${elsewhere}/stack/`, auth)).status).toBe(403);
    // DOCKERCLOUD_STREAM_HOST's events: not served, answered here rather than by Docker's old host.
    expect((await call('GET', '/api/audit/v1/events/', auth)).status).toBe(404);
    expect((await stacks.get('shop'))?.spec.desiredState).toBe('Running');
  });

  it('has a token refused everything but reading Stacks in its namespace, directly at the API server', async () => {
    const asPod = kubeConfigWithToken(token);
    const custom = asPod.makeApiClient(CustomObjectsApi);
    const podCore = asPod.makeApiClient(CoreV1Api);
    const stack = { group: GROUP, version: VERSION, plural: PLURAL };
    const list = (await custom.listNamespacedCustomObject({ ...stack, namespace: ns })) as {
      items: { metadata: { name: string } }[];
    };
    expect(list.items.map((s) => s.metadata.name)).toEqual(['shop']);
    await expect(
      custom.createNamespacedCustomObject({
        ...stack,
        namespace: ns,
        body: { apiVersion: `${GROUP}/${VERSION}`, kind: 'Stack', metadata: { name: 'intruder' }, spec: { services: [] } },
      }),
    ).rejects.toMatchObject({ code: 403 });
    await expect(custom.deleteNamespacedCustomObject({ ...stack, namespace: ns, name: 'shop' })).rejects.toMatchObject({
      code: 403,
    });
    await expect(custom.listNamespacedCustomObject({ ...stack, namespace: elsewhere })).rejects.toMatchObject({ code: 403 });
    await expect(custom.listClusterCustomObject(stack)).rejects.toMatchObject({ code: 403 });
    await expect(podCore.readNamespacedSecret({ namespace: ns, name: SECRET })).rejects.toMatchObject({ code: 403 });
    await expect(podCore.listNamespacedPod({ namespace: ns })).rejects.toMatchObject({ code: 403 });
    await expect(podCore.listNamespacedConfigMap({ namespace: ns })).rejects.toMatchObject({ code: 403 });
  });

  it('has a token that dies with the stack', async () => {
    await stacks.delete('shop');
    await waitFor('the ServiceAccount gone with the stack', 30_000, async () =>
      core.readNamespacedServiceAccount({ namespace: ns, name: ACCESS }).then(
        () => false,
        (err: { code?: number }) => err.code === 404,
      ),
    );
    await waitFor('the token refused by the façade', 20_000, async () => {
      return (await call('GET', `/api/app/v1/${ns}/stack/`, `Bearer ${token}`)).status === 401;
    });
  });
});

describe('a stack without a global-role service', () => {
  it('gets no ServiceAccount, Role, RoleBinding or Secret', async () => {
    await stacks.create('plain', { desiredState: 'Running', services: [{ name: 'web', image: 'nginx:1.27' }] });
    await stacks.waitForState('plain', 'Running');
    const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
    const selector = { namespace: ns, labelSelector: 'longshore.io/stack=plain' };
    expect((await core.listNamespacedServiceAccount(selector)).items).toEqual([]);
    expect((await rbac.listNamespacedRole(selector)).items).toEqual([]);
    expect((await rbac.listNamespacedRoleBinding(selector)).items).toEqual([]);
    expect((await core.listNamespacedSecret(selector)).items).toEqual([]);
  });
});
