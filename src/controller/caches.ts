// The controller's view of the cluster: one informer per resource, Stacks everywhere and the
// children Longshore manages (label-selected), each trimmed to what reconcile and status
// need and indexed by the key of the Stack it belongs to.
import { CoreV1Api, CustomObjectsApi, type KubeConfig, type KubernetesObject, type V1Pod } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { CHILD_KINDS, type ChildKind, childClients, collection, FIELD_MANAGER } from '../kube/children.ts';
import { GROUP, PLURAL, type Stack, VERSION } from '../model/stack.ts';
import { Informer } from '../runtime/informer.ts';
import {
  ANNOTATION_REDEPLOY_REVISION,
  LABEL_SLICE_MANAGED_BY,
  linkedStackKeys,
  MANAGED_BY_SELECTOR,
  LABEL_SERVICE as SERVICE_LABEL,
  SLICE_MANAGER,
  LABEL_STACK as STACK_LABEL,
} from '../translate/index.ts';

export { LABEL_SERVICE as SERVICE_LABEL, LABEL_STACK as STACK_LABEL } from '../translate/index.ts';

type Meta = NonNullable<KubernetesObject['metadata']>;

/** metadata without managedFields and foreign annotations: most of an object's bytes. */
function trimMeta(m: Meta | undefined, keepAnnotations: (k: string) => boolean): Meta {
  const out: Meta = {};
  if (!m) return out;
  for (const k of [
    'name',
    'namespace',
    'uid',
    'generation',
    'resourceVersion',
    'labels',
    'ownerReferences',
    'deletionTimestamp',
    'creationTimestamp',
  ] as const) {
    if (m[k] !== undefined) (out as Record<string, unknown>)[k] = m[k];
  }
  if (m.annotations) {
    const kept = Object.entries(m.annotations).filter(([k]) => keepAnnotations(k));
    if (kept.length) out.annotations = Object.fromEntries(kept);
  }
  return out;
}

const ours = (k: string) => k.startsWith('longshore.io/');

export function trimStack(s: Stack): Stack {
  return {
    ...s,
    metadata: trimMeta(s.metadata as Meta, (k) => k !== 'kubectl.kubernetes.io/last-applied-configuration') as Stack['metadata'],
  };
}

/**
 * The field managers other than Longshore that own part of an object's spec (`kubectl scale`,
 * `kubectl edit`, an autoscaler), from its managedFields; status writers do not count. Kept on
 * the cached copy (managedFields themselves are dropped) so that a restarted controller, which
 * has no record of what it applied, can tell an object it may leave alone from one edited
 * behind its back.
 */
export function specEditors(m: Meta | undefined): string[] {
  const editors = new Set<string>();
  for (const entry of m?.managedFields ?? []) {
    if (entry.manager === FIELD_MANAGER || entry.subresource === 'status') continue;
    const fields = entry.fieldsV1 as Record<string, unknown> | undefined;
    if (fields?.['f:spec'] !== undefined) editors.add(entry.manager ?? '(unnamed)');
  }
  return [...editors].sort();
}

/** What trimChild keeps of specEditors, on the cached copy. */
export function cachedSpecEditors(o: KubernetesObject | undefined): readonly string[] {
  return (o as { specEditors?: string[] } | undefined)?.specEditors ?? [];
}

/** The fields that say what a Role or RoleBinding grants. */
export const GRANT_FIELDS = ['rules', 'roleRef', 'subjects'] as const;

