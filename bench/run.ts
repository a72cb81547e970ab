// `npm run bench`: starts a local control plane of its own (or uses KUBECONFIG's cluster), runs
// the scenarios in separate, time-bounded phases, prints a results table and writes
// bench/results/latest.json (+ latest.md). Everything it starts is stopped at the end, on
// failure and on Ctrl-C. Method and caveats: bench/README.md.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import { clusterDnsAddress } from '../src/main/cluster-dns.ts';
import { defaultTranslateOptions, type TranslateOptions } from '../src/translate/index.ts';
import { runBaseline } from './baseline.ts';
import { clientOverhead } from './client-overhead.ts';
import { benchCluster, createNamespace, deleteNamespaceAndWait } from './cluster.ts';
import { grow, idle, paced, rollout } from './controller.ts';
import { clientToken, createAndStart, kubectlGet, listLatency, load } from './facade.ts';
import { hostileBodies } from './hostile.ts';
import { FacadeClient } from './http.ts';
import { buildImageCommand } from './image-command.ts';
import { KubeHttp } from './kube-http.ts';
import { type LongshoreProcess, NotReady, spawnLongshore } from './longshore.ts';
import { apiLatency, apiRequests, longshoreSummary, type Series, scrapeApiServer, scrapeLongshore } from './metrics.ts';
import { OPTION_HELP, readOptions } from './options.ts';
import { cleanUpOnSignals, cleanup, type Deadline, log, onCleanup, PhaseTimeout, phases, runPhase } from './phases.ts';
import { cpuDelta, cpuSnapshot, memory } from './proc.ts';
import { renderTable } from './report.ts';
import { memoryRounds } from './rounds.ts';
import { NamespaceTracker } from './watch.ts';
import { childrenPerStack, createStacks, describeChildren, stackNames } from './workload.ts';

const resultsDir = join(dirname(fileURLToPath(import.meta.url)), 'results');

if (process.argv.includes('--help')) {
  process.stdout.write(`npm run bench\n\n${OPTION_HELP}\n`);
  process.exit(0);
}

const opts = readOptions();
const startedAt = new Date();
const t0 = performance.now();
const results: Record<string, unknown> = {};
const evidence: Record<string, { cpuSeconds?: Record<string, number> } & Record<string, unknown>> = {};
const pids: Record<string, number | undefined> = { bench: process.pid };
let longshore: LongshoreProcess | undefined;
let cluster: Awaited<ReturnType<typeof benchCluster>> | undefined;
const suffix = randomBytes(2).toString('hex');
const nsBaseline = `bench-baseline-${suffix}`;
const nsStacks = `bench-stacks-${suffix}`;
const nsFacade = `bench-facade-${suffix}`;
const loadAtStart = loadavg().map((v) => Math.round(v * 100) / 100);

/**
 * A phase plus its evidence: CPU seconds per process (and the rest of the machine), the API
 * server's request counts and Longshore's own counters over the phase. Progress is logged
 * every 20 s while it runs.
 */
async function measured<T>(
  key: string,
  title: string,
  timeoutMs: number,
  fn: (d: Deadline) => Promise<T>,
  progress?: () => string,
): Promise<T | undefined> {
  const cpu0 = cpuSnapshot(pids);
  const api0: Series = cluster ? await scrapeApiServer(cluster.kc).catch(() => new Map()) : new Map();
  const lsAtStart = longshore;
  const ls0: Series = longshore ? await scrapeLongshore(longshore.opsUrl).catch(() => new Map()) : new Map();
  const ticker = progress ? setInterval(() => log(`   … ${progress()}`), 20_000) : undefined;
  try {
    const r = await runPhase(title, timeoutMs * opts.timeScale, fn);
    if (r !== undefined) results[key] = r;
    return r;
  } finally {
    if (ticker) clearInterval(ticker);
    const api1: Series = cluster ? await scrapeApiServer(cluster.kc).catch(() => new Map()) : new Map();
    const ls1: Series = longshore ? await scrapeLongshore(longshore.opsUrl).catch(() => new Map()) : new Map();
    evidence[key] = {
      cpuSeconds: cpuDelta(cpu0, cpuSnapshot(pids)),
      apiServerRequests: apiRequests(api0, api1),
      apiServerMeanDuration: apiLatency(api0, api1),
      // A process replaced during the phase (the restart) counts from zero.
      ...(longshore ? { longshore: longshoreSummary(longshore === lsAtStart ? ls0 : new Map(), ls1) } : {}),
    };
  }
}

