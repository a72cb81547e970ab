// `npm start`: Longshore for a person at a terminal. With a cluster configured, exactly the
// production entry; with none, a local control plane first (built from Go modules on first
// use, its steps and elapsed time shown), the CRD, a ServiceAccount whose token works with the
// Docker Cloud clients, and lines to paste. Ctrl-C stops Longshore, then the local control
// plane if this process started it. Development tooling lives here, out of the image.
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { buildUi } from '../../ui/build.ts';
import { installCrd } from '../kube/crd-install.ts';
import { clusterDir, down, readState, up } from '../localcluster/cluster.ts';
import { isOurs } from '../localcluster/process.ts';
import { clusterConfigured, configAndLogger, runLongshore } from '../main/run.ts';
import { clientCredentials } from './credentials.ts';

// The dashboard's page, bundled afresh from ui/ (a second or so): the image carries it built.
await buildUi();

if (clusterConfigured()) {
  await import('../main/index.ts');
} else {
  await startOnLocalCluster();
}

async function startOnLocalCluster(): Promise<void> {
  const { config, logger } = await configAndLogger();
  logger.info('no cluster configured (KUBECONFIG, ~/.kube/config or in a Pod): using the local control plane');
  const kc = new KubeConfig();
  let stopClusterAtExit = false;
  let dns: string | undefined;
  try {
    // One already running (npm run cluster:up) is used and left running at exit.
    const before = await readState();
    const wasRunning = !!before && before.processes.length > 0 && before.processes.every(isOurs);
    const state = await up({ log: (line) => logger.info(line) });
    stopClusterAtExit = !wasRunning;
    dns = state.dns;
    kc.loadFromFile(state.kubeconfig);
    await installCrd(kc);
  } catch (err) {
    logger.fatal({ err: (err as Error).message }, 'could not start the local control plane');
    if (stopClusterAtExit) await down();
    process.exit(1);
  }
  await runLongshore(config, logger, kc, {
    onStarted: async (app) => {
      if (!app.facadeUrl) return;
      const token = await clientCredentials(kc, config.LONGSHORE_DEFAULT_NAMESPACE);
      process.stdout.write(
        `\nLongshore is running on a local control plane.\n` +
          `Docker Cloud's Stack API: ${app.facadeUrl}/api/app/v1/${config.LONGSHORE_DEFAULT_NAMESPACE}/stack/\n` +
          `Dashboard: ${app.dashboardUrl} (sign in with the token below)\n` +
          `Use the Docker Cloud clients with:\n\n` +
          `export DOCKERCLOUD_REST_HOST=${app.facadeUrl}\n` +
          `export DOCKERCLOUD_AUTH='Bearer ${token}'\n` +
          `export DOCKERCLOUD_NAMESPACE=${config.LONGSHORE_DEFAULT_NAMESPACE}\n\n` +
          `For kubectl: export KUBECONFIG=${join(clusterDir(), 'kubeconfig')}\n` +
          (dns ? `Cluster DNS (CoreDNS, as a pod resolves): ${dns}\n` : '') +
          `Probes and metrics: ${app.opsUrl}/readyz, ${app.opsUrl}/metrics\n` +
          (stopClusterAtExit
            ? `Ctrl-C stops Longshore and the local control plane.\n\n`
            : `Ctrl-C stops Longshore (the local control plane was already running and stays up).\n\n`),
      );
    },
    onStopped: async () => {
      if (stopClusterAtExit) await down();
    },
  });
}
