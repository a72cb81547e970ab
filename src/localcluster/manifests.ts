// What the local control plane writes into itself and for its users: the admin kubeconfig,
// the kwok Nodes, the default StorageClass and the kube-dns Service.
import type { Pki } from './pki.ts';
import { readCache } from './probe.ts';

export function kubeconfigYaml(server: string, pki: Pki): string {
  const b64 = (p: string) => Buffer.from(readCache(p)).toString('base64');
  return `apiVersion: v1
kind: Config
clusters:
- name: longshore-local
  cluster:
    server: ${server}
    certificate-authority-data: ${b64(pki.caCert)}
users:
- name: longshore-admin
  user:
    client-certificate-data: ${b64(pki.adminCert)}
    client-key-data: ${b64(pki.adminKey)}
contexts:
- name: longshore-local
  context:
    cluster: longshore-local
    user: longshore-admin
    namespace: default
current-context: longshore-local
`;
}

// Capacity large enough for the benchmarks (thousands of pods on simulated nodes).
export const NODE_COUNT = 2;
export function nodeManifest(i: number): string {
  return `apiVersion: v1
kind: Node
metadata:
  name: kwok-node-${i}
  annotations:
    kwok.x-k8s.io/node: fake
  labels:
    kubernetes.io/hostname: kwok-node-${i}
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    type: kwok
status:
  allocatable: {cpu: "1000", memory: 512Gi, pods: "20000"}
  capacity: {cpu: "1000", memory: 512Gi, pods: "20000"}
`;
}

// Nothing provisions volumes in a cluster without a storage driver; kube-controller-manager's
// host-path provisioner (test use only, as upstream's local-up-cluster.sh does) binds PVCs.
export const storageClass = `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: standard
  annotations:
    storageclass.kubernetes.io/is-default-class: "true"
provisioner: kubernetes.io/host-path
reclaimPolicy: Delete
volumeBindingMode: Immediate
`;

// The cluster DNS Service as kubeadm and kind name it, so that what looks for the cluster DNS
// address (Longshore's LONGSHORE_CLUSTER_DNS=auto) finds one, as on a real cluster. No selector:
// CoreDNS runs here as a process on 127.0.0.1, not as pods, and no pod resolves anything (kwok).
export const kubeDnsService = `apiVersion: v1
kind: Service
metadata:
  name: kube-dns
  namespace: kube-system
  labels:
    k8s-app: kube-dns
spec:
  ports:
  - {name: dns, port: 53, protocol: UDP}
  - {name: dns-tcp, port: 53, protocol: TCP}
`;
