// Process wiring: one set of informer caches shared by the controller and the façade, the
// controller's workers started only while this process holds the leader Lease, the façade
// and the ops endpoints (/healthz, /readyz, /metrics) served always, and an orderly stop.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { createCaches } from '../controller/caches.ts';
import { Controller } from '../controller/controller.ts';
import { eventRecorder } from '../controller/events.ts';
import { statusWriter } from '../controller/status-writer.ts';
import { serviceReader } from '../controller/surroundings.ts';
import { cachedAuthenticator } from '../facade/cached-authenticator.ts';
import { informerStackReader } from '../facade/informer-reader.ts';
import { KubeAuthenticator } from '../facade/kube-authenticator.ts';
import { KubeStackWriter } from '../facade/kube-writer.ts';
import { createFacade } from '../facade/server.ts';
import { childClients } from '../kube/children.ts';
import { withConnectionReuse } from '../kube/connection-reuse.ts';
import { LeaderElector } from '../kube/leader-election.ts';
import { GROUP, PLURAL, VERSION } from '../model/stack.ts';
import { desiredObjects, plainServiceOf, refusedByConfiguration, type TranslateOptions } from '../translate/index.ts';
import { clusterDnsAddress } from './cluster-dns.ts';
import type { Config } from './config.ts';
import { createMetrics, type Metrics } from './metrics.ts';

export interface Longshore {
  /** The façade's base URL, e.g. http://127.0.0.1:8080 (when the façade runs). */
  facadeUrl: string | undefined;
  opsUrl: string;
  isLeader: () => boolean;
  controller: Controller;
  metrics: Metrics;
  /** Stops taking work, finishes what is in flight, releases the Lease, closes servers. */
  stop: () => Promise<void>;
}

export interface StartOptions {
  config: Config;
  kubeConfig: KubeConfig;
  logger: Logger;
  /** Identity in the Lease; defaults to hostname and pid. */
  identity?: string;
  /** Called when leadership is lost (main exits so that a fresh process starts). */
  onLostLeadership?: () => void;
}

function listen(server: Server, port: number, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const a = server.address() as AddressInfo;
      resolve(`http://${a.address.includes(':') ? `[${a.address}]` : a.address}:${a.port}`);
    });
  });
}

function leaseNamespace(config: Config): string {
  return config.LONGSHORE_LEASE_NAMESPACE ?? process.env['POD_NAMESPACE'] ?? config.LONGSHORE_DEFAULT_NAMESPACE;
}

