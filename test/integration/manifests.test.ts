// The install manifests, applied with server-side apply, give Longshore exactly enough: a
// Longshore process authenticated only as the manifests' ServiceAccount carries a stack
// through its whole lifecycle (through the façade), and is refused what it does not need.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AppsV1Api,
  CoordinationV1Api,
  CoreV1Api,
  PatchStrategy,
  RbacAuthorizationV1Api,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { readState } from '../../src/localcluster/cluster.ts';
import { createTestNamespace, kubeConfig, kubeConfigWithToken, kubeconfigPath } from './support/cluster.ts';
import { spawnLongshore } from './support/process.ts';
import { StackClient } from './support/stacks.ts';
import { waitFor } from './support/wait.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const kc = kubeConfig();
const ns = await createTestNamespace('manifests');
const core = kc.makeApiClient(CoreV1Api);

async function kubectl(args: string[]): Promise<string> {
  const local = await readState();
  const bin = local ? join(local.binDir, 'kubectl') : 'kubectl';
  return new Promise((res, rej) =>
    execFile(bin, ['--kubeconfig', kubeconfigPath(), ...args], { cwd: root, timeout: 120_000 }, (err, out, stderr) =>
      err ? rej(new Error(`kubectl ${args.join(' ')}: ${stderr || err.message}`)) : res(out),
    ),
  );
}

async function tokenFor(namespace: string, name: string): Promise<string> {
  const r = await core.createNamespacedServiceAccountToken({
    namespace,
    name,
    body: { spec: { audiences: [], expirationSeconds: 3600 } },
  });
  return r.status!.token!;
}