/** Children keep metadata, the few spec fields status derives from, and status. */
export function trimChild<T extends KubernetesObject & { spec?: Record<string, unknown>; status?: unknown }>(o: T): T {
  const spec = o.spec as
    | {
        replicas?: number;
        completions?: number;
        template?: { metadata?: { annotations?: Record<string, string> } };
        clusterIP?: string;
      }
    | undefined;
  const trimmed: Record<string, unknown> = { apiVersion: o.apiVersion, kind: o.kind, metadata: trimMeta(o.metadata, ours) };
  if (spec) {
    const t: Record<string, unknown> = {};
    if (spec.replicas !== undefined) t['replicas'] = spec.replicas;
    // A Job's containers: how many are to run to completion.
    if (spec.completions !== undefined) t['completions'] = spec.completions;
    // A Service's clusterIP cannot change in place: kept to tell when it must be recreated.
    if (spec.clusterIP !== undefined) t['clusterIP'] = spec.clusterIP;
    // Its ports' numbers and node ports: where published ports are reachable (status).
    const ports = (spec as { ports?: { name?: string; port: number; nodePort?: number }[] }).ports;
    if (ports !== undefined)
      t['ports'] = ports.map((p) => ({
        ...(p.name !== undefined && { name: p.name }),
        port: p.port,
        ...(p.nodePort !== undefined && { nodePort: p.nodePort }),
      }));
    const revision = spec.template?.metadata?.annotations?.[ANNOTATION_REDEPLOY_REVISION];
    if (revision !== undefined) t['template'] = { metadata: { annotations: { [ANNOTATION_REDEPLOY_REVISION]: revision } } };
    trimmed['spec'] = t;
  }
  // What a Role and a RoleBinding grant: small, and kept to tell an edit that widened them
  // (they have no generation to show one).
  for (const grant of GRANT_FIELDS) {
    const value = (o as Record<string, unknown>)[grant];
    if (value !== undefined) trimmed[grant] = value;
  }
  if (o.status !== undefined) trimmed['status'] = o.status;
  const editors = specEditors(o.metadata);
  if (editors.length) trimmed['specEditors'] = editors;
  return trimmed as T;
}

export interface TrimmedPod {
  metadata: Meta;
  /** podIP: what a stack's DNS name answers for a service without a cluster IP. */
  /**
   * unschedulable: the scheduler's message for a pod no node takes (PodScheduled=False,
   * Unschedulable); exitCode: a failed pod's first non-zero container exit code (why a
   * container ended, for status).
   */
  status: { phase?: string; ready: boolean; podIP?: string; unschedulable?: string; exitCode?: number };
}

export function trimPod(p: V1Pod): TrimmedPod & KubernetesObject {
  const labels = p.metadata?.labels ?? {};
  return {
    metadata: {
      name: p.metadata?.name,
      namespace: p.metadata?.namespace,
      uid: p.metadata?.uid,
      // The Job that owns it, if any: autodestroy removes a Job's ended pods.
      ...(p.metadata?.ownerReferences?.some((r) => r.kind === 'Job')
        ? { ownerReferences: p.metadata.ownerReferences.filter((r) => r.kind === 'Job') }
        : {}),
      labels: { [STACK_LABEL]: labels[STACK_LABEL] ?? '', [SERVICE_LABEL]: labels[SERVICE_LABEL] ?? '' },
      ...(p.metadata?.deletionTimestamp ? { deletionTimestamp: p.metadata.deletionTimestamp } : {}),
    },
    status: {
      ...(p.status?.phase ? { phase: p.status.phase } : {}),
      ready: p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
      ...(p.status?.podIP ? { podIP: p.status.podIP } : {}),
      ...unschedulable(p),
      ...(p.status?.phase === 'Failed' ? failedExitCode(p) : {}),
    },
  };
}

/** Why no node takes the pod, as the scheduler says it ("0/3 nodes are available: ..."). */
function unschedulable(p: V1Pod): { unschedulable?: string } {
  const c = p.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable');
  return c === undefined ? {} : { unschedulable: c.message ?? 'no node can take the pod' };
}

/** A failed pod's first non-zero container exit code. */
function failedExitCode(p: V1Pod): { exitCode?: number } {
  const code = p.status?.containerStatuses?.map((c) => c.state?.terminated?.exitCode).find((c) => c !== undefined && c !== 0);
  return code === undefined ? {} : { exitCode: code };
}

