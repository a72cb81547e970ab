// Process wiring: one set of informer caches shared by the controller and the façade, the
// controller's workers started only while this process holds the leader Lease, the façade
// and the ops endpoints (/healthz, /readyz, /metrics) served always, and an orderly stop.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { createCaches } from '../controller/caches.ts';
import { createStackController } from '../controller/controller.ts';
import { eventRecorder } from '../controller/events.ts';
import { NamespaceLevels } from '../controller/namespace-levels.ts';
import { SchedulableNodes } from '../controller/schedulable-nodes.ts';
import { statusWriter } from '../controller/status-writer.ts';
import { nodePortReader, serviceReader } from '../controller/surroundings.ts';
import { cachedAuthenticator } from '../facade/cached-authenticator.ts';
import { builtAssetsDir } from '../facade/dashboard/assets.ts';
import { changeFeed } from '../facade/dashboard/deps.ts';
import { createFacadeServer } from '../facade/http-server.ts';
import { informerStackReader } from '../facade/informer-reader.ts';
import { KubeAuthenticator } from '../facade/kube-authenticator.ts';
import { kubeEventReader } from '../facade/kube-events.ts';
import { KubeStackWriter } from '../facade/kube-writer.ts';
import { createFacade } from '../facade/server.ts';
import { TRIGGER_INDEX, triggerIndex } from '../facade/triggers.ts';
import { childClients, podDeleter, secretCreator } from '../kube/children.ts';
import { workloadKind } from '../model/defaults.ts';
import { GROUP, PLURAL, type StackSpec, VERSION } from '../model/stack.ts';
import { withConnectionReuse } from '../runtime/connection-reuse.ts';
import { type Controller, whenAborted } from '../runtime/controller.ts';
import { keyOf } from '../runtime/informer.ts';
import { LeaderElector } from '../runtime/leader-election.ts';
import {
  desiredObjects,
  inClusterFacadeUrl,
  nodePortConflicts,
  plainServiceOf,
  refusedByConfiguration,
  requestedNodePorts,
  type TranslateOptions,
} from '../translate/index.ts';
import { clusterDnsAddress } from './cluster-dns.ts';
import type { Config } from './config.ts';
import { idleCollector, memoryReducingGc } from './idle-gc.ts';
import { imagePoller, imageResolver } from './images.ts';
import { createMetrics, type Metrics } from './metrics.ts';

