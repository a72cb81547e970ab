// The process around Longshore, shared by the production entry (main/index.ts) and
// `npm start` (dev/start.ts): install the CRD when run by hand against a cluster that lacks
// it, start, and on SIGTERM or Ctrl-C stop taking work, finish what is in flight, release the
// Lease and exit 0.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { installCrd } from '../kube/crd-install.ts';
import { GROUP, PLURAL, VERSION } from '../model/stack.ts';
import { type Longshore, startLongshore } from './app.ts';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { createLogger } from './logger.ts';

/** True when a cluster is configured: KUBECONFIG, ~/.kube/config, or running in a Pod. */
export function clusterConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  return !!env['KUBERNETES_SERVICE_HOST'] || !!env['KUBECONFIG'] || existsSync(join(homedir(), '.kube', 'config'));
}

/** The configuration and the logger; a bad setting exits 2, naming the variable and the rule. */
export async function configAndLogger(): Promise<{ config: Config; logger: Logger }> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    process.stderr.write(`${err instanceof ConfigError ? err.message : String(err)}\n`);
    process.exit(2);
  }
  return { config, logger: await createLogger(config) };
}

export interface RunHooks {
  /** After Longshore has started (e.g. print how to use it). */
  onStarted?: (app: Longshore) => Promise<void>;
  /** After Longshore has stopped, before the process exits (e.g. stop a local cluster). */
  onStopped?: () => Promise<void>;
}

/** Runs Longshore until a signal stops it; exits the process (1 when it cannot start). */
export async function runLongshore(config: Config, logger: Logger, kc: KubeConfig, hooks: RunHooks = {}): Promise<void> {
  // Run by hand against a cluster (kind, say): install the CRD if it is missing, as a
  // convenience. In a Pod the manifests install it, and the ServiceAccount may not touch CRDs.
  if (!process.env['KUBERNETES_SERVICE_HOST'] && !(await stacksServed(kc))) {
    await installCrd(kc).catch((err: Error) =>
      logger.warn(
        { err: err.message },
        'could not install the Stack CRD; install it with: kubectl apply --server-side -f crds/stacks.longshore.io.yaml',
      ),
    );
  }
  let app: Longshore;
  try {
    app = await startLongshore({
      config,
      kubeConfig: kc,
      logger,
      onLostLeadership: () => {
        logger.fatal('leadership lost; exiting so that a fresh process takes over');
        process.exit(1);
      },
    });
  } catch (err) {
    logger.fatal({ err: (err as Error).message }, 'could not start');
    await hooks.onStopped?.();
    process.exit(1);
  }
  logger.info({ facade: app.facadeUrl, dashboard: app.dashboardUrl, ops: app.opsUrl }, 'longshore started');
  await hooks.onStarted?.(app);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    await app.stop();
    await hooks.onStopped?.();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

/** Whether the API server serves Stacks (404 when the CRD is not installed). */
async function stacksServed(kc: KubeConfig): Promise<boolean> {
  try {
    await kc
      .makeApiClient(CustomObjectsApi)
      .listClusterCustomObject({ group: GROUP, version: VERSION, plural: PLURAL, limit: 1 });
    return true;
  } catch (err) {
    return (err as { code?: number }).code !== 404;
  }
}
