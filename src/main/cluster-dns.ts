// The cluster DNS server's address, which stack pods name as their nameserver (see
// src/translate/discovery.ts): LONGSHORE_CLUSTER_DNS when it is an address; with `auto`, the
// cluster IP of the kube-dns Service in kube-system, the name kubeadm, kind and most
// distributions give it (CoreDNS keeps the old name for compatibility); `none`, or nothing
// found, leaves pods on ClusterFirst, where a Service of the namespace named like a stack's
// service would shadow it (logged once at start).
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { statusOf } from '../runtime/api-error.ts';

export async function clusterDnsAddress(setting: string, kubeConfig: KubeConfig, logger: Logger): Promise<string | undefined> {
  if (setting === 'none') return undefined;
  if (setting !== 'auto') return setting;
  const core = kubeConfig.makeApiClient(CoreV1Api);
  try {
    const svc = await core.readNamespacedService({ namespace: 'kube-system', name: 'kube-dns' });
    const ip = svc.spec?.clusterIP;
    if (ip !== undefined && ip !== '' && ip !== 'None') {
      logger.info({ clusterDns: ip }, 'cluster DNS found: kube-system/kube-dns');
      return ip;
    }
  } catch (err) {
    const code = statusOf(err);
    if (code !== 404 && code !== 403) throw err;
  }
  logger.warn(
    'no cluster DNS address (no kube-system/kube-dns Service with a cluster IP): stack pods use ClusterFirst; set LONGSHORE_CLUSTER_DNS to the address kubelet gives pods',
  );
  return undefined;
}
