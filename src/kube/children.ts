// The kinds of object a Stack owns, and how to read, apply (server-side, one field manager)
// and delete each. One table so the controller handles every kind the same way.
import {
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  DiscoveryV1Api,
  type KubeConfig,
  type KubernetesObject,
  PatchStrategy,
  RbacAuthorizationV1Api,
  setHeaderOptions,
  type V1Secret,
} from '@kubernetes/client-node';

import { statusOf } from '../runtime/api-error.ts';

export const FIELD_MANAGER = 'longshore';

export const CHILD_KINDS = [
  'Deployment',
  'DaemonSet',
  'Job',
  'Service',
  'EndpointSlice',
  'PersistentVolumeClaim',
  'ServiceAccount',
  'Role',
  'RoleBinding',
] as const;
export type ChildKind = (typeof CHILD_KINDS)[number];

export interface ChildClient {
  kind: ChildKind;
  /** The collection path for list and watch: cluster-wide, or one namespace's. */
  path: string;
  list: (opts: {
    labelSelector?: string;
    limit: number;
    _continue?: string;
  }) => Promise<{ items: KubernetesObject[]; metadata?: { resourceVersion?: string; continue?: string; _continue?: string } }>;
  /**
   * The object of this name, whoever owns it, or undefined. Answered from the API server's
   * watch cache (a list by exact name at resourceVersion 0: no etcd read), see findByName.
   */
  find: (namespace: string, name: string) => Promise<KubernetesObject | undefined>;
  apply: (obj: KubernetesObject) => Promise<KubernetesObject>;
  /** Deletes only the object with this uid (a precondition), in the background. */
  delete: (namespace: string, name: string, uid: string) => Promise<void>;
}

/** A collection's path, cluster-wide or in one namespace. */
export function collection(groupVersionPath: string, plural: string, namespace?: string): string {
  return namespace ? `${groupVersionPath}/namespaces/${namespace}/${plural}` : `${groupVersionPath}/${plural}`;
}

const ssa = setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply);

