// The façade scenarios: list latency (one client, sequential), throughput under concurrent load
// from a separate process, `kubectl get stacks -o json` on the same data, and create-and-start
// throughput. Requests carry a ServiceAccount token, as a Docker Cloud client configured with
// DOCKERCLOUD_AUTH does, and so go through TokenReview/SubjectAccessReview (cached 10 s).
import { execFile, spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CoreV1Api, type KubeConfig, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import type { FacadeClient } from './http.ts';
import { type Deadline, onCleanup } from './phases.ts';
import { cpuSeconds } from './proc.ts';
import { roundSummary, type Summary, summarize } from './stats.ts';
import type { NamespaceTracker } from './watch.ts';
import { facadeCreateBody, mapLimit, stackNames } from './workload.ts';

const here = dirname(fileURLToPath(import.meta.url));
const CLIENT = 'bench-client';

/** A ServiceAccount allowed get/list/create/patch on stacks in the namespace, and a token for it. */
export async function clientToken(kc: KubeConfig, namespace: string): Promise<string> {
  const core = kc.makeApiClient(CoreV1Api);
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
  await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: CLIENT } } });
  await rbac.createNamespacedRole({
    namespace,
    body: {
      metadata: { name: CLIENT },
      rules: [{ apiGroups: ['longshore.io'], resources: ['stacks'], verbs: ['get', 'list', 'create', 'patch'] }],
    },
  });
  await rbac.createNamespacedRoleBinding({
    namespace,
    body: {
      metadata: { name: CLIENT },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: CLIENT },
      subjects: [{ kind: 'ServiceAccount', name: CLIENT, namespace }],
    },
  });
  const tr = await core.createNamespacedServiceAccountToken({
    namespace,
    name: CLIENT,
    body: { spec: { audiences: [], expirationSeconds: 7200 } },
  });
  const token = tr.status?.token;
  if (!token) throw new Error('TokenRequest returned no token');
  return token;
}

export interface ListResult {
  path: string;
  requests: number;
  latencyMs: Summary;
  /** CPU time of the serving process per request (user + system), independent of other load. */
  serverCpuMsPerRequest: number;
  /** total_count the façade reported, and the size of one answer. */
  totalCount: number;
  bytes: number;
}

/** One client, one request at a time (after a warm-up): the latency a user sees. */
export async function listLatency(
  client: FacadeClient,
  serverPid: number,
  path: string,
  requests: number,
  deadline: Deadline,
): Promise<ListResult> {
  for (let i = 0; i < 5; i++) await client.expect('GET', path, 200);
  const latencies: number[] = [];
  const cpu0 = cpuSeconds(serverPid) ?? Number.NaN;
  let last = '';
  for (let i = 0; i < requests; i++) {
    deadline.check(`GET ${path}`, () => `${i} of ${requests} sent`);
    const reply = await client.expect('GET', path, 200);
    latencies.push(reply.ms);
    last = reply.body;
  }
  const cpu = (cpuSeconds(serverPid) ?? Number.NaN) - cpu0;
  const meta = (JSON.parse(last) as { meta: { total_count: number } }).meta;
  return {
    path,
    requests,
    latencyMs: roundSummary(summarize(latencies)),
    serverCpuMsPerRequest: Math.round(((cpu * 1000) / requests) * 100) / 100,
    totalCount: meta.total_count,
    bytes: Buffer.byteLength(last),
  };
}

export interface LoadResult {
  path: string;
  concurrency: number;
  requests: number;
  ok: number;
  failures: number;
  seconds: number;
  requestsPerSecond: number;
  latencyMs: Summary;
  /** CPU seconds the load generator itself used (it shares the machine's cores). */
  generatorCpuSeconds: number;
}

