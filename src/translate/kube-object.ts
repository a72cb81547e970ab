// The objects the translation produces: client-node types narrowed to what is always set, so
// the controller can apply and index them without checking for absent identity fields.
import type {
  KubernetesObject,
  V1DaemonSet,
  V1Deployment,
  V1EndpointSlice,
  V1Job,
  V1ObjectMeta,
  V1OwnerReference,
  V1PersistentVolumeClaim,
  V1Role,
  V1RoleBinding,
  V1Secret,
  V1Service,
  V1ServiceAccount,
} from '@kubernetes/client-node';

export interface ChildMetadata extends V1ObjectMeta {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  ownerReferences: V1OwnerReference[];
}

type Child<T, A extends string, K extends string> = Omit<T, 'apiVersion' | 'kind' | 'metadata'> & {
  apiVersion: A;
  kind: K;
  metadata: ChildMetadata;
};

export type DeploymentObject = Child<V1Deployment, 'apps/v1', 'Deployment'>;
export type DaemonSetObject = Child<V1DaemonSet, 'apps/v1', 'DaemonSet'>;
export type ServiceObject = Child<V1Service, 'v1', 'Service'>;
export type PersistentVolumeClaimObject = Child<V1PersistentVolumeClaim, 'v1', 'PersistentVolumeClaim'>;
export type JobObject = Child<V1Job, 'batch/v1', 'Job'>;
export type EndpointSliceObject = Child<V1EndpointSlice, 'discovery.k8s.io/v1', 'EndpointSlice'>;
export type ServiceAccountObject = Child<V1ServiceAccount, 'v1', 'ServiceAccount'>;
export type RoleObject = Child<V1Role, 'rbac.authorization.k8s.io/v1', 'Role'>;
export type RoleBindingObject = Child<V1RoleBinding, 'rbac.authorization.k8s.io/v1', 'RoleBinding'>;
/** Not applied like the others: created once and never read (see api-access.ts). */
export type SecretObject = Child<V1Secret, 'v1', 'Secret'>;

export type KubeObject =
  | ServiceAccountObject
  | RoleObject
  | RoleBindingObject
  | PersistentVolumeClaimObject
  | ServiceObject
  | EndpointSliceObject
  | DeploymentObject
  | DaemonSetObject
  | JobObject;
export type KubeKind = KubeObject['kind'];

/**
 * The order objects come in: what pods need (their ServiceAccount and its rights, claims,
 * names) before the workloads that run them.
 */
export const KIND_ORDER: readonly KubeKind[] = [
  'ServiceAccount',
  'Role',
  'RoleBinding',
  'PersistentVolumeClaim',
  'Service',
  'EndpointSlice',
  'Deployment',
  'DaemonSet',
  'Job',
];

export function compareObjects(a: KubeObject, b: KubeObject): number {
  const byKind = KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind);
  if (byKind !== 0) return byKind;
  return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
}

/** Whether `obj` is controlled by the owner of this uid (its controller owner reference). */
export function controlledBy(obj: KubernetesObject | undefined, ownerUid: string | undefined): boolean {
  return ownerUid !== undefined && (obj?.metadata?.ownerReferences?.some((r) => r.controller && r.uid === ownerUid) ?? false);
}