describe('the install manifests', () => {
  it('apply with server-side apply', async () => {
    const out = await kubectl(['apply', '--server-side', '--force-conflicts', '-k', 'manifests']);
    expect(out).toMatch(/customresourcedefinition.apiextensions.k8s.io\/stacks.longshore.io serverside-applied/);
    expect(out).toMatch(/deployment.apps\/longshore serverside-applied/);
    // No image runs here: keep the in-cluster Deployment from competing with the test's process.
    await kc
      .makeApiClient(AppsV1Api)
      .patchNamespacedDeploymentScale(
        { name: 'longshore', namespace: 'longshore-system', body: { spec: { replicas: 0 } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
  });

  it('grant the ServiceAccount enough for the whole lifecycle of a stack', async () => {
    const saKubeconfig = join(tmpdir(), `longshore-sa-${process.pid}.kubeconfig`);
    await writeFile(saKubeconfig, kubeConfigWithToken(await tokenFor('longshore-system', 'longshore')).exportConfig(), {
      mode: 0o600,
    });
    const longshore = await spawnLongshore(ns, {
      KUBECONFIG: saKubeconfig,
      LONGSHORE_LEADER_ELECTION: 'true',
      LONGSHORE_LEASE_NAMESPACE: 'longshore-system',
      LONGSHORE_LEASE_NAME: `longshore-${ns}`,
    });
    await waitFor('leadership', 20_000, () => longshore.logs.some((l) => l['msg'] === 'became leader'));

    // A user of the façade: a ServiceAccount of the test namespace bound to the stack editor role.
    await core.createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name: 'user' } } });
    await kc.makeApiClient(RbacAuthorizationV1Api).createNamespacedRoleBinding({
      namespace: ns,
      body: {
        metadata: { name: 'user-edits-stacks' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'longshore-stack-editor' },
        subjects: [{ kind: 'ServiceAccount', name: 'user', namespace: ns }],
      },
    });
    const auth = `Bearer ${await tokenFor(ns, 'user')}`;
    const base = longshore.facadeUrl()!;
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { Authorization: auth },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    };

    const created = await call('POST', `/api/app/v1/${ns}/stack/`, {
      name: 'rbac',
      services: [
        { name: 'web', image: 'nginx:1.27', target_num_containers: 1, bindings: [{ container_path: '/data' }] },
        // The global role: a ServiceAccount, a Role and RoleBinding (no escalate or bind needed)
        // and a token Secret (create only).
        {
          name: 'lb',
          image: 'dockercloud/haproxy:1.6.7',
          roles: ['global'],
          linked_to_service: [{ to_service: 'web', name: 'web' }],
        },
        // A one-shot whose ended container is removed: a Job, and a Pod deleted by Longshore.
        { name: 'once', image: 'busybox:1.36', entrypoint: 'true', autodestroy: 'ALWAYS' },
      ],
    });
    expect(created.status).toBe(201);
    const uri = created.json['resource_uri'] as string;
    const stacks = new StackClient(kc, ns);
    await stacks.waitForState('rbac', 'Not Running');
    expect((await call('POST', `${uri}start/`)).status).toBe(202);
    await stacks.waitForState('rbac', 'Running');
    await waitFor(
      'the API token Secret',
      20_000,
      async () =>
        (await core.readNamespacedSecret({ namespace: ns, name: 'rbac-api-access-token' }).catch(() => undefined))?.data?.[
          'token'
        ],
    );
    await waitFor('the one-shot container removed', 30_000, async () =>
      (await stacks.pods('rbac', 'once')).length === 0 ? true : undefined,
    );
    expect((await call('POST', `${uri}stop/`)).status).toBe(202);
    await stacks.waitForState('rbac', 'Stopped');
    expect((await call('POST', `${uri}redeploy/?reuse_volumes=false`)).status).toBe(202);
    await stacks.waitForState('rbac', 'Running');
    expect((await call('DELETE', uri)).status).toBe(202);
    await stacks.waitForState('rbac', 'Terminated');
    await waitFor('removed after retention', 30_000, async () => (await stacks.get('rbac')) === undefined);
    // Events were recorded with the ServiceAccount's rights.
    const events = await core.listNamespacedEvent({ namespace: ns, fieldSelector: 'involvedObject.name=rbac' });
    expect(events.items.map((e) => e.reason)).toContain('Running');
    // No permission error anywhere in its log. Only warnings, errors and raw lines count, and 403
    // must stand alone: a random port such as 44035 once matched a bare /403/.
    const problems = longshore.logs.filter((l) => l['level'] === undefined || Number(l['level']) >= 40);
    expect(problems.filter((l) => /forbidden|\b403\b/i.test(JSON.stringify(l)))).toEqual([]);
  });

  it('deny the ServiceAccount what Longshore does not need', async () => {
    const sa = kubeConfigWithToken(await tokenFor('longshore-system', 'longshore'));
    const saCore = sa.makeApiClient(CoreV1Api);
    // Secrets: create only (a ServiceAccount's token Secret), never read.
    await expect(saCore.listNamespacedSecret({ namespace: ns })).rejects.toMatchObject({ code: 403 });
    await expect(saCore.readNamespacedSecret({ namespace: ns, name: 'any' })).rejects.toMatchObject({ code: 403 });
    await expect(
      saCore.createNamespacedServiceAccountToken({ namespace: ns, name: 'user', body: { spec: { audiences: [] } } }),
    ).rejects.toMatchObject({
      code: 403,
    });
    // Roles: only what it holds itself (Kubernetes refuses to let it grant more).
    await expect(
      sa.makeApiClient(RbacAuthorizationV1Api).createNamespacedRole({
        namespace: ns,
        body: { metadata: { name: 'escalate' }, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }] },
      }),
    ).rejects.toMatchObject({ code: 403 });
    await expect(saCore.listNamespacedConfigMap({ namespace: ns })).rejects.toMatchObject({ code: 403 });
    await expect(saCore.deleteNamespace({ name: ns })).rejects.toMatchObject({ code: 403 });
    await expect(
      saCore.createNamespacedPod({
        namespace: ns,
        body: { metadata: { name: 'x' }, spec: { containers: [{ name: 'x', image: 'x' }] } },
      }),
    ).rejects.toMatchObject({ code: 403 });
    await expect(
      sa.makeApiClient(RbacAuthorizationV1Api).createClusterRole({ body: { metadata: { name: 'escalate' }, rules: [] } }),
    ).rejects.toMatchObject({ code: 403 });
    // Leases only in its own namespace.
    await expect(sa.makeApiClient(CoordinationV1Api).listNamespacedLease({ namespace: ns })).rejects.toMatchObject({ code: 403 });
  });
});
