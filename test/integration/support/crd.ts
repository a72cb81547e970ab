// The suite installs the CRD exactly as `npm start` and the manifests do.
import { KubeConfig } from '@kubernetes/client-node';
import { installCrd as install } from '../../../src/kube/crd-install.ts';

export async function installCrd(kubeconfigPath: string): Promise<void> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  await install(kc);
}
