// Proves the cluster under test is real: controllers run Deployments, the scheduler and kwok
// make Pods Running and Ready, the garbage collector follows owner references, and tokens
// and RBAC are enforced by the API server.
import {
  AppsV1Api,
  AuthorizationV1Api,
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  RbacAuthorizationV1Api,
  setHeaderOptions,
  type V1Deployment,
} from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { createTestNamespace, kubeConfig } from './support/cluster.ts';
import { waitFor } from './support/wait.ts';

const kc = kubeConfig();
const apps = kc.makeApiClient(AppsV1Api);
const core = kc.makeApiClient(CoreV1Api);
const ns = await createTestNamespace('smoke');

function deployment(name: string, replicas: number): V1Deployment {
  return {
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
      },
    },
  };
}

const podsOf = async (app: string) => (await core.listNamespacedPod({ namespace: ns, labelSelector: `app=${app}` })).items;

describe('the cluster under test', () => {
  it('runs a Deployment of 3 replicas to readyReplicas 3 on the simulated node', async () => {
    await apps.createNamespacedDeployment({ namespace: ns, body: deployment('three', 3) });
    await waitFor(
      '3 ready replicas',
      60_000,
      async () => (await apps.readNamespacedDeployment({ name: 'three', namespace: ns })).status?.readyReplicas === 3,
    );
    const pods = await podsOf('three');
    expect(pods).toHaveLength(3);
    for (const pod of pods) {
      expect(pod.spec?.nodeName).toBeTruthy();
      expect(pod.status?.phase).toBe('Running');
      expect(pod.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    }
  });

  it('removes the Pods when the Deployment is scaled to 0', async () => {
    await apps.createNamespacedDeployment({ namespace: ns, body: deployment('scaled', 2) });
    await waitFor(
      '2 ready replicas',
      60_000,
      async () => (await apps.readNamespacedDeployment({ name: 'scaled', namespace: ns })).status?.readyReplicas === 2,
    );
    await apps.patchNamespacedDeploymentScale(
      { name: 'scaled', namespace: ns, body: { spec: { replicas: 0 } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await waitFor('no pods left', 60_000, async () => (await podsOf('scaled')).length === 0);
  });

  it('garbage-collects the ReplicaSet and Pods of a deleted Deployment through owner references', async () => {
    await apps.createNamespacedDeployment({ namespace: ns, body: deployment('collected', 2) });
    await waitFor(
      '2 ready replicas',
      60_000,
      async () => (await apps.readNamespacedDeployment({ name: 'collected', namespace: ns })).status?.readyReplicas === 2,
    );
    const rs = (await apps.listNamespacedReplicaSet({ namespace: ns, labelSelector: 'app=collected' })).items;
    expect(rs).toHaveLength(1);
    expect(rs[0]?.metadata?.ownerReferences?.[0]?.kind).toBe('Deployment');
    await apps.deleteNamespacedDeployment({ name: 'collected', namespace: ns, propagationPolicy: 'Background' });
    await waitFor('ReplicaSet and Pods collected', 60_000, async () => {
      const left = (await apps.listNamespacedReplicaSet({ namespace: ns, labelSelector: 'app=collected' })).items.length;
      return left === 0 && (await podsOf('collected')).length === 0;
    });
  });

  it('authenticates a TokenRequest token and enforces RBAC on it', async () => {
    await core.createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name: 'reader' } } });
    const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
    await rbac.createNamespacedRole({
      namespace: ns,
      body: { metadata: { name: 'pod-reader' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }] },
    });
    await rbac.createNamespacedRoleBinding({
      namespace: ns,
      body: {
        metadata: { name: 'reader-reads-pods' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' },
        subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace: ns }],
      },
    });
    const token = (
      await core.createNamespacedServiceAccountToken({
        name: 'reader',
        namespace: ns,
        body: { spec: { audiences: [], expirationSeconds: 600 } },
      })
    ).status?.token;
    expect(token).toBeTruthy();

    const asReader = new KubeConfig();
    const cluster = kc.getCurrentCluster()!;
    asReader.loadFromOptions({
      clusters: [cluster],
      users: [{ name: 'reader', token: token! }],
      contexts: [{ name: 'reader', cluster: cluster.name, user: 'reader' }],
      currentContext: 'reader',
    });
    const readerCore = asReader.makeApiClient(CoreV1Api);
    // Granted: listing pods in its namespace.
    await expect(readerCore.listNamespacedPod({ namespace: ns })).resolves.toBeDefined();
    // Not granted: secrets here, pods elsewhere.
    await expect(readerCore.listNamespacedSecret({ namespace: ns })).rejects.toMatchObject({ code: 403 });
    await expect(readerCore.listNamespacedPod({ namespace: 'kube-system' })).rejects.toMatchObject({ code: 403 });
    // And the API server's own view of the identity agrees.
    const review = await asReader.makeApiClient(AuthorizationV1Api).createSelfSubjectAccessReview({
      body: { spec: { resourceAttributes: { namespace: ns, verb: 'delete', resource: 'pods' } } },
    });
    expect(review.status?.allowed).toBe(false);
  });
});