function writeResults(error?: string): void {
  mkdirSync(resultsDir, { recursive: true });
  const doc = {
    startedAt: startedAt.toISOString(),
    totalSeconds: Math.round((performance.now() - t0) / 100) / 10,
    ...(error ? { error } : {}),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      kernel: release(),
      node: process.version,
      loadAverageAtStart: loadAtStart,
    },
    cluster: cluster?.description,
    options: opts,
    longshore: longshore ? { env: longshore.env, logWarnings: longshore.logSummary() } : undefined,
    phases,
    results,
    evidence,
  };
  const json = `${JSON.stringify(doc, null, 2)}\n`;
  writeFileSync(join(resultsDir, 'latest.json'), json);
  writeFileSync(join(resultsDir, `run-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`), json);
  const table = renderTable(doc);
  writeFileSync(join(resultsDir, 'latest.md'), `${table}\n`);
  // `npm run lint` checks bench/**: leave the files as Biome formats them.
  try {
    execFileSync(join(resultsDir, '../../node_modules/.bin/biome'), ['format', '--write', resultsDir], { stdio: 'ignore' });
  } catch {
    // formatting is a nicety; the results are written either way
  }
  process.stdout.write(`\n${table}\n\nwritten: ${join(resultsDir, 'latest.json')}\n`);
}

