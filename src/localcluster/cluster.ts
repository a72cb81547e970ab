// A real upstream control plane as local processes: etcd, kube-apiserver,
// kube-controller-manager, kube-scheduler, kwok simulating a node and its pods, CoreDNS as
// the cluster's DNS and an in-memory OCI registry for images the tests push. Built from Go modules by cluster/build.sh; started here on 127.0.0.1 with a
// generated PKI.
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { corednsFromBuildOutput, removeDnsFile, startCoreDns, waitCoreDnsReady } from './coredns.ts';
import { POD_FAIL_STAGE } from './kwok-fail-stage.ts';
import { kubeconfigYaml, kubeDnsService, NODE_COUNT, nodeManifest, storageClass } from './manifests.ts';
import { ensurePki, pkiPaths } from './pki.ts';
import { choosePort, freePort } from './ports.ts';
import { get } from './probe.ts';
import { isOurs, StartError, type StartedProcess, startProcess, stopProcesses, waitReady } from './process.ts';
import { registryFromBuildOutput, removeRegistryFile, startRegistry, waitRegistryReady } from './registry.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export function cacheRoot(): string {
  return (
    process.env['LONGSHORE_CACHE_DIR'] ??
    join(process.env['XDG_CACHE_HOME'] ?? join(process.env['HOME'] ?? '/tmp', '.cache'), 'longshore')
  );
}

/** Where a running local cluster keeps its state, PKI, data and logs. */
export function clusterDir(): string {
  return process.env['LONGSHORE_CLUSTER_DIR'] ?? join(cacheRoot(), 'cluster');
}

export interface ClusterState {
  dir: string;
  kubeconfig: string;
  server: string;
  binDir: string;
  /** The cluster DNS server (CoreDNS), `127.0.0.1:PORT`; absent in a cluster started before it existed. */
  dns?: string;
  /** The OCI registry, `127.0.0.1:PORT`; absent in a cluster started before it existed. */
  registry?: string;
  processes: StartedProcess[];
}

const stateFile = (dir: string) => join(dir, 'state.json');

export interface Binaries {
  /** The control plane's binaries (the script's last line). */
  binDir: string;
  /** CoreDNS, cached apart under a key of its own (the script's `COREDNS=` line). */
  coredns: string;
  /** The OCI registry (the script's `REGISTRY=` line). */
  registry: string;
}

/** Builds the binaries (or finds them cached); returns where they are. */
export async function buildBinaries(log: (line: string) => void = () => {}): Promise<Binaries> {
  return new Promise((resolvePromise, reject) => {
    const child = execFile('bash', [join(repoRoot, 'cluster/build.sh')], { maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) {
        reject(new StartError(stderr.trim() || `cluster/build.sh failed: ${err.message}`));
        return;
      }
      const lines = stdout.trim().split('\n');
      try {
        resolvePromise({
          binDir: lines[lines.length - 1] ?? '',
          coredns: corednsFromBuildOutput(lines),
          registry: registryFromBuildOutput(lines),
        });
      } catch (e) {
        reject(e);
      }
    });
    child.stderr?.on('data', (d: Buffer) => log(d.toString().trimEnd()));
  });
}