export interface Longshore {
  /** The façade's base URL, e.g. http://127.0.0.1:8080 (when the façade runs). */
  facadeUrl: string | undefined;
  /** The web dashboard's address, the façade's /ui/ (when the façade runs). */
  dashboardUrl: string | undefined;
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

/**
 * Where a stack's pods reach the façade: LONGSHORE_FACADE_URL, else the Service `longshore` of
 * manifests/ in Longshore's own namespace (POD_NAMESPACE, as the manifests set it).
 */
function facadeUrlForPods(config: Config): string {
  return (
    config.LONGSHORE_FACADE_URL ??
    inClusterFacadeUrl(process.env['POD_NAMESPACE'] ?? 'longshore-system', config.LONGSHORE_CLUSTER_DOMAIN)
  );
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
    // A trigger's call finds its stack by the trigger's uuid (the façade's routes/triggers.ts).
    stackIndexers: { [TRIGGER_INDEX]: triggerIndex },
  });
  // The garbage of a burst of work, collected once the process is quiet (idle-gc.ts).
  const idleGc = idleCollector({
    gc: memoryReducingGc(),
    onCollected: (work) => logger.debug({ work, rss: process.memoryUsage.rss() }, 'collected the garbage of a burst'),
  });
  metrics.setStackSource(() => caches.stacks.list());
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const translateOptions: TranslateOptions = {
    publishMode: config.LONGSHORE_PUBLISHED_SERVICE_TYPE,
    volumeSize: config.LONGSHORE_VOLUME_SIZE,
    ...(config.LONGSHORE_STORAGE_CLASS ? { storageClassName: config.LONGSHORE_STORAGE_CLASS } : {}),
    progressDeadlineSeconds: config.LONGSHORE_PROGRESS_DEADLINE_SECONDS,
    clusterDomain: config.LONGSHORE_CLUSTER_DOMAIN,
    facadeUrl: facadeUrlForPods(config),
  };
  const readService = serviceReader(kubeConfig);
  // How many nodes an EVERY_NODE service that runs once runs on (translate/workload.ts).
  const nodes = new SchedulableNodes({ kubeConfig, logger, onWatchRestart: metrics.watchRestart });
  // Each namespace's Pod Security level, for the translation and the façade alike.
  const namespaceLevels = new NamespaceLevels({
    kubeConfig,
    logger,
    defaultLevel: config.LONGSHORE_POD_SECURITY_DEFAULT,
    onWatchRestart: metrics.watchRestart,
    ...(watchNamespace ? { namespace: watchNamespace } : {}),
  });
  const images = await imageResolver(config, metrics, kubeConfig, logger);
  const clusterDns = await clusterDnsAddress(config.LONGSHORE_CLUSTER_DNS, kubeConfig, logger);
  if (clusterDns !== undefined) translateOptions.clusterDnsIp = clusterDns;
  const controller = createStackController(
    caches,
    {
      caches,
      clients: childClients(kubeConfig, watchNamespace),
      deletePod: podDeleter(kubeConfig),
      translate: (stack, surroundings) =>
        desiredObjects(stack, translateOptions, {
          ...surroundings,
          podSecurityLevel: namespaceLevels.levelOf(stack.metadata.namespace),
          schedulableNodes: nodes.count(),
        }),
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
      rules: { progressDeadlineSeconds: config.LONGSHORE_PROGRESS_DEADLINE_SECONDS, publishing: translateOptions },
      createSecret: secretCreator(kubeConfig),
      onWrite: metrics.apiWrite,
      ...(images !== undefined && { images }),
    },
    {
      workers: config.LONGSHORE_WORKERS,
      logger,
      drainTimeoutMs: config.LONGSHORE_SHUTDOWN_TIMEOUT_SECONDS * 1000,
      metrics: {
        ...metrics.controller,
        reconciled: (seconds, outcome) => {
          metrics.controller.reconciled(seconds, outcome);
          idleGc.worked();
        },
      },
    },
  );

  // A namespace's level changed (an administrator labelled it): its stacks translate anew.
  namespaceLevels.onChange((namespace) => {
    for (const s of caches.stacks.byIndex('namespace', namespace)) controller.queue.add(keyOf(s));
  });

  // The schedulable nodes changed: the stacks with a container per node that runs once run anew.
  nodes.onChange(() => {
    for (const s of caches.stacks.list())
      if (s.spec.services.some((svc) => svc.deploymentStrategy === 'EVERY_NODE' && workloadKind(svc) === 'Job'))
        controller.queue.add(keyOf(s));
  });

  // Autoredeploy by polling, while this process leads: a moved tag wakes the stacks following it.
  const poller = imagePoller(
    config,
    images,
    () => [...caches.stacks.list()],
    (stacks) => {
      for (const s of stacks) controller.queue.add(keyOf(s));
    },
    logger,
  );

  // Both the leader and the standbys keep the caches: the façade reads from them.
  const syncing = Promise.all([controller.startCaches(), namespaceLevels.start(), nodes.start()]).then(() => undefined);
  let synced = false;
  void syncing.then(() => {
    synced = true;
    logger.info({ stacks: caches.stacks.size }, 'caches synced');
  });

  const servers: Server[] = [];
  let facadeUrl: string | undefined;
  if (config.LONGSHORE_FACADE) {
    const reader = informerStackReader(caches.stacks);
    const readNodePorts = nodePortReader(kubeConfig);
    const app = createFacade({
      reader,
      writer: new KubeStackWriter(kubeConfig),
      authenticator: cachedAuthenticator(new KubeAuthenticator(kubeConfig), {
        ttlMs: config.LONGSHORE_AUTH_CACHE_SECONDS * 1000,
      }),
      logger,
      ...(config.LONGSHORE_WEBHOOK_TOKEN !== undefined && { webhookToken: config.LONGSHORE_WEBHOOK_TOKEN }),
      config: {
        defaultNamespace: config.LONGSHORE_DEFAULT_NAMESPACE,
        bodyLimitBytes: config.LONGSHORE_BODY_LIMIT_BYTES,
        triggerCallsPerMinute: config.LONGSHORE_TRIGGER_CALLS_PER_MINUTE,
        triggerCallsPerMinuteTotal: config.LONGSHORE_TRIGGER_CALLS_PER_MINUTE_TOTAL,
      },
      onRequest: (route, status, seconds, method) => {
        metrics.facadeRequest(route, method, status, seconds);
        idleGc.worked();
      },
      policy: async (spec: StackSpec, stack) => {
        const refused = refusedByConfiguration(spec, translateOptions, {
          ...stack,
          podSecurityLevel: namespaceLevels.levelOf(stack.namespace),
        });
        if (refused.length > 0 || requestedNodePorts(spec, translateOptions).length === 0) return refused;
        // Not known (no right to list Services cluster-wide, or the read failed): the API
        // server refuses a port taken when the Service is applied, and status says so.
        const holders = await readNodePorts().catch((err: unknown) => {
          logger.warn({ err: String((err as Error)?.message ?? err) }, 'could not list Services to check node ports');
          return undefined;
        });
        return holders === undefined ? [] : nodePortConflicts(spec, translateOptions, stack, holders);
      },
      lookupService: async (namespace, name) => {
        const found = await readService(namespace, name);
        return found === undefined ? undefined : plainServiceOf(found);
      },
      dashboard: {
        assetsDir: builtAssetsDir(),
        subscribe: changeFeed(caches.stacks),
        readEvents: kubeEventReader(kubeConfig),
        streamMaxMs: config.LONGSHORE_DASHBOARD_STREAM_SECONDS * 1000,
        maxStreamsPerUser: config.LONGSHORE_DASHBOARD_STREAMS_PER_USER,
        maxStreams: config.LONGSHORE_DASHBOARD_STREAMS,
      },
    });
    const server = createFacadeServer(app);
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

  // The controller works while this process leads, until the lead is lost or stop() is called:
  // either aborts its run, whose workers then finish what is in flight (bounded).
  const shutdown = new AbortController();
  let term: AbortController | undefined;
  let running: Promise<void> = Promise.resolve();
  let elector: LeaderElector | undefined;
  let leading = false;
  const lead = () => {
    leading = true;
    term = new AbortController();
    const signal = AbortSignal.any([shutdown.signal, term.signal]);
    running = (async () => {
      await Promise.race([syncing, whenAborted(signal)]);
      if (signal.aborted) return;
      poller?.start();
      await controller.run(signal);
    })().catch((err: unknown) => logger.error({ err: String((err as Error)?.message ?? err) }, 'the controller failed'));
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
          poller?.stop();
          term?.abort();
          void running.then(() => opts.onLostLeadership?.());
        },
      });
      elector.start();
    } else {
      lead();
    }
  }

  return {
    facadeUrl,
    dashboardUrl: facadeUrl === undefined ? undefined : `${facadeUrl}/ui/`,
    opsUrl,
    isLeader: () => leading,
    controller,
    metrics,
    async stop() {
      idleGc.stop();
      stopping = true;
      poller?.stop();
      shutdown.abort();
      await running;
      for (const i of caches.all) i.stop();
      namespaceLevels.stop();
      nodes.stop();
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
