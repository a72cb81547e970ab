// What every integration test file needs: a client for the cluster the global setup chose,
// and a namespace of its own that is deleted when the file ends.
import { randomBytes } from 'node:crypto';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { inject } from 'vitest';
import { atEnd } from './cleanup.ts';

export function kubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(inject('kubeconfig'));
  return kc;
}

/** The test cluster as whoever holds `token` sees it (a ServiceAccount's, say). */
export function kubeConfigWithToken(token: string, kc: KubeConfig = kubeConfig()): KubeConfig {
  const cluster = kc.getCurrentCluster()!;
  const out = new KubeConfig();
  out.loadFromOptions({
    clusters: [cluster],
    users: [{ name: 'token', token }],
    contexts: [{ name: 'token', cluster: cluster.name, user: 'token' }],
    currentContext: 'token',
  });
  return out;
}

export function kubeconfigPath(): string {
  return inject('kubeconfig');
}

/**
 * Creates `lst-<prefix>-<random>` and deletes it (and all in it) after the file's tests.
 */
export async function createTestNamespace(
  prefix: string,
  kc = kubeConfig(),
  /** More labels, as a cluster administrator would set them (pod-security.kubernetes.io/enforce). */
  labels: Record<string, string> = {},
): Promise<string> {
  const name = `lst-${prefix}-${randomBytes(3).toString('hex')}`.slice(0, 63);
  const core = kc.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name, labels: { ...labels, 'longshore.io/test': 'true' } } } });
  atEnd(() => core.deleteNamespace({ name }).catch(() => {}));
  return name;
}