export async function startLongshore(opts: StartOptions): Promise<Longshore> {
  const { config, logger } = opts;
  const kubeConfig = withConnectionReuse(opts.kubeConfig);
  const metrics = createMetrics();
  const watchNamespace = config.LONGSHORE_WATCH_NAMESPACE;
  const caches = createCaches({
    kubeConfig,
    logger,
    onWatchRestart: metrics.watchRestart,
    ...(watchNamespace ? { namespace: watchNamespace } : {}),
  });
  metrics.setStackSource(() => caches.stacks.list());
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const translateOptions: TranslateOptions = {
    publishedServiceType: config.LONGSHORE_PUBLISHED_SERVICE_TYPE,
    allowHostPath: config.LONGSHORE_ALLOW_HOST_PATH,
    allowHostNetwork: config.LONGSHORE_ALLOW_HOST_NETWORK,
    volumeSize: config.LONGSHORE_VOLUME_SIZE,
    ...(config.LONGSHORE_STORAGE_CLASS ? { storageClassName: config.LONGSHORE_STORAGE_CLASS } : {}),
    progressDeadlineSeconds: config.LONGSHORE_PROGRESS_DEADLINE_SECONDS,
    clusterDomain: config.LONGSHORE_CLUSTER_DOMAIN,
  };
  const readService = serviceReader(kubeConfig);
  const clusterDns = await clusterDnsAddress(config.LONGSHORE_CLUSTER_DNS, kubeConfig, logger);
  if (clusterDns !== undefined) translateOptions.clusterDnsIp = clusterDns;
  const controller = new Controller(
    caches,
    {
      caches,
      clients: childClients(kubeConfig, watchNamespace),
      translate: (stack, surroundings) => desiredObjects(stack, translateOptions, surroundings),
      readService,
      writeStatus: statusWriter(kubeConfig),
      record: eventRecorder(kubeConfig, logger),
      logger,
      now: () => new Date(),
      terminatedRetentionMs: config.LONGSHORE_TERMINATED_RETENTION_SECONDS * 1000,
      deleteStack: async (namespace, name, uid) => {
        await custom.deleteNamespacedCustomObject({
          group: GROUP,
          version: VERSION,
          plural: PLURAL,
          namespace,
          name,
          body: { preconditions: { uid } },
        });
      },
      rules: { progressDeadlineSeconds: config.LONGSHORE_PROGRESS_DEADLINE_SECONDS },
      appliedGenerations: new Map(),
      statusVersions: new Map(),
      onWrite: metrics.apiWrite,
    },
    { workers: config.LONGSHORE_WORKERS, logger, metrics: metrics.controller },
  );

  // Both the leader and the standbys keep the caches: the façade reads from them.
  const syncing = controller.startCaches();
  let synced = false;
  void syncing.then(() => {
    synced = true;
    logger.info({ stacks: caches.stacks.size }, 'caches synced');
  });

  const servers: Server[] = [];
  let facadeUrl: string | undefined;
  if (config.LONGSHORE_FACADE) {
    const reader = informerStackReader(caches.stacks);
    const app = createFacade({
      reader,
      writer: new KubeStackWriter(kubeConfig),
      authenticator: cachedAuthenticator(new KubeAuthenticator(kubeConfig), {
        ttlMs: config.LONGSHORE_AUTH_CACHE_SECONDS * 1000,
      }),
      logger,
      config: { defaultNamespace: config.LONGSHORE_DEFAULT_NAMESPACE, bodyLimitBytes: config.LONGSHORE_BODY_LIMIT_BYTES },
      onRequest: (route, status, seconds, method) => metrics.facadeRequest(route, method, status, seconds),
      policy: (spec) => refusedByConfiguration(spec, translateOptions),
      lookupService: async (namespace, name) => {
        const found = await readService(namespace, name);
        return found === undefined ? undefined : plainServiceOf(found);
      },
    });
    const server = createServer(app.callback());
    servers.push(server);
    facadeUrl = await listen(server, config.LONGSHORE_PORT, config.LONGSHORE_LISTEN_ADDRESS);
  }

  let stopping = false;
  const ops = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz' || path === '/livez') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    } else if (path === '/readyz') {
      const ready = synced && !stopping;
      res
        .writeHead(ready ? 200 : 503, { 'content-type': 'text/plain' })
        .end(ready ? 'ok\n' : stopping ? 'stopping\n' : 'caches not synced\n');
    } else if (path === '/metrics') {
      metrics.registry.metrics().then(
        (body) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(body),
        (err: Error) => res.writeHead(500).end(err.message),
      );
    } else {
      res.writeHead(404).end();
    }
  });
  servers.push(ops);
  const opsUrl = await listen(ops, config.LONGSHORE_OPS_PORT, config.LONGSHORE_LISTEN_ADDRESS);

  let elector: LeaderElector | undefined;
  let leading = false;
  const lead = () => {
    leading = true;
    void syncing.then(() => (stopping ? undefined : controller.run()));
  };
  if (config.LONGSHORE_CONTROLLER) {
    if (config.LONGSHORE_LEADER_ELECTION) {
      elector = new LeaderElector({
        kubeConfig,
        namespace: leaseNamespace(config),
        name: config.LONGSHORE_LEASE_NAME,
        identity: opts.identity ?? `${hostname()}_${process.pid}`,
        logger,
        onStartedLeading: lead,
        onStoppedLeading: () => {
          leading = false;
          void controller.stop().then(() => opts.onLostLeadership?.());
        },
      });
      elector.start();
    } else {
      lead();
    }
  }

  return {
    facadeUrl,
    opsUrl,
    isLeader: () => leading,
    controller,
    metrics,
    async stop() {
      stopping = true;
      await controller.stop(config.LONGSHORE_SHUTDOWN_TIMEOUT_SECONDS * 1000);
      await elector?.stop();
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve());
              s.closeAllConnections();
            }),
        ),
      );
    },
  };
}