/** The key of the Stack an object belongs to, from its label: namespace/stack. */
export function stackKeyOf(o: KubernetesObject): string | undefined {
  const s = o.metadata?.labels?.[STACK_LABEL];
  return s ? `${o.metadata?.namespace ?? ''}/${s}` : undefined;
}

export interface Caches {
  stacks: Informer<Stack & KubernetesObject>;
  children: Record<ChildKind, Informer<KubernetesObject>>;
  pods: Informer<KubernetesObject>;
  all: Pick<Informer<KubernetesObject>, 'start' | 'stop' | 'waitForSync' | 'hasSynced' | 'size'>[];
}

export interface CacheOptions {
  kubeConfig: KubeConfig;
  logger: Logger;
  /** Watch one namespace only; all namespaces when absent. */
  namespace?: string;
  onWatchRestart?: (informer: string, reason: string) => void;
  /** More indexes of the Stacks, for other readers of the same cache (the façade's triggers). */
  stackIndexers?: Record<string, (s: Stack) => string | readonly string[] | undefined>;
}

export function createCaches(opts: CacheOptions): Caches {
  const { kubeConfig, logger, namespace } = opts;
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const clients = childClients(kubeConfig, namespace);
  const restart = (name: string) => (reason: string) => opts.onWatchRestart?.(name, reason);

  const stacks = new Informer<Stack & KubernetesObject>({
    name: 'stacks',
    kubeConfig,
    logger,
    path: collection(`/apis/${GROUP}/${VERSION}`, PLURAL, namespace),
    list: async (o) =>
      (await (namespace
        ? custom.listNamespacedCustomObject({ group: GROUP, version: VERSION, plural: PLURAL, namespace, ...o })
        : custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural: PLURAL, ...o }))) as {
        items: (Stack & KubernetesObject)[];
        metadata?: { resourceVersion?: string; continue?: string; _continue?: string };
      },
    transform: (s) => trimStack(s) as Stack & KubernetesObject,
    indexers: {
      uid: (s) => s.metadata?.uid,
      namespace: (s) => s.metadata?.namespace,
      // The stacks whose links name this one (`service.stack`): they reconcile when it changes.
      linksTo: (s) => linkedStackKeys(s),
      ...opts.stackIndexers,
    },
    onWatchRestart: restart('stacks'),
  });

  const children = {} as Record<ChildKind, Informer<KubernetesObject>>;
  for (const kind of CHILD_KINDS) {
    const c = clients[kind];
    children[kind] = new Informer<KubernetesObject>({
      name: kind,
      kubeConfig,
      logger,
      path: c.path,
      // kube-controller-manager copies a Service's labels onto the EndpointSlices it makes for
      // it: ours alone are the stack's DNS names.
      labelSelector:
        kind === 'EndpointSlice' ? `${MANAGED_BY_SELECTOR},${LABEL_SLICE_MANAGED_BY}=${SLICE_MANAGER}` : MANAGED_BY_SELECTOR,
      list: (o) => c.list(o),
      transform: trimChild,
      indexers: { stack: stackKeyOf },
      onWatchRestart: restart(kind),
    });
  }

  const pods = new Informer<KubernetesObject>({
    name: 'Pod',
    kubeConfig,
    logger,
    path: collection('/api/v1', 'pods', namespace),
    labelSelector: MANAGED_BY_SELECTOR,
    list: (o) =>
      (namespace ? core.listNamespacedPod({ namespace, ...o }) : core.listPodForAllNamespaces(o)) as Promise<{
        items: KubernetesObject[];
      }>,
    transform: (p) => trimPod(p as V1Pod),
    indexers: { stack: stackKeyOf },
    onWatchRestart: restart('Pod'),
  });

  return { stacks, children, pods, all: [stacks, ...Object.values(children), pods] };
}
