// Waiting by a watch for what one collection of a namespace holds (all its Stacks Running, no
// Deployment left, ...): the project's own Informer lists the collection, watches it, and the
// condition is looked at once the list is in and again after every event (src/runtime/watch-until.ts),
// so nothing polls and nothing sleeps. On the deadline the error says what was awaited and what
// the collection held then.
import {
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  CustomObjectsApi,
  DiscoveryV1Api,
  type KubeConfig,
  type KubernetesObject,
  RbacAuthorizationV1Api,
} from '@kubernetes/client-node';
import { pino } from 'pino';
import { GROUP, PLURAL, type Stack, VERSION } from '../../../src/model/stack.ts';
import { Informer, type InformerOptions, type ListPage } from '../../../src/runtime/informer.ts';
import { watchUntil } from '../../../src/runtime/watch-until.ts';

/** One collection of one namespace, as an Informer lists and watches it. */
export interface Collection<T extends KubernetesObject> {
  /** What it holds, plural, for messages: "Deployments". */
  kind: string;
  path: string;
  labelSelector?: string;
  list: InformerOptions<T>['list'];
}

type ListOptions = Parameters<InformerOptions<KubernetesObject>['list']>[0];
type Lister = (o: ListOptions) => Promise<unknown>;

function collection<T extends KubernetesObject>(kind: string, path: string, list: Lister, labelSelector?: string): Collection<T> {
  return {
    kind,
    path,
    ...(labelSelector === undefined ? {} : { labelSelector }),
    list: (o) => list(o) as Promise<ListPage<T>>,
  };
}

/** The collections of `namespace` a test waits on; each optionally label-selected. */
export function namespaceCollections(kc: KubeConfig, namespace: string) {
  const apps = kc.makeApiClient(AppsV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  const discovery = kc.makeApiClient(DiscoveryV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const batch = kc.makeApiClient(BatchV1Api);
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
  const ns = `namespaces/${namespace}`;
  return {
    stacks: () =>
      collection<Stack & KubernetesObject>('Stacks', `/apis/${GROUP}/${VERSION}/${ns}/${PLURAL}`, (o) =>
        custom.listNamespacedCustomObject({ group: GROUP, version: VERSION, plural: PLURAL, namespace, ...o }),
      ),
    deployments: (labelSelector?: string) =>
      collection(
        'Deployments',
        `/apis/apps/v1/${ns}/deployments`,
        (o) => apps.listNamespacedDeployment({ namespace, ...o }),
        labelSelector,
      ),
    daemonSets: (labelSelector?: string) =>
      collection(
        'DaemonSets',
        `/apis/apps/v1/${ns}/daemonsets`,
        (o) => apps.listNamespacedDaemonSet({ namespace, ...o }),
        labelSelector,
      ),
    services: (labelSelector?: string) =>
      collection('Services', `/api/v1/${ns}/services`, (o) => core.listNamespacedService({ namespace, ...o }), labelSelector),
    claims: (labelSelector?: string) =>
      collection(
        'PersistentVolumeClaims',
        `/api/v1/${ns}/persistentvolumeclaims`,
        (o) => core.listNamespacedPersistentVolumeClaim({ namespace, ...o }),
        labelSelector,
      ),
    endpointSlices: (labelSelector?: string) =>
      collection(
        'EndpointSlices',
        `/apis/discovery.k8s.io/v1/${ns}/endpointslices`,
        (o) => discovery.listNamespacedEndpointSlice({ namespace, ...o }),
        labelSelector,
      ),
    jobs: (labelSelector?: string) =>
      collection('Jobs', `/apis/batch/v1/${ns}/jobs`, (o) => batch.listNamespacedJob({ namespace, ...o }), labelSelector),
    serviceAccounts: (labelSelector?: string) =>
      collection(
        'ServiceAccounts',
        `/api/v1/${ns}/serviceaccounts`,
        (o) => core.listNamespacedServiceAccount({ namespace, ...o }),
        labelSelector,
      ),
    roles: (labelSelector?: string) =>
      collection(
        'Roles',
        `/apis/rbac.authorization.k8s.io/v1/${ns}/roles`,
        (o) => rbac.listNamespacedRole({ namespace, ...o }),
        labelSelector,
      ),
    roleBindings: (labelSelector?: string) =>
      collection(
        'RoleBindings',
        `/apis/rbac.authorization.k8s.io/v1/${ns}/rolebindings`,
        (o) => rbac.listNamespacedRoleBinding({ namespace, ...o }),
        labelSelector,
      ),
    pods: (labelSelector?: string) =>
      collection('Pods', `/api/v1/${ns}/pods`, (o) => core.listNamespacedPod({ namespace, ...o }), labelSelector),
  };
}

/**
 * Watches `source` until `done(objects)` holds for what it holds, and returns those objects;
 * after `timeoutMs`, fails with `explain(objects)` of what it held then.
 */
export async function watchCollectionUntil<T extends KubernetesObject>(
  kc: KubeConfig,
  source: Collection<T>,
  what: string,
  done: (objects: T[]) => boolean,
  timeoutMs: number,
  explain: (objects: T[]) => string,
): Promise<T[]> {
  const informer = new Informer<T>({
    name: `test-${source.kind}`,
    kubeConfig: kc,
    logger: pino({ level: 'silent' }),
    path: source.path,
    ...(source.labelSelector === undefined ? {} : { labelSelector: source.labelSelector }),
    list: source.list,
  });
  let objects: T[] = [];
  await watchUntil(
    informer,
    () => {
      objects = [...informer.list()];
      return done(objects);
    },
    timeoutMs,
    () => {
      const now = informer.hasSynced() ? [...informer.list()] : objects;
      const listed = informer.hasSynced() ? '' : ' (the first list had not come back)';
      return new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${listed}: ${explain(now)}`);
    },
  );
  return objects;
}

/** The names of `objects`, sorted: what a message or an assertion about leftovers shows. */
export const namesOf = (objects: readonly KubernetesObject[]) => objects.map((o) => o.metadata?.name ?? '?').sort();
