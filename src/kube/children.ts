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
  setHeaderOptions,
} from '@kubernetes/client-node';

export const FIELD_MANAGER = 'longshore';

export const CHILD_KINDS = ['Deployment', 'DaemonSet', 'Job', 'Service', 'EndpointSlice', 'PersistentVolumeClaim'] as const;
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
  read: (namespace: string, name: string) => Promise<KubernetesObject>;
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
      read: (namespace, name) => apps.readNamespacedDeployment({ namespace, name }),
      apply: (obj) => apps.patchNamespacedDeployment(applyArgs(obj), ssa),
      delete: async (namespace, name, uid) => {
        await apps.deleteNamespacedDeployment({ namespace, name, ...del(uid) });
      },
    },
    DaemonSet: {
      kind: 'DaemonSet',
      path: collection('/apis/apps/v1', 'daemonsets', namespace),
      list: (o) => (namespace ? apps.listNamespacedDaemonSet({ namespace, ...o }) : apps.listDaemonSetForAllNamespaces(o)),
      read: (namespace, name) => apps.readNamespacedDaemonSet({ namespace, name }),
      apply: (obj) => apps.patchNamespacedDaemonSet(applyArgs(obj), ssa),
      delete: async (namespace, name, uid) => {
        await apps.deleteNamespacedDaemonSet({ namespace, name, ...del(uid) });
      },
    },
    Job: {
      kind: 'Job',
      path: collection('/apis/batch/v1', 'jobs', namespace),
      list: (o) => (namespace ? batch.listNamespacedJob({ namespace, ...o }) : batch.listJobForAllNamespaces(o)),
      read: (namespace, name) => batch.readNamespacedJob({ namespace, name }),
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
      read: (namespace, name) => core.readNamespacedService({ namespace, name }),
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
      read: (namespace, name) => discovery.readNamespacedEndpointSlice({ namespace, name }),
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
      read: (namespace, name) => core.readNamespacedPersistentVolumeClaim({ namespace, name }),
      apply: (obj) => core.patchNamespacedPersistentVolumeClaim(applyArgs(obj), ssa),
      delete: async (namespace, name, uid) => {
        await core.deleteNamespacedPersistentVolumeClaim({ namespace, name, ...del(uid) });
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

/** The HTTP status of a client-node API error, if it is one. */
export function statusOf(err: unknown): number | undefined {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'number' ? code : undefined;
}
