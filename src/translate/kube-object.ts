// The objects the translation produces: client-node types narrowed to what is always set, so
// the controller can apply and index them without checking for absent identity fields.
import type {
  V1DaemonSet,
  V1Deployment,
  V1EndpointSlice,
  V1Job,
  V1ObjectMeta,
  V1OwnerReference,
  V1PersistentVolumeClaim,
  V1Service,
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

export type KubeObject =
  | PersistentVolumeClaimObject
  | ServiceObject
  | EndpointSliceObject
  | DeploymentObject
  | DaemonSetObject
  | JobObject;
export type KubeKind = KubeObject['kind'];

/** The order objects come in: what pods need (claims, names) before the workloads that run them. */
export const KIND_ORDER: readonly KubeKind[] = [
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
