// `npm start`: run the controller and the façade against the kubeconfig's cluster, or, with
// no cluster configured, against a local control plane started for the purpose. SIGTERM or
// Ctrl-C: stop taking work, finish what is in flight, release the Lease, exit 0.

import { join } from 'node:path';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import { installCrd } from '../kube/crd-install.ts';
import { clusterDir, down, readState, up } from '../localcluster/cluster.ts';
import { isOurs } from '../localcluster/process.ts';
import { GROUP, PLURAL, VERSION } from '../model/stack.ts';
import { startLongshore } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { clientCredentials, clusterConfigured } from './local-dev.ts';

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (err) {
  process.stderr.write(`${err instanceof ConfigError ? err.message : String(err)}\n`);
  process.exit(2);
}
const logger = pino({ level: config.LONGSHORE_LOG_LEVEL, base: { component: 'longshore' } });

const kc = new KubeConfig();
let localCluster = false;
let stopClusterAtExit = false;
let clusterDns: string | undefined;
try {
  if (clusterConfigured()) {
    kc.loadFromDefault();
    // Run by hand against a cluster (kind, say): install the CRD if it is missing, as a
    // convenience. In a Pod the manifests install it, and the ServiceAccount may not touch CRDs.
    if (!process.env['KUBERNETES_SERVICE_HOST'] && !(await stacksServed(kc))) {
      await installCrd(kc).catch((err: Error) =>
        logger.warn(
          { err: err.message },
          'could not install the Stack CRD; install it with: kubectl apply --server-side -f crds/',
        ),
      );
    }
  } else {
    logger.info('no cluster configured (KUBECONFIG, ~/.kube/config or in-cluster): using the local control plane');
    // One already running (npm run cluster:up) is used and left running at exit.
    const before = await readState();
    const wasRunning = !!before && before.processes.length > 0 && before.processes.every(isOurs);
    const state = await up({ log: (line) => logger.info(line) });
    localCluster = true;
    stopClusterAtExit = !wasRunning;
    clusterDns = state.dns;
    kc.loadFromFile(state.kubeconfig);
    await installCrd(kc);
  }
} catch (err) {
  logger.fatal({ err: (err as Error).message }, 'could not reach a cluster');
  process.exit(1);
}

const app = await startLongshore({
  config,
  kubeConfig: kc,
  logger,
  onLostLeadership: () => {
    logger.fatal('leadership lost; exiting so that a fresh process takes over');
    process.exit(1);
  },
}).catch((err: Error) => {
  logger.fatal({ err: err.message }, 'could not start');
  process.exit(1);
});

logger.info({ facade: app.facadeUrl, ops: app.opsUrl }, 'longshore started');
if (localCluster && app.facadeUrl) {
  const token = await clientCredentials(kc, config.LONGSHORE_DEFAULT_NAMESPACE);
  process.stdout.write(
    `\nLongshore is running on a local control plane.\n` +
      `Use the Docker Cloud clients with:\n\n` +
      `export DOCKERCLOUD_REST_HOST=${app.facadeUrl}\n` +
      `export DOCKERCLOUD_AUTH='Bearer ${token}'\n` +
      `export DOCKERCLOUD_NAMESPACE=${config.LONGSHORE_DEFAULT_NAMESPACE}\n\n` +
      `For kubectl: export KUBECONFIG=${join(clusterDir(), 'kubeconfig')}\n` +
      (clusterDns ? `Cluster DNS (CoreDNS, as a pod resolves): ${clusterDns}\n` : '') +
      (stopClusterAtExit
        ? `Ctrl-C stops Longshore and the local control plane.\n\n`
        : `Ctrl-C stops Longshore (the local control plane was already running and stays up).\n\n`),
  );
}

/** Whether the API server serves Stacks (404 when the CRD is not installed). */
async function stacksServed(config: KubeConfig): Promise<boolean> {
  try {
    await config
      .makeApiClient(CustomObjectsApi)
      .listClusterCustomObject({ group: GROUP, version: VERSION, plural: PLURAL, limit: 1 });
    return true;
  } catch (err) {
    return (err as { code?: number }).code !== 404;
  }
}

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping');
  await app.stop();
  if (stopClusterAtExit) await down();
  logger.info('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