/** `namespace`: watch and list one namespace only (a namespace-scoped installation). */
export function childClients(kc: KubeConfig, namespace?: string): Record<ChildKind, ChildClient> {
  const apps = kc.makeApiClient(AppsV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  const discovery = kc.makeApiClient(DiscoveryV1Api);
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
  const batch = kc.makeApiClient(BatchV1Api);
  const applyArgs = (obj: KubernetesObject) => ({
    name: obj.metadata!.name!,
    namespace: obj.metadata!.namespace!,
    body: obj,
    fieldManager: FIELD_MANAGER,
    force: true,
  });
  // The policy in the body too: the API server reads DeleteOptions from the body when there is
  // one, and Jobs default to orphaning their pods (batch/v1's legacy default).
  const del = (uid: string) => ({
    propagationPolicy: 'Background',
    body: { preconditions: { uid }, propagationPolicy: 'Background' },
  });
  return {
    Deployment: {
      kind: 'Deployment',
      path: collection('/apis/apps/v1', 'deployments', namespace),
      list: (o) => (namespace ? apps.listNamespacedDeployment({ namespace, ...o }) : apps.listDeploymentForAllNamespaces(o)),
      find: (ns, name) => findByName((o) => apps.listNamespacedDeployment({ namespace: ns, ...o }), name),
      apply: (obj) => apps.patchNamespacedDeployment(applyArgs(obj), ssa),
      delete: async (namespace, name, uid) => {
        await apps.deleteNamespacedDeployment({ namespace, name, ...del(uid) });
      },
    },
    DaemonSet: {
      kind: 'DaemonSet',
      path: collection('/apis/apps/v1', 'daemonsets', namespace),
      list: (o) => (namespace ? apps.listNamespacedDaemonSet({ namespace, ...o }) : apps.listDaemonSetForAllNamespaces(o)),
      find: (ns, name) => findByName((o) => apps.listNamespacedDaemonSet({ namespace: ns, ...o }), name),
      apply: (obj) => apps.patchNamespacedDaemonSet(applyArgs(obj), ssa),
      delete: async (namespace, name, uid) => {
        await apps.deleteNamespacedDaemonSet({ namespace, name, ...del(uid) });
      },
    },
    Job: {
      kind: 'Job',
      path: collection('/apis/batch/v1', 'jobs', namespace),
      list: (o) => (namespace ? batch.listNamespacedJob({ namespace, ...o }) : batch.listJobForAllNamespaces(o)),
      find: (ns, name) => findByName((o) => batch.listNamespacedJob({ namespace: ns, ...o }), name),
      apply: (obj) => batch.patchNamespacedJob(applyArgs(obj), ssa),
      // Background: the Job goes at once and the garbage collector removes its pods, so a run
      // replaced by a fresh one (a redeploy) can be created under the same name straight away.
      delete: async (namespace, name, uid) => {
        await batch.deleteNamespacedJob({ namespace, name, ...del(uid) });
      },
    },
    Service: {
      kind: 'Service',
      path: collection('/api/v1', 'services', namespace),
      list: (o) => (namespace ? core.listNamespacedService({ namespace, ...o }) : core.listServiceForAllNamespaces(o)),
      find: (ns, name) => findByName((o) => core.listNamespacedService({ namespace: ns, ...o }), name),
      apply: (obj) => core.patchNamespacedService(applyArgs(obj), ssa),
      delete: async (namespace, name, uid) => {
        await core.deleteNamespacedService({ namespace, name, ...del(uid) });
      },
    },
    EndpointSlice: {
      kind: 'EndpointSlice',
      path: collection('/apis/discovery.k8s.io/v1', 'endpointslices', namespace),
      list: (o) =>
        namespace ? discovery.listNamespacedEndpointSlice({ namespace, ...o }) : discovery.listEndpointSliceForAllNamespaces(o),
      find: (ns, name) => findByName((o) => discovery.listNamespacedEndpointSlice({ namespace: ns, ...o }), name),
      apply: (obj) => discovery.patchNamespacedEndpointSlice(applyArgs(obj), ssa),
      delete: async (namespace, name, uid) => {
        await discovery.deleteNamespacedEndpointSlice({ namespace, name, ...del(uid) });
      },
    },
    PersistentVolumeClaim: {
      kind: 'PersistentVolumeClaim',
      path: collection('/api/v1', 'persistentvolumeclaims', namespace),
      list: (o) =>
        namespace
          ? core.listNamespacedPersistentVolumeClaim({ namespace, ...o })
          : core.listPersistentVolumeClaimForAllNamespaces(o),
      find: (ns, name) => findByName((o) => core.listNamespacedPersistentVolumeClaim({ namespace: ns, ...o }), name),
      apply: (obj) => core.patchNamespacedPersistentVolumeClaim(applyArgs(obj), ssa),
      delete: async (namespace, name, uid) => {
        await core.deleteNamespacedPersistentVolumeClaim({ namespace, name, ...del(uid) });
      },
    },
    // A stack's API access (roles: [global]): its ServiceAccount, and the Role and RoleBinding
    // that let it read the namespace's Stacks.
    ServiceAccount: {
      kind: 'ServiceAccount',
      path: collection('/api/v1', 'serviceaccounts', namespace),
      list: (o) =>
        namespace ? core.listNamespacedServiceAccount({ namespace, ...o }) : core.listServiceAccountForAllNamespaces(o),
      find: (ns, name) => findByName((o) => core.listNamespacedServiceAccount({ namespace: ns, ...o }), name),
      apply: (obj) => core.patchNamespacedServiceAccount(applyArgs(obj), ssa),
      delete: async (namespace, name, uid) => {
        await core.deleteNamespacedServiceAccount({ namespace, name, ...del(uid) });
      },
    },
    Role: {
      kind: 'Role',
      path: collection('/apis/rbac.authorization.k8s.io/v1', 'roles', namespace),
      list: (o) => (namespace ? rbac.listNamespacedRole({ namespace, ...o }) : rbac.listRoleForAllNamespaces(o)),
      find: (ns, name) => findByName((o) => rbac.listNamespacedRole({ namespace: ns, ...o }), name),
      apply: (obj) => rbac.patchNamespacedRole(applyArgs(obj), ssa),
      delete: async (namespace, name, uid) => {
        await rbac.deleteNamespacedRole({ namespace, name, ...del(uid) });
      },
    },
    RoleBinding: {
      kind: 'RoleBinding',
      path: collection('/apis/rbac.authorization.k8s.io/v1', 'rolebindings', namespace),
      list: (o) => (namespace ? rbac.listNamespacedRoleBinding({ namespace, ...o }) : rbac.listRoleBindingForAllNamespaces(o)),
      find: (ns, name) => findByName((o) => rbac.listNamespacedRoleBinding({ namespace: ns, ...o }), name),
      apply: (obj) => rbac.patchNamespacedRoleBinding(applyArgs(obj), ssa),
      delete: async (namespace, name, uid) => {
        await rbac.deleteNamespacedRoleBinding({ namespace, name, ...del(uid) });
      },
    },
  };
}

/** Deletes a Pod, only the one with this uid (autodestroy: an ended container removed). */
export function podDeleter(kc: KubeConfig): (namespace: string, name: string, uid: string) => Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  return async (namespace, name, uid) => {
    await core.deleteNamespacedPod({ namespace, name, body: { preconditions: { uid } } });
  };
}

/**
 * Creates a Secret, answering false when one of that name exists. Create only: Longshore may
 * create Secrets (a ServiceAccount's token Secret, which Kubernetes fills) but neither read,
 * list nor change them, so it never holds a token.
 */
export function secretCreator(kc: KubeConfig): (secret: V1Secret) => Promise<boolean> {
  const core = kc.makeApiClient(CoreV1Api);
  return async (secret) => {
    try {
      await core.createNamespacedSecret({
        namespace: secret.metadata!.namespace!,
        body: secret,
        fieldManager: FIELD_MANAGER,
      });
      return true;
    } catch (err) {
      if (statusOf(err) === 409) return false;
      throw err;
    }
  };
}

type NamespacedList = (opts: {
  fieldSelector: string;
  resourceVersion: string;
}) => Promise<{ items: readonly KubernetesObject[] }>;

/**
 * Looks an object up by name before Longshore first applies to that name (an object of that
 * name it does not own must be left alone, see reconcile). A list with the exact-name field
 * selector at resourceVersion "0" is answered from the API server's watch cache by key,
 * without reading etcd, where a GET would read etcd: at 8 names per new stack, this was a
 * share of the API server's work that the direct-apply baseline does not have. The cache may
 * lag by the watch's delivery (milliseconds); a GET has the same race between the read and the
 * apply that follows it, and the apply's owner reference tells the next reconcile either way.
 */
async function findByName(list: NamespacedList, name: string): Promise<KubernetesObject | undefined> {
  const { items } = await list({ fieldSelector: `metadata.name=${name}`, resourceVersion: '0' });
  return items.find((o) => o.metadata?.name === name);
}
