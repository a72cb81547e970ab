// The controller scenarios: a rollout of started stacks (time to every child applied, to every
// stack Running, and the status latency of each service), growing the namespace with stacks that
// are not started, and the operator's idle CPU and memory. Longshore runs as its own process;
// the bench only creates Stacks through the Kubernetes API and watches.
import { setTimeout as delay } from 'node:timers/promises';
import { serviceChildName } from '../src/translate/index.ts';
import type { KubeHttp } from './kube-http.ts';
import type { Deadline } from './phases.ts';
import { cpuSeconds, memory } from './proc.ts';
import { roundSummary, type Summary, summarize } from './stats.ts';
import type { NamespaceTracker } from './watch.ts';
import { type ChildCounts, createStacks, SERVICES, stackNames } from './workload.ts';

export interface RolloutResult {
  stacks: number;
  createConcurrency: number;
  /** First create sent → last create answered. */
  createSeconds: number;
  /**
   * First create sent → the watch has shown every child of every stack: its Deployments, its
   * Services (the stack's DNS domain included) and its EndpointSlice with every name addressed.
   */
  childrenAppliedSeconds: number;
  /** What each stack consists of (from the translation): what "every child" means. */
  childrenPerStack: ChildCounts;
  /** First create sent → every Deployment ready at target (what kube-controller-manager and kwok add). */
  allDeploymentsReadySeconds: number;
  /** First create sent → every Stack reports Running for its current generation. */
  allRunningSeconds: number;
  /** Per service: Deployment ready (watch receipt) → owning Stack's status says the service Running (watch receipt). */
  statusLatencyMs: Summary;
  longshoreCpuSeconds: number;
}

export interface GrowResult {
  created: number;
  totalStacks: number;
  createConcurrency: number;
  createSeconds: number;
  childrenAppliedSeconds: number;
  /** First create sent → every Stack reports Not Running for its current generation. */
  allSettledSeconds: number;
  longshoreCpuSeconds: number;
}

export interface IdleResult {
  stacks: number;
  windowSeconds: number;
  cpuSeconds: number;
  /** CPU time over the window as a share of one core. */
  cpuPercentOfOneCore: number;
  /** Watch events the bench saw in the namespace during the window (0 = nothing was changing). */
  watchEventsDuringWindow: number;
  rssBytes: number;
  peakRssBytes: number;
}

/**
 * Waits for every child of every stack (tracker.expected per stack: Deployments, Services and the
 * EndpointSlice with every name addressed) and every stack settled; returns receipt times.
 */
function converged(tracker: NamespaceTracker, total: number, deadline: Deadline) {
  const progress = () =>
    `${tracker.childProgress(total)}, ${tracker.deploymentReady.size} Deployments ready, ` +
    `${tracker.stackSettled.size}/${total} stacks settled`;
  const applied = tracker.until('every child applied', () => tracker.stackApplied.size >= total, deadline, progress);
  const settled = tracker.until('every stack settled', () => tracker.stackSettled.size >= total, deadline, progress);
  for (const p of [applied, settled]) p.catch(() => {});
  return { applied, settled, progress };
}

export async function rollout(
  http: KubeHttp,
  namespace: string,
  pid: number,
  tracker: NamespaceTracker,
  count: number,
  createConcurrency: number,
  deadline: Deadline,
): Promise<RolloutResult> {
  const total = tracker.stackSettled.size + count;
  const { applied, settled, progress } = converged(tracker, total, deadline);
  const ready = tracker.until(
    'every Deployment ready',
    () => tracker.deploymentReady.size >= total * tracker.expected.Deployment,
    deadline,
    progress,
  );
  ready.catch(() => {});
  const cpu0 = cpuSeconds(pid) ?? 0;
  const t0 = performance.now();
  await createStacks(http, namespace, stackNames('s', 0, count), true, createConcurrency, deadline);
  const created = performance.now();
  const [appliedAt, readyAt, runningAt] = await Promise.all([applied, ready, settled]);

  const latencies: number[] = [];
  for (const [service, readyTime] of tracker.deploymentReady) {
    const running = tracker.serviceRunning.get(service);
    if (running !== undefined) latencies.push(running - readyTime);
  }
  return {
    stacks: count,
    createConcurrency,
    createSeconds: (created - t0) / 1000,
    childrenAppliedSeconds: (appliedAt - t0) / 1000,
    childrenPerStack: tracker.expected,
    allDeploymentsReadySeconds: (readyAt - t0) / 1000,
    allRunningSeconds: (runningAt - t0) / 1000,
    statusLatencyMs: roundSummary(summarize(latencies)),
    longshoreCpuSeconds: (cpuSeconds(pid) ?? 0) - cpu0,
  };
}

