// The results as a Markdown table, ready for the README; missing numbers (a phase that timed
// out or did not run) show as n/a.
import type { BaselineResult } from './baseline.ts';
import type { GrowResult, IdleResult, RolloutResult } from './controller.ts';
import type { CreateStartResult, KubectlResult, ListResult, LoadResult } from './facade.ts';
import type { Options } from './options.ts';
import type { PhaseRecord } from './phases.ts';
import { mib, ms, round, secs } from './stats.ts';

interface FacadeReads {
  stacks: number;
  list25?: ListResult;
  list1000?: ListResult;
  load?: LoadResult;
  kubectl?: KubectlResult;
}

export interface ResultDoc {
  totalSeconds: number;
  error?: string;
  machine: { cpus: number; memoryGiB: number; cpuModel?: string | undefined };
  options: Options;
  phases: PhaseRecord[];
  results: {
    baseline?: BaselineResult;
    controller?: RolloutResult;
    idleSmall?: IdleResult;
    idleLarge?: IdleResult;
    grow?: GrowResult;
    facadeSmall?: FacadeReads;
    facadeLarge?: FacadeReads;
    facadeCreateStart?: CreateStartResult;
    rssAtStart?: { rss: number; peak: number };
  };
}

const n = (v: number | undefined) => (v === undefined ? 'n/a' : v.toLocaleString('en-US'));

function listRow(label: string, f: FacadeReads | undefined, key: 'list25' | 'list1000'): string[] {
  const l = f?.[key];
  return [
    label,
    l ? `${ms(l.latencyMs.p50)} / ${ms(l.latencyMs.p99)}` : 'n/a',
    l ? `${l.requests} sequential requests, ${round(l.bytes / 1024, 0)} KiB per answer` : '',
  ];
}

