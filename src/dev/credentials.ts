// `npm start` with no cluster configured: a ServiceAccount whose token works with the Docker
// Cloud clients, for the person who started it.
import { CoreV1Api, type KubeConfig, PatchStrategy, RbacAuthorizationV1Api, setHeaderOptions } from '@kubernetes/client-node';
import { FIELD_MANAGER } from '../kube/children.ts';
import { statusOf } from '../runtime/api-error.ts';

export const CLIENT_SERVICE_ACCOUNT = 'docker-cloud';

/**
 * A ServiceAccount `docker-cloud` in `namespace`, allowed to use Stacks there, and a token
 * for it (valid for a day): what DOCKERCLOUD_AUTH carries.
 */
export async function clientCredentials(kc: KubeConfig, namespace: string): Promise<string> {
  const core = kc.makeApiClient(CoreV1Api);
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
  const ssa = setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply);
  await core.patchNamespacedServiceAccount(
    {
      namespace,
      name: CLIENT_SERVICE_ACCOUNT,
      fieldManager: FIELD_MANAGER,
      force: true,
      body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: CLIENT_SERVICE_ACCOUNT, namespace } },
    },
    ssa,
  );
  await rbac.patchNamespacedRole(
    {
      namespace,
      name: 'longshore-stack-user',
      fieldManager: FIELD_MANAGER,
      force: true,
      body: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'longshore-stack-user', namespace },
        rules: [
          {
            apiGroups: ['longshore.io'],
            resources: ['stacks'],
            verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
          },
        ],
      },
    },
    ssa,
  );
  await rbac.patchNamespacedRoleBinding(
    {
      namespace,
      name: 'docker-cloud-uses-stacks',
      fieldManager: FIELD_MANAGER,
      force: true,
      body: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'docker-cloud-uses-stacks', namespace },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'longshore-stack-user' },
        subjects: [{ kind: 'ServiceAccount', name: CLIENT_SERVICE_ACCOUNT, namespace }],
      },
    },
    ssa,
  );
  const token = await core
    .createNamespacedServiceAccountToken({
      namespace,
      name: CLIENT_SERVICE_ACCOUNT,
      body: { spec: { audiences: [], expirationSeconds: 86_400 } },
    })
    .catch((err: unknown) => {
      throw new Error(
        `could not create a token for ServiceAccount ${namespace}/${CLIENT_SERVICE_ACCOUNT} (HTTP ${statusOf(err)})`,
      );
    });
  const value = token.status?.token;
  if (!value) throw new Error(`the API server returned no token for ServiceAccount ${namespace}/${CLIENT_SERVICE_ACCOUNT}`);
  return value;
}
