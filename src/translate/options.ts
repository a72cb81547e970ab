// How the operator is configured to translate stacks: what the cluster offers (Service types,
// storage) and what the operator's administrator allows (host paths, host namespaces).

export const PUBLISHED_SERVICE_TYPES = ['NodePort', 'LoadBalancer'] as const;
export type PublishedServiceType = (typeof PUBLISHED_SERVICE_TYPES)[number];

export interface TranslateOptions {
  /** The Service type a service with published ports gets. */
  publishedServiceType: PublishedServiceType;
  /**
   * The cluster's node port range (kube-apiserver --service-node-port-range). A published
   * port's outerPort becomes the nodePort only inside it; elsewhere the cluster picks one.
   * Default 30000-32767, Kubernetes' own default.
   */
  nodePortRange?: { min: number; max: number };
  /** Whether bindings may mount host paths (LONGSHORE_ALLOW_HOST_PATH). */
  allowHostPath: boolean;
  /** Whether `net: host` and `pid: host` are honoured (LONGSHORE_ALLOW_HOST_NETWORK). */
  allowHostNetwork: boolean;
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
}

/** Safe defaults: nothing on the host is reachable unless the administrator says so. */
export const DEFAULT_NODE_PORT_RANGE = Object.freeze({ min: 30000, max: 32767 });

export const defaultTranslateOptions: TranslateOptions = Object.freeze({
  publishedServiceType: 'NodePort',
  nodePortRange: DEFAULT_NODE_PORT_RANGE,
  allowHostPath: false,
  allowHostNetwork: false,
  volumeSize: '1Gi',
  clusterDomain: 'cluster.local',
  progressDeadlineSeconds: 600,
});