export function renderTable(doc: ResultDoc): string {
  const r = doc.results;
  const o = doc.options;
  const c = r.controller;
  const b = r.baseline;
  const ratio = c && b ? c.childrenAppliedSeconds / b.childrenSeenSeconds : undefined;
  const small = r.facadeSmall;
  const large = r.facadeLarge;
  const largeP99 = large?.list25?.latencyMs.p99;
  const rows: string[][] = [
    [`**Controller**: ${n(c?.stacks)} started stacks × 3 services (${o.workers} workers)`, '', ''],
    [
      'creation → every child applied (3 Deployments + 3 Services per stack)',
      secs(c?.childrenAppliedSeconds),
      `stacks created through the API in ${secs(c?.createSeconds)}, ${o.createConcurrency} in flight`,
    ],
    [
      'creation → every Deployment ready',
      secs(c?.allDeploymentsReadySeconds),
      'kube-controller-manager, scheduler and kwok included',
    ],
    ['creation → every stack Running, observedGeneration current', secs(c?.allRunningSeconds), ''],
    [
      '**Baseline**: the same children applied directly (SSA)',
      secs(b?.childrenSeenSeconds),
      b
        ? `${n(b.objects)} objects, ${b.concurrency} in flight; last answer at ${secs(b.applySeconds)}; all ready at ${secs(b.allReadySeconds)}`
        : '',
    ],
    [
      'controller ÷ baseline, every child applied (target ≤ 1.5)',
      ratio === undefined ? 'n/a' : `${ratio.toFixed(2)}×`,
      ratio === undefined ? '' : ratio <= 1.5 ? 'met' : '**not met**',
    ],
    [
      '**Status latency**: Deployment ready → Stack shows the service Running, p50 / p99',
      c ? `${ms(c.statusLatencyMs.p50)} / ${ms(c.statusLatencyMs.p99)}` : 'n/a',
      c ? `n = ${n(c.statusLatencyMs.n)} services, during the rollout; max ${ms(c.statusLatencyMs.max)}` : '',
    ],
    ['**Operator RSS**: caches synced, no stacks', mib(r.rssAtStart?.rss), ''],
    [
      `RSS at ${n(r.idleSmall?.stacks)} stacks (started)`,
      mib(r.idleSmall?.rssBytes),
      `peak so far ${mib(r.idleSmall?.peakRssBytes)}`,
    ],
    [
      `RSS at ${n(r.idleLarge?.stacks)} stacks`,
      mib(r.idleLarge?.rssBytes),
      r.grow
        ? `${n(r.grow.created)} of them not started (Deployments at 0 replicas, no pods); peak ${mib(r.idleLarge?.peakRssBytes)}`
        : '',
    ],
    [
      `grow by ${n(r.grow?.created)} not-started stacks → every child applied / every stack settled`,
      r.grow ? `${secs(r.grow.childrenAppliedSeconds)} / ${secs(r.grow.allSettledSeconds)}` : 'n/a',
      r.grow ? `created in ${secs(r.grow.createSeconds)}, 32 in flight` : '',
    ],
    [
      `**Idle CPU** at ${n(r.idleSmall?.stacks)} stacks`,
      r.idleSmall ? `${r.idleSmall.cpuPercentOfOneCore} % of a core` : 'n/a',
      r.idleSmall
        ? `${r.idleSmall.cpuSeconds} CPU s over ${r.idleSmall.windowSeconds} s; ${r.idleSmall.watchEventsDuringWindow} watch events in the window`
        : '',
    ],
    [
      `Idle CPU at ${n(r.idleLarge?.stacks)} stacks`,
      r.idleLarge ? `${r.idleLarge.cpuPercentOfOneCore} % of a core` : 'n/a',
      r.idleLarge
        ? `${r.idleLarge.cpuSeconds} CPU s over ${r.idleLarge.windowSeconds} s; ${r.idleLarge.watchEventsDuringWindow} watch events in the window`
        : '',
    ],
    [`**Façade** list \`?limit=25\` p50 / p99 at ${n(small?.stacks)} stacks`, ...listRow('', small, 'list25').slice(1)],
    [
      `list \`?limit=25\` p50 / p99 at ${n(large?.stacks)} stacks (goal p99 < 20 ms)`,
      ...listRow('', large, 'list25').slice(1, 2),
      largeP99 === undefined ? '' : largeP99 < 20 ? 'goal met' : '**goal not met**',
    ],
    [`list \`?limit=1000\` p50 / p99 at ${n(small?.stacks)} stacks`, ...listRow('', small, 'list1000').slice(1)],
    [`list \`?limit=1000\` p50 / p99 at ${n(large?.stacks)} stacks`, ...listRow('', large, 'list1000').slice(1)],
    ...[small, large].map((f) => [
      `list \`?limit=25\` under load at ${n(f?.stacks)} stacks`,
      f?.load ? `${n(f.load.requestsPerSecond)} req/s` : 'n/a',
      f?.load
        ? `${f.load.concurrency} connections from a second process for ${f.load.seconds} s; p50 ${ms(f.load.latencyMs.p50)}, p99 ${ms(f.load.latencyMs.p99)}; ${f.load.failures + f.load.requests - f.load.ok} not 200`
        : '',
    ]),
    ...[small, large].map((f) => [
      `\`kubectl get stacks -o json\` at ${n(f?.stacks)} stacks, median`,
      f?.kubectl ? secs(f.kubectl.seconds.p50) : 'n/a',
      f?.kubectl ? `${f.kubectl.runs} runs, ${round(f.kubectl.bytes / 2 ** 20, 1)} MiB of JSON` : '',
    ]),
    [
      `façade create + start, ${n(r.facadeCreateStart?.stacks)} stacks, ${r.facadeCreateStart?.concurrency ?? 'n/a'} at a time`,
      r.facadeCreateStart
        ? `${round(r.facadeCreateStart.stacksPerSecond, 1)} stacks/s (${round(r.facadeCreateStart.requestsPerSecond, 0)} req/s)`
        : 'n/a',
      r.facadeCreateStart
        ? `POST create p50/p99 ${ms(r.facadeCreateStart.createLatencyMs.p50)} / ${ms(r.facadeCreateStart.createLatencyMs.p99)}, start ${ms(r.facadeCreateStart.startLatencyMs.p50)} / ${ms(r.facadeCreateStart.startLatencyMs.p99)}; all Running after ${secs(r.facadeCreateStart.allRunningSeconds)}`
        : '',
    ],
  ];
  const lines = ['| measurement | result | notes |', '|---|---|---|', ...rows.map((row) => `| ${row.join(' | ')} |`)];
  const bad = doc.phases.filter((p) => p.status !== 'ok');
  lines.push(
    '',
    `Machine: ${doc.machine.cpus} cores (${doc.machine.cpuModel ?? 'unknown CPU'}), ${doc.machine.memoryGiB} GiB. Total bench time ${secs(doc.totalSeconds)}.`,
  );
  for (const p of bad) lines.push(`Phase "${p.name}": ${p.status.toUpperCase()} after ${p.seconds} s: ${p.message ?? ''}`);
  if (doc.error) lines.push(`The bench stopped early: ${doc.error.split('\n')[0]}`);
  return lines.join('\n');
}
