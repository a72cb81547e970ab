// Longshore's production entry point (the image runs it): the controller and the façade
// against the configured cluster (in a Pod, its ServiceAccount; else KUBECONFIG or
// ~/.kube/config). It contains no development tooling: `npm start` (dev/start.ts) brings up a
// local control plane when no cluster is configured, then runs the same code.
import { KubeConfig } from '@kubernetes/client-node';
import { ConfigError, loadConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { clusterConfigured, runLongshore } from './run.ts';

await main();

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    process.stderr.write(`${err instanceof ConfigError ? err.message : String(err)}\n`);
    process.exit(2);
  }
  const logger = await createLogger(config);
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