/** Concurrent GETs from a separate Node process (bench/load-generator.ts). */
export async function load(
  url: string,
  token: string,
  path: string,
  concurrency: number,
  durationMs: number,
  deadline: Deadline,
): Promise<LoadResult> {
  const args = JSON.stringify({ url, token, path, concurrency, durationMs, maxRequests: 1_000_000 });
  const child = spawn(process.execPath, [resolve(here, 'load-generator.ts'), args], { stdio: ['ignore', 'pipe', 'inherit'] });
  onCleanup(() => child.exitCode === null && child.kill('SIGKILL'));
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), Math.min(durationMs + 30_000, Math.max(1, deadline.left())));
  await new Promise((res) => child.once('exit', res));
  clearTimeout(timer);
  if (!out.trim()) throw deadline.timeout(`the load generator (GET ${path})`, () => 'it printed no result');
  const { cpuSeconds, ...r } = JSON.parse(out) as Omit<LoadResult, 'path' | 'concurrency' | 'generatorCpuSeconds'> & {
    cpuSeconds?: number;
  };
  return { path, concurrency, ...r, generatorCpuSeconds: cpuSeconds ?? Number.NaN };
}

export interface KubectlResult {
  runs: number;
  seconds: Summary;
  bytes: number;
}

/** `kubectl get stacks -o json -n NS`: the same data through the Kubernetes API, for comparison. */
export async function kubectlGet(
  kubectl: string,
  kubeconfig: string,
  namespace: string,
  runs: number,
  deadline: Deadline,
): Promise<KubectlResult> {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    deadline.check('kubectl get stacks');
    const started = performance.now();
    const stdout = await new Promise<string>((res, rej) =>
      execFile(
        kubectl,
        ['--kubeconfig', kubeconfig, 'get', 'stacks', '-o', 'json', '-n', namespace],
        { maxBuffer: 1 << 30, timeout: Math.max(1, Math.min(120_000, deadline.left())) },
        (err, out, stderr) => (err ? rej(new Error(`kubectl get stacks: ${stderr || err.message}`)) : res(out)),
      ),
    );
    times.push((performance.now() - started) / 1000);
    bytes = Buffer.byteLength(stdout);
  }
  return { runs, seconds: roundSummary(summarize(times), 3), bytes };
}

export interface CreateStartResult {
  stacks: number;
  concurrency: number;
  /** First create sent → last start answered. */
  seconds: number;
  stacksPerSecond: number;
  requestsPerSecond: number;
  createLatencyMs: Summary;
  startLatencyMs: Summary;
  /** First create sent → every one of these stacks reports Running (watch). */
  allRunningSeconds: number;
}

/** POST /stack/ then POST /stack/<uuid>/start/ per stack, `concurrency` stacks at a time. */
export async function createAndStart(
  client: FacadeClient,
  namespace: string,
  tracker: NamespaceTracker,
  count: number,
  concurrency: number,
  deadline: Deadline,
): Promise<CreateStartResult> {
  const names = stackNames('f', 0, count);
  const base = `/api/app/v1/${namespace}/stack/`;
  const creates: number[] = [];
  const starts: number[] = [];
  const running = tracker.untilSettled('every façade-created stack Running', names, deadline);
  running.catch(() => {});
  const t0 = performance.now();
  await mapLimit(
    names,
    concurrency,
    deadline,
    async (name) => {
      const created = await client.expect('POST', base, 201, facadeCreateBody(name));
      creates.push(created.ms);
      const uuid = (JSON.parse(created.body) as { uuid: string }).uuid;
      const started = await client.expect('POST', `${base}${uuid}/start/`, 202);
      starts.push(started.ms);
    },
    'façade create-and-start',
  );
  const seconds = (performance.now() - t0) / 1000;
  const runningAt = await running;
  return {
    stacks: count,
    concurrency,
    seconds,
    stacksPerSecond: count / seconds,
    requestsPerSecond: (2 * count) / seconds,
    createLatencyMs: roundSummary(summarize(creates)),
    startLatencyMs: roundSummary(summarize(starts)),
    allRunningSeconds: (runningAt - t0) / 1000,
  };
}