async function kubectl(state: { binDir: string; kubeconfig: string }, args: string[], input?: string): Promise<string> {
  return new Promise((res, rej) => {
    const child = execFile(
      join(state.binDir, 'kubectl'),
      ['--kubeconfig', state.kubeconfig, ...args],
      { timeout: 60_000 },
      (err, stdout, stderr) => (err ? rej(new Error(`kubectl ${args.join(' ')}: ${stderr || err.message}`)) : res(stdout)),
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

export async function readState(dir = clusterDir()): Promise<ClusterState | undefined> {
  try {
    return JSON.parse(await readFile(stateFile(dir), 'utf8')) as ClusterState;
  } catch {
    return undefined;
  }
}

export interface UpOptions {
  log?: (line: string) => void;
  /** Per component; the whole start is bounded by the sum. */
  readyTimeoutMs?: number;
}

/**
 * Starts the local control plane and returns once every part is ready: the API server
 * answers /readyz, controllers and scheduler /healthz, CoreDNS /ready, the kwok nodes are
 * Ready and the default ServiceAccount exists. On any failure every process started so far is
 * stopped.
 */
export async function up(opts: UpOptions = {}): Promise<ClusterState> {
  const log = opts.log ?? (() => {});
  const timeout = opts.readyTimeoutMs ?? 120_000;
  const dir = clusterDir();
  const existing = await readState(dir);
  if (existing && existing.processes.length > 0 && existing.processes.every(isOurs)) {
    log(`local cluster already running (${existing.server}); kubeconfig: ${existing.kubeconfig}`);
    if (existing.dns) log(`cluster DNS: ${existing.dns}`);
    else log('this local cluster was started without cluster DNS; npm run cluster:down, then cluster:up, to have it');
    if (existing.registry) log(`OCI registry: ${existing.registry}`);
    else log('this local cluster was started without an OCI registry; npm run cluster:down, then cluster:up, to have it');
    return existing;
  }
  if (existing) await stopProcesses(existing.processes);

  const { binDir, coredns: corednsBinary, registry: registryBinary } = await buildBinaries(log);
  await rm(join(dir, 'etcd-data'), { recursive: true, force: true });
  await rm(join(dir, 'hostpath'), { recursive: true, force: true });
  await removeDnsFile(dir);
  await removeRegistryFile(dir);
  const logs = join(dir, 'logs');
  await mkdir(logs, { recursive: true });
  const pki = await ensurePki(join(dir, 'pki'));

  const [etcdPort, peerPort, apiPort, kcmPort, schedPort, kwokPort, dnsPort, dnsReadyPort, registryPort] = [
    await choosePort('LONGSHORE_ETCD_PORT'),
    await freePort(),
    await choosePort('LONGSHORE_APISERVER_PORT'),
    await freePort(),
    await freePort(),
    await freePort(),
    await choosePort('LONGSHORE_DNS_PORT', { udp: true }),
    await freePort(),
    await choosePort('LONGSHORE_REGISTRY_PORT'),
  ];
  const server = `https://127.0.0.1:${apiPort}`;
  const kubeconfig = join(dir, 'kubeconfig');
  const state: ClusterState = { dir, kubeconfig, server, binDir, processes: [] };
  const save = () => writeFile(stateFile(dir), JSON.stringify(state, null, 2));
  const bin = (n: string) => join(binDir, n);

  const started = (p: StartedProcess) => {
    state.processes.push(p);
    return save().then(() => p);
  };

  // A signal during start must not leave half a cluster behind.
  const abort = () => {
    void stopProcesses(state.processes).finally(() => process.exit(130));
  };
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);

  try {
    log('starting etcd');
    const etcd = await started(
      startProcess(
        'etcd',
        bin('etcd'),
        [
          '--name=default',
          `--data-dir=${join(dir, 'etcd-data')}`,
          `--listen-client-urls=http://127.0.0.1:${etcdPort}`,
          `--advertise-client-urls=http://127.0.0.1:${etcdPort}`,
          `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
          `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
          `--initial-cluster=default=http://127.0.0.1:${peerPort}`,
          '--unsafe-no-fsync=true',
          '--quota-backend-bytes=8589934592',
          '--log-level=warn',
        ],
        join(logs, 'etcd.log'),
      ),
    );
    await waitReady(etcd, 'GET /health', timeout, async () =>
      (await get(`http://127.0.0.1:${etcdPort}/health`)).body.includes('"true"'),
    );

    log('starting kube-apiserver');
    const apiserver = await started(
      startProcess(
        'kube-apiserver',
        bin('kube-apiserver'),
        [
          `--etcd-servers=http://127.0.0.1:${etcdPort}`,
          '--bind-address=127.0.0.1',
          '--advertise-address=127.0.0.1',
          `--secure-port=${apiPort}`,
          `--cert-dir=${join(dir, 'pki')}`,
          `--tls-cert-file=${pki.servingCert}`,
          `--tls-private-key-file=${pki.servingKey}`,
          `--client-ca-file=${pki.caCert}`,
          '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
          `--service-account-key-file=${pki.serviceAccountPub}`,
          `--service-account-signing-key-file=${pki.serviceAccountKey}`,
          '--service-cluster-ip-range=10.96.0.0/16',
          '--authorization-mode=Node,RBAC',
          '--allow-privileged=true',
          '--enable-priority-and-fairness=false',
          '--max-requests-inflight=2000',
          '--max-mutating-requests-inflight=1000',
          '--v=1',
        ],
        join(logs, 'kube-apiserver.log'),
      ),
    );
    await waitReady(apiserver, 'GET /readyz', timeout, async () => (await get(`${server}/readyz`, pki)).status === 200);
    await writeFile(kubeconfig, kubeconfigYaml(server, pki), { mode: 0o600 });

    log('starting kube-controller-manager, kube-scheduler, CoreDNS and the OCI registry');
    const kcm = await started(
      startProcess(
        'kube-controller-manager',
        bin('kube-controller-manager'),
        [
          `--kubeconfig=${kubeconfig}`,
          `--authentication-kubeconfig=${kubeconfig}`,
          `--authorization-kubeconfig=${kubeconfig}`,
          '--bind-address=127.0.0.1',
          `--secure-port=${kcmPort}`,
          '--leader-elect=false',
          `--root-ca-file=${pki.caCert}`,
          `--service-account-private-key-file=${pki.serviceAccountKey}`,
          '--use-service-account-credentials=true',
          '--enable-hostpath-provisioner=true',
          '--controllers=*,-nodeipam,-cloud-node-lifecycle,-service-lb-controller,-route',
          '--kube-api-qps=500',
          '--kube-api-burst=1000',
          '--concurrent-deployment-syncs=10',
          '--concurrent-replicaset-syncs=10',
          '--concurrent-gc-syncs=40',
          '--v=1',
        ],
        join(logs, 'kube-controller-manager.log'),
      ),
    );
    const scheduler = await started(
      startProcess(
        'kube-scheduler',
        bin('kube-scheduler'),
        [
          `--kubeconfig=${kubeconfig}`,
          `--authentication-kubeconfig=${kubeconfig}`,
          `--authorization-kubeconfig=${kubeconfig}`,
          '--bind-address=127.0.0.1',
          `--secure-port=${schedPort}`,
          '--leader-elect=false',
          '--kube-api-qps=500',
          '--kube-api-burst=1000',
          '--v=1',
        ],
        join(logs, 'kube-scheduler.log'),
      ),
    );
    const dnsOptions = { port: dnsPort, readyPort: dnsReadyPort, kubeconfig };
    const coredns = await started(await startCoreDns(corednsBinary, dir, logs, dnsOptions));
    const registry = await started(startRegistry(registryBinary, logs, registryPort));
    await waitReady(kcm, 'GET /healthz', timeout, async () => (await get(`https://127.0.0.1:${kcmPort}/healthz`)).status === 200);
    await waitReady(
      scheduler,
      'GET /healthz',
      timeout,
      async () => (await get(`https://127.0.0.1:${schedPort}/healthz`)).status === 200,
    );
    state.dns = await waitCoreDnsReady(coredns, dir, dnsOptions, timeout);
    state.registry = await waitRegistryReady(registry, dir, registryPort, timeout);
    await save();

    log('starting kwok');
    const kwokConfig = join(dir, 'kwok.yaml');
    const stages = ['node-initialize', 'node-heartbeat-with-lease', 'pod-ready', 'pod-complete', 'pod-delete'];
    const docs = await Promise.all(stages.map((s) => readFile(join(binDir, 'kwok-stages', `${s}.yaml`), 'utf8')));
    await writeFile(kwokConfig, [...docs, POD_FAIL_STAGE].map((d) => d.trim()).join('\n---\n') + '\n');
    const kwok = await started(
      startProcess(
        'kwok',
        bin('kwok'),
        [
          `--kubeconfig=${kubeconfig}`,
          `--config=${kwokConfig}`,
          '--manage-all-nodes=true',
          '--node-lease-duration-seconds=40',
          '--cidr=10.244.0.1/16',
          '--node-ip=127.0.0.1',
          `--server-address=127.0.0.1:${kwokPort}`,
          '--v=INFO',
        ],
        join(logs, 'kwok.log'),
      ),
    );
    await kubectl(
      state,
      ['apply', '-f', '-'],
      [...Array.from({ length: NODE_COUNT }, (_, i) => nodeManifest(i)), storageClass, kubeDnsService].join('---\n'),
    );
    // Ready, and the not-ready taint lifted by the node lifecycle controller: only then do
    // Pods schedule.
    await waitReady(kwok, 'nodes Ready and untainted', timeout, async () => {
      const nodes = JSON.parse(await kubectl(state, ['get', 'nodes', '-o', 'json'])) as {
        items: { spec?: { taints?: unknown[] }; status?: { conditions?: { type: string; status: string }[] } }[];
      };
      const ready = nodes.items.filter(
        (n) => !n.spec?.taints?.length && n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
      );
      return ready.length === NODE_COUNT;
    });
    await waitReady(kcm, 'default ServiceAccount', timeout, async () => {
      await kubectl(state, ['get', 'serviceaccount', 'default', '-n', 'default']);
      return true;
    });
    log(`local cluster ready: ${server}; kubeconfig: ${kubeconfig}; cluster DNS: ${state.dns}; OCI registry: ${state.registry}`);
    return state;
  } catch (err) {
    await stopProcesses(state.processes);
    await rm(stateFile(dir), { force: true });
    await removeDnsFile(dir);
    await removeRegistryFile(dir);
    throw err;
  } finally {
    process.off('SIGINT', abort);
    process.off('SIGTERM', abort);
  }
}

/** Stops every process `up` started and removes the cluster's data. */
export async function down(dir = clusterDir()): Promise<boolean> {
  const state = await readState(dir);
  if (!state) return false;
  // The reverse of start order: kwok and controllers first, etcd last.
  await stopProcesses([...state.processes].reverse());
  await rm(stateFile(dir), { force: true });
  await removeDnsFile(dir);
  await removeRegistryFile(dir);
  await rm(join(dir, 'etcd-data'), { recursive: true, force: true });
  await rm(join(dir, 'hostpath'), { recursive: true, force: true });
  return true;
}

/**
 * Stops one component and starts it again with the same arguments (for tests of what
 * survives an API server restart). Resolves once it answers again.
 */
export async function restartComponent(name: string, timeoutMs = 120_000, dir = clusterDir()): Promise<void> {
  const state = await readState(dir);
  const p = state?.processes.find((x) => x.name === name);
  if (!state || !p) throw new Error(`no running component ${name} in ${dir}`);
  if (!Array.isArray(p.args))
    throw new Error(`the local cluster in ${dir} was started by an older Longshore; run npm run cluster:down, then cluster:up`);
  await stopProcesses([p]);
  const again = startProcess(p.name, p.binary, p.args, p.log, true);
  state.processes = state.processes.map((x) => (x.name === name ? again : x));
  await writeFile(stateFile(dir), JSON.stringify(state, null, 2));
  const pki = pkiPaths(join(dir, 'pki'));
  if (name === 'kube-apiserver') {
    await waitReady(again, 'GET /readyz', timeoutMs, async () => (await get(`${state.server}/readyz`, pki)).status === 200);
  }
}
