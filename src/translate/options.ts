// How the operator is configured to translate stacks: what the cluster offers (Service types,
// storage, DNS). What a stack's pods may do on their node (host paths, host namespaces,
// privileges) is not an option: it is the Pod Security level of the stack's namespace, in its
// surroundings (pod-security.ts).

/**
 * How published ports are reached from outside (LONGSHORE_PUBLISHED_SERVICE_TYPE): a NodePort
 * or LoadBalancer Service, or the node's own port (HostPort: a hostPort on the container, as
 * Docker Cloud published; the Service stays ClusterIP). One setting for the operator: it is a
 * property of the cluster (whether nodes are reachable, whether a balancer exists).
 */
export const PUBLISH_MODES = ['NodePort', 'LoadBalancer', 'HostPort'] as const;
export type PublishMode = (typeof PUBLISH_MODES)[number];

export interface TranslateOptions {
  /** How published ports are reached from outside (see PUBLISH_MODES). */
  publishMode: PublishMode;
  /**
   * The cluster's node port range (kube-apiserver --service-node-port-range). A published
   * port's outerPort becomes the nodePort only inside it; elsewhere the cluster picks one.
   * Default 30000-32767, Kubernetes' own default.
   */
  nodePortRange?: { min: number; max: number };
  /** The size requested for each volume (a Kubernetes quantity): Docker volumes have none. */
  volumeSize: string;
  /** The StorageClass of the volumes; absent means the cluster's default class. */
  storageClassName?: string;
  /** The cluster's DNS domain (kubelet --cluster-domain), `cluster.local` by default. */
  clusterDomain: string;
  /**
   * The cluster DNS server's address (kubelet --cluster-dns, the kube-dns Service's cluster IP).
   * Known, pods get dnsPolicy None with the stack's domain searched first; unknown, ClusterFirst
   * with the stack's domain appended (see discovery.ts).
   */
  clusterDnsIp?: string;
  /** Deployment.spec.progressDeadlineSeconds: when a rollout that makes no progress counts as failed. */
  progressDeadlineSeconds: number;
  /**
   * The façade's address as the stack's pods reach it (`http[s]://host[:port]`, no path): what
   * a service with the global role gets as DOCKERCLOUD_REST_HOST.
   */
  facadeUrl: string;
}

/** The in-cluster Service of manifests/: Service `longshore`, port 80, in `longshore-system`. */
export function inClusterFacadeUrl(namespace: string, clusterDomain: string): string {
  return `http://longshore.${namespace}.svc.${clusterDomain}`;
}

export const DEFAULT_NODE_PORT_RANGE = Object.freeze({ min: 30000, max: 32767 });

export const defaultTranslateOptions: TranslateOptions = Object.freeze({
  publishMode: 'NodePort',
  nodePortRange: DEFAULT_NODE_PORT_RANGE,
  volumeSize: '1Gi',
  clusterDomain: 'cluster.local',
  progressDeadlineSeconds: 600,
  facadeUrl: inClusterFacadeUrl('longshore-system', 'cluster.local'),
});