async function main(): Promise<void> {
  mkdirSync(resultsDir, { recursive: true });
  log(`options: ${JSON.stringify(opts)}`);
  cluster = await measured('cluster', 'start the cluster', 180_000, async () => {
    const started = await benchCluster();
    Object.assign(pids, started.pids);
    return started;
  });
  if (!cluster) throw new Error('the cluster did not start in time');
  // Longshore runs as the image runs it: compiled, with the Dockerfile's node flags.
  const command = buildImageCommand(join(resultsDir, '../..'));
  results['longshoreCommand'] = `node ${command.join(' ')}`;
  log(`Longshore's command: ${results['longshoreCommand']}`);
  const { kc } = cluster;
  const http = await KubeHttp.create(kc, Math.max(opts.applyConcurrency, opts.createConcurrency, 32));
  onCleanup(() => http.close());
  const foreign = Object.keys(cluster.pids).length === 0;
  for (const ns of [nsBaseline, nsStacks, nsFacade]) await createNamespace(kc, ns, foreign);
  // What "every child applied" waits for per stack, from Longshore's own translation.
  const perStack = childrenPerStack();
  log(`each stack: ${describeChildren(perStack)}, ${perStack.dnsNames} DNS names in its EndpointSlice`);
  const base = new NamespaceTracker(kc, nsBaseline, perStack);
  const ctl = new NamespaceTracker(kc, nsStacks, perStack);
  onCleanup(() => {
    base.stop();
    ctl.stop();
  });
  await Promise.all([base.start(), ctl.start()]);
  const baseProgress = () => `${base.childProgress()}, ${base.deploymentReady.size} Deployments ready`;
  const ctlProgress = () =>
    `${ctl.childProgress()}, ${ctl.deploymentReady.size} Deployments ready, ${ctl.stackSettled.size} stacks settled` +
    (longshore ? `, Longshore RSS ${Math.round((memory(longshore.pid)?.rss ?? 0) / 2 ** 20)} MiB` : '');

  // Evidence first, on a quiet cluster: what each API request costs through client-node.
  await measured(
    'clientOverhead',
    "API client cost: client-node as is, with Longshore's connection reuse, keep-alive (evidence)",
    120_000,
    () => clientOverhead(kc, http, pids['kube-apiserver']),
  );

  // 5. Baseline before the controller. Its namespace is deleted before the controller runs, so
  // that both start from the same cluster: the API server's cost of creating a Service grows
  // with the number of Services already allocated (measured: 107/s with none, 33/s with 6,000),
  // and the controller would otherwise pay for the baseline's 3,000 ClusterIP Services (and its
  // 1,000 headless ones and 1,000 EndpointSlices, which allocate no address but fill etcd and
  // every watch).
  const translateOptions = await operatorTranslateOptions(kc);
  await measured(
    'baseline',
    `baseline: server-side apply of ${opts.stacks} stacks' children at ${opts.applyConcurrency} in flight`,
    600_000,
    async (d) => {
      const stacks = await createStacks(http, nsBaseline, stackNames('b', 0, opts.stacks), true, opts.createConcurrency, d);
      return runBaseline(http, nsBaseline, stacks, translateOptions, opts.applyConcurrency, base, d);
    },
    baseProgress,
  );

  base.stop();
  await measured('baselineCleanup', "delete the baseline's namespace and wait until it is gone", 900_000, (d) =>
    deleteNamespaceAndWait(kc, nsBaseline, d),
  );

  longshore = await measured('longshoreStart', 'start Longshore (its own process)', 90_000, async () => {
    const started = await spawnLongshore({
      command,
      kubeconfig: cluster!.kubeconfig,
      namespace: nsStacks,
      workers: opts.workers,
      logFile: join(resultsDir, 'longshore.log'),
      readyTimeoutMs: 60_000,
    });
    pids['longshore'] = started.pid;
    return started;
  });
  if (!longshore) throw new Error('Longshore did not start');
  const ls = longshore;
  results['rssAtStart'] = memory(ls.pid);
  results['memoryAtStart'] = await memoryBreakdown(ls);

  // 1 + 2. The controller: started stacks created through the API.
  await measured(
    'controller',
    `controller: ${opts.stacks} started stacks of 3 services`,
    900_000,
    (d) => rollout(http, nsStacks, ls.pid, ctl, opts.stacks, opts.createConcurrency, d),
    ctlProgress,
  );
  // 3 + 4 at the first size.
  await measured('idleSmall', `idle CPU and RSS at ${opts.stacks} stacks`, 120_000 + opts.idleSeconds * 1000, (d) =>
    idle(ls.pid, ctl, 5_000, opts.idleSeconds * 1000, d),
  );
  results['memoryAtIdleSmall'] = await memoryBreakdown(ls);
  // 2 again, without the rollout's backlog.
  if (opts.pacedStacks > 0) {
    await measured(
      'paced',
      `status latency: ${opts.pacedStacks} started stacks created at ${opts.pacedPerSecond}/s`,
      180_000 + (opts.pacedStacks / opts.pacedPerSecond) * 1000,
      (d) => paced(http, nsStacks, ctl, opts.pacedStacks, opts.pacedPerSecond, d),
      ctlProgress,
    );
  }

  // 6 at the first size, served by the operator itself.
  const token = await clientToken(kc, nsStacks);
  const reader = new FacadeClient(ls.facadeUrl, token);
  onCleanup(() => reader.close());
  await measured('facadeSmall', `façade reads at ${ctl.stackSettled.size} stacks`, 240_000, (d) =>
    facadeReads('facadeSmall', reader, ls, token, nsStacks, ctl.stackSettled.size, d),
  );
  if (opts.facadeStacks > 0) {
    const writer = new FacadeClient(ls.facadeUrl, token, opts.facadeConcurrency);
    onCleanup(() => writer.close());
    await measured(
      'facadeCreateStart',
      `façade: create and start ${opts.facadeStacks} stacks, ${opts.facadeConcurrency} at a time`,
      300_000,
      (d) => createAndStart(writer, nsStacks, ctl, opts.facadeStacks, opts.facadeConcurrency, d),
      ctlProgress,
    );
  }

  // Issue #9: hostile bodies at the operator's façade, its RSS sampled from /proc meanwhile.
  if (opts.hostileSeconds > 0) {
    const attacker = new FacadeClient(ls.facadeUrl, token, opts.hostileConnections);
    onCleanup(() => attacker.close());
    await measured('hostile', `hostile bodies at the façade, ${opts.hostileConnections} connections`, 120_000, async (d) => {
      const manifest = join(resultsDir, '../../manifests/deployment.yaml');
      const out = await hostileBodies(
        attacker,
        ls.pid,
        nsStacks,
        opts.hostileConnections,
        opts.hostileSeconds * 1000,
        manifest,
        d,
      );
      return { ...out, stored: ctl.stackSeen.has('hostile') };
    });
  }

  // 3 + 4 at a larger size (off by default): the extra stacks are created not started.
  const extra = opts.operatorStacks - ctl.stackSettled.size;
  if (extra > 0) {
    await measured(
      'grow',
      `grow the operator's namespace by ${extra} stacks, not started`,
      900_000,
      (d) => grow(http, nsStacks, ls.pid, ctl, opts.stacks, extra, 32, d),
      ctlProgress,
    );
    await measured('idleLarge', `idle CPU and RSS at ${ctl.stackSettled.size} stacks`, 180_000 + opts.idleSeconds * 1000, (d) =>
      idle(ls.pid, ctl, 5_000, opts.idleSeconds * 1000, d),
    );
  }
  if (ls.exited()) throw new Error('Longshore exited during the bench; read bench/results/longshore.log');
  results['rssAtEnd'] = { stacks: ctl.stackSettled.size, ...memory(ls.pid) };

  // 3 + 6 at the large size: a façade-only process (LONGSHORE_CONTROLLER=false) over a
  // namespace of stacks that are not started. The façade reads only the Stack cache, so no
  // controller has to make their 80,000 children first (see BENCH_OPERATOR_STACKS). It starts
  // on the empty namespace and receives the stacks by its watch: a process that starts with
  // more than 500 objects to list never becomes ready (see the restart phase).
  if (opts.facadeListStacks > 0) {
    await measured('facadeLarge', `façade-only process: reads at ${opts.facadeListStacks} stacks`, 600_000, async (d) => {
      const fo = await spawnLongshore({
        command,
        kubeconfig: cluster!.kubeconfig,
        namespace: nsFacade,
        workers: 1,
        logFile: join(resultsDir, 'longshore-facade-only.log'),
        readyTimeoutMs: 60_000,
        env: { LONGSHORE_CONTROLLER: 'false' },
      });
      pids['facadeOnly'] = fo.pid;
      const watched = new NamespaceTracker(kc, nsFacade, perStack);
      onCleanup(() => watched.stop());
      await watched.start();
      const empty = memory(fo.pid);
      const count = opts.facadeListStacks;
      await createStacks(http, nsFacade, stackNames('l', 0, count), false, 32, d);
      await watched.until(
        'every stack in the watch',
        () => watched.stackSeen.size >= count,
        d,
        () => `${watched.stackSeen.size} of ${count}`,
      );
      const foToken = await clientToken(kc, nsFacade);
      const foClient = new FacadeClient(fo.facadeUrl, foToken);
      onCleanup(() => foClient.close());
      await facadeHolds(foClient, nsFacade, count, d);
      const synced = memory(fo.pid);
      const out = await facadeReads('facadeLarge', foClient, fo, foToken, nsFacade, count, d);
      Object.assign(out, {
        rssEmpty: empty,
        rssAfterSync: synced,
        rssAfterReads: memory(fo.pid),
        memoryAfterReads: await memoryBreakdown(fo),
      });
      return out;
    });
  }

  // Recovery: the operator restarted (as after a crash or a failover) over everything it
  // manages, timed until it reports ready (caches synced); then, once the namespace is quiet,
  // what the stacks report (they were all Running before).
  const stacksNow = ctl.stackSeen.size;
  await measured('restart', `restart Longshore over ${stacksNow} stacks: time until ready`, 150_000, async (d) => {
    results['memoryBeforeRestart'] = await memoryBreakdown(ls);
    const before = ctl.stateCounts();
    await ls.stop();
    const t0 = performance.now();
    let again: LongshoreProcess;
    try {
      again = await spawnLongshore({
        command,
        kubeconfig: cluster!.kubeconfig,
        namespace: nsStacks,
        workers: opts.workers,
        logFile: join(resultsDir, 'longshore-restarted.log'),
        readyTimeoutMs: Math.min(60_000, d.left()),
      });
    } catch (err) {
      if (err instanceof NotReady) {
        results['restartNotReady'] = { stacks: stacksNow, cpuSecondsUntilStopped: err.cpuSeconds };
        throw d.timeout(
          'the restarted Longshore to be ready',
          () => `${err.message}; it used ${err.cpuSeconds ?? 'n/a'} CPU s meanwhile`,
        );
      }
      throw err;
    }
    const readySeconds = (performance.now() - t0) / 1000;
    pids['longshoreRestarted'] = again.pid;
    longshore = again;
    await ctl.quiet(10_000, d, performance.now());
    return { stacks: stacksNow, readySeconds, statesBefore: before, statesAfter: ctl.stateCounts() };
  });

  // Issue #9: memory comes back. Rounds of started stacks created and all deleted again, on top
  // of the stacks above, served by the restarted process.
  const current = longshore;
  if (opts.memoryRounds > 0 && current !== ls && !current.exited()) {
    await measured(
      'memoryRounds',
      `memory: ${opts.memoryRounds} rounds of ${opts.roundStacks} started stacks created and deleted`,
      (300_000 + opts.roundStacks * 1_500) * opts.memoryRounds,
      (d) => memoryRounds(http, nsStacks, current.pid, ctl, opts.memoryRounds, opts.roundStacks, opts.createConcurrency, d),
      ctlProgress,
    );
  }
}

