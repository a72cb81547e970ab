// The cluster the bench runs on: the one KUBECONFIG names, or a local control plane of the
// bench's own (LONGSHORE_CLUSTER_DIR, by default a bench-only directory, never the one that
// `npm run cluster:up` and the tests share), started here and stopped at the end.
import { join } from 'node:path';
import { CoreV1Api, KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { pino } from 'pino';
import { installCrd } from '../src/kube/crd-install.ts';
import { cacheRoot, clusterDir, down, readState, up } from '../src/localcluster/cluster.ts';
import { isOurs } from '../src/localcluster/process.ts';
import { Informer } from '../src/runtime/informer.ts';
import { watchUntil } from '../src/runtime/watch-until.ts';
import { type Deadline, log, onCleanup } from './phases.ts';

export interface BenchCluster {
  kc: KubeConfig;
  kubeconfig: string;
  /** kubectl to time `get stacks` with. */
  kubectl: string;
  /** Control-plane processes by name (own cluster only), for CPU accounting. */
  pids: Record<string, number>;
  /** 'own local cluster in DIR' or 'KUBECONFIG=...'. */
  description: string;
}

export async function benchCluster(): Promise<BenchCluster> {
  const given = process.env['KUBECONFIG'];
  if (given) {
    const kc = new KubeConfig();
    kc.loadFromFile(given);
    await installCrd(kc);
    return { kc, kubeconfig: given, kubectl: 'kubectl', pids: {}, description: `KUBECONFIG=${given}` };
  }
  process.env['LONGSHORE_CLUSTER_DIR'] ??= join(cacheRoot(), 'bench-cluster');
  const dir = clusterDir();
  const running = await readState(dir);
  if (running && running.processes.length > 0 && running.processes.every(isOurs)) {
    throw new Error(
      `a local cluster is already running in ${dir}; the bench starts a fresh one. Stop it with ` +
        `LONGSHORE_CLUSTER_DIR=${dir} npm run cluster:down, or set KUBECONFIG to bench against it.`,
    );
  }
  onCleanup(async () => {
    log(`stopping the bench's local cluster (${dir})`);
    await down(dir);
  });
  const state = await up({ log: (line) => log(`cluster: ${line}`) });
  const kc = new KubeConfig();
  kc.loadFromFile(state.kubeconfig);
  await installCrd(kc);
  return {
    kc,
    kubeconfig: state.kubeconfig,
    kubectl: join(state.binDir, 'kubectl'),
    pids: Object.fromEntries(state.processes.map((p) => [p.name, p.pid])),
    description: `own local control plane in ${dir}`,
  };
}

/** A namespace for one part of the bench; with a foreign cluster, deleted at the end. */
export async function createNamespace(kc: KubeConfig, name: string, deleteAtEnd: boolean): Promise<string> {
  const core = kc.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name, labels: { 'longshore.io/bench': 'true' } } } });
  if (deleteAtEnd) onCleanup(() => core.deleteNamespace({ name }).catch(() => {}));
  return name;
}

/**
 * Deletes a namespace and resolves once the API server no longer has it, i.e. once everything
 * in it is gone (learned from a watch on that one namespace, never by polling).
 */
export async function deleteNamespaceAndWait(kc: KubeConfig, name: string, deadline: Deadline): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  await core.deleteNamespace({ name }).catch((err: { code?: number }) => {
    if (err.code !== 404) throw err;
  });
  const namespaces = new Informer<KubernetesObject>({
    name: 'bench-namespace',
    kubeConfig: kc,
    logger: pino({ level: 'warn', base: { component: 'bench-watch' } }, pino.destination(2)),
    path: '/api/v1/namespaces',
    fieldSelector: `metadata.name=${name}`,
    list: (o) => core.listNamespace(o),
  });
  await watchUntil(
    namespaces,
    () => namespaces.size === 0,
    deadline.left(),
    () => deadline.timeout(`namespace ${name} to be deleted`),
  );
}
