// `npm run bench`: starts a local control plane of its own (or uses KUBECONFIG's cluster), runs
// the scenarios in separate, time-bounded phases, prints a results table and writes
// bench/results/latest.json (+ latest.md). Everything it starts is stopped at the end, on
// failure and on Ctrl-C. Method and caveats: bench/README.md.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBaseline } from './baseline.ts';
import { benchCluster, createNamespace } from './cluster.ts';
import { grow, idle, rollout } from './controller.ts';
import { clientToken, createAndStart, kubectlGet, listLatency, load } from './facade.ts';
import { FacadeClient } from './http.ts';
import { type LongshoreProcess, spawnLongshore } from './longshore.ts';
import { apiRequests, longshoreSummary, type Series, scrapeApiServer, scrapeLongshore } from './metrics.ts';
import { OPTION_HELP, readOptions } from './options.ts';
import { cleanUpOnSignals, cleanup, type Deadline, log, onCleanup, phases, runPhase } from './phases.ts';
import { cpuDelta, cpuSnapshot, memory } from './proc.ts';
import { renderTable } from './report.ts';
import { NamespaceTracker } from './watch.ts';
import { createStacks, stackNames } from './workload.ts';

const resultsDir = join(dirname(fileURLToPath(import.meta.url)), 'results');

if (process.argv.includes('--help')) {
  process.stdout.write(`npm run bench\n\n${OPTION_HELP}\n`);
  process.exit(0);
}

const opts = readOptions();
const startedAt = new Date();
const t0 = performance.now();
const results: Record<string, unknown> = {};
const evidence: Record<string, unknown> = {};
const pids: Record<string, number | undefined> = { bench: process.pid };
let longshore: LongshoreProcess | undefined;
let cluster: Awaited<ReturnType<typeof benchCluster>> | undefined;
const suffix = randomBytes(2).toString('hex');
const nsBaseline = `bench-baseline-${suffix}`;
const nsStacks = `bench-stacks-${suffix}`;
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
      ...(longshore ? { longshore: longshoreSummary(ls0, ls1) } : {}),
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
  writeFileSync(join(resultsDir, 'latest.json'), `${JSON.stringify(doc, null, 2)}\n`);
  const table = renderTable(doc);
  writeFileSync(join(resultsDir, 'latest.md'), `${table}\n`);
  process.stdout.write(`\n${table}\n\nwritten: ${join(resultsDir, 'latest.json')}\n`);
}

async function main(): Promise<void> {
  mkdirSync(resultsDir, { recursive: true });
  log(`options: ${JSON.stringify(opts)}`);
  cluster = await measured('cluster', 'start the cluster', 180_000, () => benchCluster());
  if (!cluster) throw new Error('the cluster did not start in time');
  const { kc } = cluster;
  Object.assign(pids, cluster.pids);
  const foreign = Object.keys(cluster.pids).length === 0;
  await createNamespace(kc, nsBaseline, foreign);
  await createNamespace(kc, nsStacks, foreign);
  const base = new NamespaceTracker(kc, nsBaseline);
  const ctl = new NamespaceTracker(kc, nsStacks);
  onCleanup(() => {
    base.stop();
    ctl.stop();
  });
  await Promise.all([base.start(), ctl.start()]);
  const baseProgress = () =>
    `${base.deploymentSeen.size} Deployments, ${base.serviceSeen.size} Services, ${base.deploymentReady.size} ready`;
  const ctlProgress = () =>
    `${ctl.deploymentSeen.size} Deployments, ${ctl.serviceSeen.size} Services, ${ctl.deploymentReady.size} ready, ` +
    `${ctl.stackSettled.size} stacks settled` +
    (longshore ? `, Longshore RSS ${Math.round((memory(longshore.pid)?.rss ?? 0) / 2 ** 20)} MiB` : '');

  // 5. Baseline first, on the quietest cluster: the comparison then favours the baseline.
  await measured(
    'baseline',
    `baseline: server-side apply of ${opts.stacks} stacks' children at ${opts.applyConcurrency} in flight`,
    600_000,
    async (d) => {
      const stacks = await createStacks(kc, nsBaseline, stackNames('b', 0, opts.stacks), true, opts.createConcurrency, d);
      return runBaseline(kc, nsBaseline, stacks, opts.applyConcurrency, base, d);
    },
    baseProgress,
  );

  longshore = await measured('longshoreStart', 'start Longshore (its own process)', 90_000, () =>
    spawnLongshore({
      kubeconfig: cluster!.kubeconfig,
      namespace: nsStacks,
      workers: opts.workers,
      logFile: join(resultsDir, 'longshore.log'),
      readyTimeoutMs: 60_000,
    }),
  );
  if (!longshore) throw new Error('Longshore did not start');
  pids['longshore'] = longshore.pid;
  const ls = longshore;
  results['rssAtStart'] = memory(ls.pid);

  // 1 + 2. The controller: started stacks created through the API.
  await measured(
    'controller',
    `controller: ${opts.stacks} started stacks of 3 services`,
    600_000,
    (d) => rollout(kc, nsStacks, ls.pid, ctl, opts.stacks, opts.createConcurrency, d),
    ctlProgress,
  );
  // 3 + 4 at the first size.
  await measured('idleSmall', `idle CPU and RSS at ${opts.stacks} stacks`, 120_000 + opts.idleSeconds * 1000, (d) =>
    idle(ls.pid, ctl, 5_000, opts.idleSeconds * 1000, d),
  );

  const token = await clientToken(kc, nsStacks);
  const client = new FacadeClient(ls.facadeUrl, token);
  onCleanup(() => client.close());
  const facadeReads = (key: string) => async (d: Deadline) => {
    const out: Record<string, unknown> = { stacks: ctl.stackSettled.size };
    results[key] = out;
    const page = `/api/app/v1/${nsStacks}/stack/?limit=25`;
    out['list25'] = await listLatency(client, page, opts.listRequests, d);
    out['list1000'] = await listLatency(
      client,
      `/api/app/v1/${nsStacks}/stack/?limit=1000`,
      Math.max(10, opts.listRequests / 5),
      d,
    );
    out['load'] = await load(ls.facadeUrl, token, page, opts.loadConnections, opts.loadSeconds * 1000, d);
    out['kubectl'] = await kubectlGet(cluster!.kubectl, cluster!.kubeconfig, nsStacks, 3, d);
    return out;
  };
  // 6 at the first size.
  await measured('facadeSmall', `façade reads at ${opts.stacks} stacks`, 240_000, facadeReads('facadeSmall'));

  // 3 + 4 + 6 at the large size: the extra stacks are created not started (no pods).
  const extra = opts.totalStacks - opts.stacks;
  if (extra > 0) {
    await measured(
      'grow',
      `grow to ${opts.totalStacks} stacks (${extra} not started)`,
      900_000,
      (d) => grow(kc, nsStacks, ls.pid, ctl, opts.stacks, extra, 32, d),
      ctlProgress,
    );
    await measured('idleLarge', `idle CPU and RSS at ${opts.totalStacks} stacks`, 180_000 + opts.idleSeconds * 1000, (d) =>
      idle(ls.pid, ctl, 5_000, opts.idleSeconds * 1000, d),
    );
    await measured('facadeLarge', `façade reads at ${opts.totalStacks} stacks`, 300_000, facadeReads('facadeLarge'));
  }

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
  if (ls.exited()) throw new Error('Longshore exited during the bench; read bench/results/longshore.log');
  results['rssAtEnd'] = memory(ls.pid);
}

let failure: string | undefined;
cleanUpOnSignals();
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
