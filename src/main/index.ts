// Longshore's production entry point (the image runs it): the controller and the façade
// against the configured cluster (in a Pod, its ServiceAccount; else KUBECONFIG or
// ~/.kube/config). It contains no development tooling: `npm start` (dev/start.ts) brings up a
// local control plane when no cluster is configured, then runs the same code.
import { KubeConfig } from '@kubernetes/client-node';
import { clusterConfigured, configAndLogger, runLongshore } from './run.ts';

await main();

async function main(): Promise<void> {
  const { config, logger } = await configAndLogger();
  if (!clusterConfigured()) {
    logger.fatal(
      'no cluster configured (KUBECONFIG, ~/.kube/config or in a Pod); to run Longshore on a local control plane, use npm start',
    );
    process.exit(2);
  }
  const kc = new KubeConfig();
  kc.loadFromDefault();
  await runLongshore(config, logger, kc);
}