/** Adds stacks that are not started (Deployments at 0 replicas, Services, EndpointSlices, no pods). */
export async function grow(
  http: KubeHttp,
  namespace: string,
  pid: number,
  tracker: NamespaceTracker,
  from: number,
  count: number,
  createConcurrency: number,
  deadline: Deadline,
): Promise<GrowResult> {
  const total = tracker.stackSettled.size + count;
  const { applied, settled } = converged(tracker, total, deadline);
  const cpu0 = cpuSeconds(pid) ?? 0;
  const t0 = performance.now();
  await createStacks(http, namespace, stackNames('s', from, count), false, createConcurrency, deadline);
  const created = performance.now();
  const [appliedAt, settledAt] = await Promise.all([applied, settled]);
  return {
    created: count,
    totalStacks: total,
    createConcurrency,
    createSeconds: (created - t0) / 1000,
    childrenAppliedSeconds: (appliedAt - t0) / 1000,
    allSettledSeconds: (settledAt - t0) / 1000,
    longshoreCpuSeconds: (cpuSeconds(pid) ?? 0) - cpu0,
  };
}

/** Waits until the namespace has been quiet for quietMs, then measures CPU over windowMs. */
export async function idle(
  pid: number,
  tracker: NamespaceTracker,
  quietMs: number,
  windowMs: number,
  deadline: Deadline,
): Promise<IdleResult> {
  await tracker.quiet(quietMs, deadline);
  const events = () => Object.values(tracker.events).reduce((a, b) => a + b, 0);
  const e0 = events();
  const c0 = cpuSeconds(pid);
  const t0 = performance.now();
  await delay(windowMs);
  const c1 = cpuSeconds(pid);
  const seconds = (performance.now() - t0) / 1000;
  const mem = memory(pid);
  if (c0 === undefined || c1 === undefined || mem === undefined) throw new Error(`Longshore (pid ${pid}) is gone`);
  return {
    stacks: tracker.stackSettled.size,
    windowSeconds: Math.round(seconds * 10) / 10,
    cpuSeconds: Math.round((c1 - c0) * 100) / 100,
    cpuPercentOfOneCore: Math.round(((c1 - c0) / seconds) * 1000) / 10,
    watchEventsDuringWindow: events() - e0,
    rssBytes: mem.rss,
    peakRssBytes: mem.peak,
  };
}

export interface PacedResult {
  stacks: number;
  perSecond: number;
  /** Per service: Deployment ready (watch receipt) → owning Stack's status says Running (watch receipt). */
  statusLatencyMs: Summary;
}

/**
 * The status latency without a backlog: started stacks created one by one at a steady pace on
 * a settled cluster, so that each Deployment's readiness reaches an idle work queue.
 */
export async function paced(
  http: KubeHttp,
  namespace: string,
  tracker: NamespaceTracker,
  count: number,
  perSecond: number,
  deadline: Deadline,
): Promise<PacedResult> {
  const names = stackNames('p', 0, count);
  const settled = tracker.untilSettled('every paced stack Running', names, deadline);
  settled.catch(() => {});
  const t0 = performance.now();
  for (const [i, name] of names.entries()) {
    deadline.check('paced stack creation');
    const due = t0 + (i * 1000) / perSecond;
    if (due > performance.now()) await delay(due - performance.now());
    await createStacks(http, namespace, [name], true, 1, deadline);
  }
  await settled;
  const latencies: number[] = [];
  for (const name of names) {
    for (const service of SERVICES) {
      const ready = tracker.deploymentReady.get(serviceChildName(name, service));
      const running = tracker.serviceRunning.get(serviceChildName(name, service));
      if (ready !== undefined && running !== undefined) latencies.push(running - ready);
    }
  }
  return { stacks: count, perSecond, statusLatencyMs: roundSummary(summarize(latencies)) };
}
