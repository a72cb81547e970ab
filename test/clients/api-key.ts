// Docker Cloud API keys for the integration tests: a ServiceAccount's token, with a Role on
// stacks.longshore.io in its namespace (the verbs given), as a user of Longshore would set it
// up. The token comes from the TokenRequest API, so nothing is stored in a Secret.
import { CoreV1Api, type KubeConfig, RbacAuthorizationV1Api } from '@kubernetes/client-node';

export const ALL_STACK_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

/** Creates ServiceAccount `name` in `namespace`, allowed `verbs` on stacks there; returns its token. */
export async function serviceAccountApiKey(
  kc: KubeConfig,
  namespace: string,
  name: string,
  verbs: string[] = ALL_STACK_VERBS,
): Promise<string> {
  const core = kc.makeApiClient(CoreV1Api);
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
  await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name } } });
  if (verbs.length > 0) {
    await rbac.createNamespacedRole({
      namespace,
      body: { metadata: { name: `${name}-stacks` }, rules: [{ apiGroups: ['longshore.io'], resources: ['stacks'], verbs }] },
    });
    await rbac.createNamespacedRoleBinding({
      namespace,
      body: {
        metadata: { name: `${name}-stacks` },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `${name}-stacks` },
        subjects: [{ kind: 'ServiceAccount', name, namespace }],
      },
    });
  }
  const request = await core.createNamespacedServiceAccountToken({
    namespace,
    name,
    body: { spec: { expirationSeconds: 3600, audiences: [] } },
  });
  const token = request.status?.token;
  if (!token) throw new Error(`no token for ServiceAccount ${namespace}/${name}`);
  return token;
}