/**
 * What the operator under test translates with here: its defaults (the bench sets none of the
 * translation's settings) and the cluster DNS address it finds at start (kube-system/kube-dns),
 * which goes into every pod template. The baseline applies the same objects.
 */
async function operatorTranslateOptions(kc: KubeConfig): Promise<TranslateOptions> {
  const logger = pino({ level: 'warn', base: { component: 'bench' } }, pino.destination(2));
  const clusterDnsIp = await clusterDnsAddress('auto', kc, logger);
  return clusterDnsIp === undefined ? defaultTranslateOptions : { ...defaultTranslateOptions, clusterDnsIp };
}

/** Confirms the façade's cache holds `count` stacks (it follows the same watch as the bench). */
async function facadeHolds(client: FacadeClient, namespace: string, count: number, d: Deadline): Promise<void> {
  for (;;) {
    const reply = await client.expect('GET', `/api/app/v1/${namespace}/stack/?limit=1`, 200);
    const total = (JSON.parse(reply.body) as { meta: { total_count: number } }).meta.total_count;
    if (total >= count) return;
    d.check(`the façade to list ${count} stacks`, () => `it lists ${total}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Where a Longshore process's memory is, from its own /metrics (prom-client's default metrics). */
async function memoryBreakdown(p: LongshoreProcess): Promise<Record<string, number> | undefined> {
  const m = await scrapeLongshore(p.opsUrl).catch(() => undefined);
  if (!m) return undefined;
  const pick = (k: string) => m.get(`longshore_${k}`);
  const out: Record<string, number | undefined> = {
    residentBytes: pick('process_resident_memory_bytes'),
    heapTotalBytes: pick('nodejs_heap_size_total_bytes'),
    heapUsedBytes: pick('nodejs_heap_size_used_bytes'),
    externalBytes: pick('nodejs_external_memory_bytes'),
    openFds: pick('process_open_fds'),
  };
  for (const [k, v] of m)
    if (k.startsWith('longshore_nodejs_active_handles{')) out[`activeHandles ${k.slice(k.indexOf('{'))}`] = v;
  return Object.fromEntries(Object.entries(out).filter((e): e is [string, number] => e[1] !== undefined));
}

/** List latency (two page sizes), concurrent load from a second process, and kubectl on the same data. */
async function facadeReads(
  key: string,
  client: FacadeClient,
  server: LongshoreProcess,
  token: string,
  namespace: string,
  stacks: number,
  d: Deadline,
): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = { stacks };
  results[key] = out; // filled as it goes, so that a timeout keeps what was measured
  const page = `/api/app/v1/${namespace}/stack/?limit=25`;
  out['list25'] = await listLatency(client, server.pid, page, opts.listRequests, d);
  const full = `/api/app/v1/${namespace}/stack/?limit=1000`;
  out['list1000'] = await listLatency(client, server.pid, full, Math.max(10, opts.listRequests / 5), d);
  out['load'] = await load(server.facadeUrl, token, page, opts.loadConnections, opts.loadSeconds * 1000, d);
  // Not fatal: against a foreign cluster, kubectl may not be installed.
  out['kubectl'] = await kubectlGet(cluster!.kubectl, cluster!.kubeconfig, namespace, 3, d).catch((err: Error) => {
    if (err instanceof PhaseTimeout) throw err;
    log(`   kubectl get stacks failed: ${err.message}`);
    return undefined;
  });
  return out;
}

let failure: string | undefined;
cleanUpOnSignals((signal) => writeResults(`interrupted by ${signal}`));
try {
  await main();
} catch (err) {
  failure = (err as Error).stack ?? String(err);
  log(`FAILED: ${failure}`);
  process.exitCode = 1;
}
try {
  writeResults(failure);
} catch (err) {
  log(`could not write the results: ${(err as Error).message}`);
}
await cleanup();
log(`total ${((performance.now() - t0) / 1000).toFixed(0)} s`);
process.exit(process.exitCode ?? 0);
