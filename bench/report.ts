// The results as Markdown tables, ready for the README; numbers a phase did not produce (it
// timed out, or did not run) show as n/a.
import type { BaselineResult } from './baseline.ts';
import type { ClientOverhead } from './client-overhead.ts';
import type { GrowResult, IdleResult, PacedResult, RolloutResult } from './controller.ts';
import type { CreateStartResult, KubectlResult, ListResult, LoadResult } from './facade.ts';
import type { HostileResult } from './hostile.ts';
import type { Options } from './options.ts';
import type { PhaseRecord } from './phases.ts';
import type { RoundsResult } from './rounds.ts';
import { mib, ms, round, secs } from './stats.ts';
import { describeChildren } from './workload.ts';

type Memory = { rss: number; peak: number };

interface FacadeReads {
  stacks: number;
  rssEmpty?: Memory;
  list25?: ListResult;
  list1000?: ListResult;
  load?: LoadResult;
  kubectl?: KubectlResult;
  rssAfterSync?: Memory;
  rssAfterReads?: Memory;
}

export interface ResultDoc {
  totalSeconds: number;
  error?: string;
  machine: { cpus: number; memoryGiB: number; cpuModel?: string | undefined };
  options: Options;
  phases: PhaseRecord[];
  results: {
    clientOverhead?: ClientOverhead;
    baseline?: BaselineResult;
    controller?: RolloutResult;
    paced?: PacedResult;
    idleSmall?: IdleResult;
    idleLarge?: IdleResult;
    grow?: GrowResult;
    facadeSmall?: FacadeReads;
    facadeLarge?: FacadeReads;
    facadeCreateStart?: CreateStartResult;
    rssAtStart?: Memory;
    rssAtEnd?: Memory & { stacks: number };
    memoryAtIdleSmall?: Record<string, number>;
    memoryRounds?: RoundsResult;
    hostile?: HostileResult & { stored: boolean };
    longshoreCommand?: string;
    restart?: { stacks: number; readySeconds: number; statesBefore: Record<string, number>; statesAfter: Record<string, number> };
  };
  evidence: Record<
    string,
    { cpuSeconds?: Record<string, number>; longshore?: Record<string, number>; apiServerRequests?: Record<string, number> }
  >;
}

const n = (v: number | undefined) => (v === undefined ? 'n/a' : v.toLocaleString('en-US'));
const p50p99 = (s: { p50: number; p99: number } | undefined) => (s ? `${ms(s.p50)} / ${ms(s.p99)}` : 'n/a');

function facadeRows(f: FacadeReads | undefined, where: string, goal: boolean): string[][] {
  const at = `${n(f?.stacks)} stacks${where}`;
  const l25 = f?.list25;
  const l1000 = f?.list1000;
  const p99 = l25?.latencyMs.p99;
  const cpu = (l: ListResult | undefined) => (l ? `; server CPU ${l.serverCpuMsPerRequest} ms per request` : '');
  return [
    [
      `list \`?limit=25\`, p50 / p99, at ${at}${goal ? ' (goal: p99 < 20 ms)' : ''}`,
      p50p99(l25?.latencyMs),
      (l25 ? `${l25.requests} sequential requests${cpu(l25)}` : '') +
        (goal && p99 !== undefined ? (p99 < 20 ? '; **goal met**' : '; **goal not met**') : ''),
    ],
    [
      `list \`?limit=1000\`, p50 / p99, at ${at}`,
      p50p99(l1000?.latencyMs),
      l1000 ? `${l1000.requests} sequential requests, ${round(l1000.bytes / 1024, 0)} KiB each${cpu(l1000)}` : '',
    ],
    [
      `list \`?limit=25\` under load at ${at}`,
      f?.load ? `${n(f.load.requestsPerSecond)} req/s` : 'n/a',
      f?.load
        ? `${f.load.concurrency} keep-alive connections from a second process for ${f.load.seconds} s; latency p50 ${ms(f.load.latencyMs.p50)}, p99 ${ms(f.load.latencyMs.p99)}; ${f.load.requests - f.load.ok} not 200`
        : '',
    ],
    [
      `\`kubectl get stacks -o json\` at ${at}, median`,
      f?.kubectl ? secs(f.kubectl.seconds.p50) : 'n/a',
      f?.kubectl ? `${f.kubectl.runs} runs, ${round(f.kubectl.bytes / 2 ** 20, 1)} MiB of JSON` : '',
    ],
  ];
}

/** Issue #9's targets: controller ÷ baseline, and the operator's RSS at 1,000 started stacks. */
const RATIO_TARGET = 1.3;
const RSS_TARGET_MIB = 250;

/** The API server's CPU in the controller phase against the baseline's. */
function apiCpuNote(doc: ResultDoc): string {
  const ctl = doc.evidence['controller']?.cpuSeconds?.['kube-apiserver'];
  const base = doc.evidence['baseline']?.cpuSeconds?.['kube-apiserver'];
  return ctl && base ? `; API server CPU ${secs(ctl)} vs ${secs(base)} (${(ctl / base).toFixed(2)}×)` : '';
}

/** The API server's requests of a phase by "VERB resource" (status codes summed), per stack. */
function perStackRequests(doc: ResultDoc, phase: 'baseline' | 'controller'): Map<string, number> | undefined {
  const counts = doc.evidence[phase]?.apiServerRequests;
  const stacks = phase === 'baseline' ? doc.results.baseline?.stacks : doc.results.controller?.stacks;
  if (!counts || !stacks) return undefined;
  const out = new Map<string, number>();
  for (const [k, v] of Object.entries(counts)) {
    const request = k.split(' ').slice(0, 2).join(' ');
    out.set(request, (out.get(request) ?? 0) + v / stacks);
  }
  return out;
}

const total = (m: Map<string, number> | undefined) => (m ? [...m.values()].reduce((a, b) => a + b, 0) : undefined);

function requestsPerStack(doc: ResultDoc): string {
  const [c, b] = [total(perStackRequests(doc, 'controller')), total(perStackRequests(doc, 'baseline'))];
  return c === undefined || b === undefined ? 'n/a' : `${c.toFixed(1)} / ${b.toFixed(1)}`;
}

/** Every request kind the two phases made, per stack, the controller's extra ones first. */
function requestTable(doc: ResultDoc): string[] {
  const c = perStackRequests(doc, 'controller');
  const b = perStackRequests(doc, 'baseline');
  if (!c || !b) return [];
  const kinds = [...new Set([...c.keys(), ...b.keys()])]
    .map((k) => ({ k, c: c.get(k) ?? 0, b: b.get(k) ?? 0 }))
    .sort((x, y) => y.c - y.b - (x.c - x.b) || x.k.localeCompare(y.k));
  return [
    '| API server requests per stack | controller | baseline | difference |',
    '|---|---|---|---|',
    ...kinds.map((x) => `| ${x.k} | ${x.c.toFixed(2)} | ${x.b.toFixed(2)} | ${(x.c - x.b).toFixed(2)} |`),
    `| **total** | ${total(c)?.toFixed(2)} | ${total(b)?.toFixed(2)} | ${((total(c) ?? 0) - (total(b) ?? 0)).toFixed(2)} |`,
  ];
}

function hostileAnswers(h: HostileResult): string {
  const byStatus: Record<string, number> = {};
  for (const statuses of Object.values(h.replies))
    for (const [status, count] of Object.entries(statuses)) byStatus[status] = (byStatus[status] ?? 0) + count;
  return Object.entries(byStatus)
    .map(([status, count]) => `${count}× ${status}`)
    .join(', ');
}

/** CPU of every Longshore process the bench ran (the operator, the façade-only one, a restarted one). */
function longshoreCpu(cpu: Record<string, number>): number | undefined {
  const parts = ['longshore', 'facadeOnly', 'longshoreRestarted'].map((k) => cpu[k]).filter((v) => v !== undefined);
  return parts.length ? parts.reduce((a, b) => a + b, 0) : undefined;
}

/** The restarted process's own writes (its counters start at zero): a restart should write nothing. */
function restartWrites(doc: ResultDoc): string {
  const counters = doc.evidence['restart']?.longshore;
  if (!counters) return 'writes by the restarted process: n/a';
  const writes = Object.entries(counters)
    .filter(([k]) => k.startsWith('longshore_api_writes_total'))
    .map(([k, v]) => `${v} ${/verb="([^"]*)"/.exec(k)?.[1]} ${/kind="([^"]*)"/.exec(k)?.[1]}`);
  return `writes by the restarted process: ${writes.length === 0 ? 'none' : writes.join(', ')}`;
}

export function renderTable(doc: ResultDoc): string {
  const r = doc.results;
  const o = doc.options;
  const c = r.controller;
  const b = r.baseline;
  const ratio = c && b ? c.childrenAppliedSeconds / b.childrenSeenSeconds : undefined;
  const large = r.facadeLarge;
  const co = r.clientOverhead;
  const perStack = c?.childrenPerStack ?? b?.childrenPerStack;
  const children = perStack ? describeChildren(perStack) : 'every child';
  const rows: string[][] = [
    [`**Controller**, ${n(c?.stacks)} started stacks × 3 services, LONGSHORE_WORKERS=${o.workers}`, '', ''],
    [
      `creation → every child applied (${children} per stack, the slice listing every name with an address)`,
      secs(c?.childrenAppliedSeconds),
      `Stacks created through the API in ${secs(c?.createSeconds)}, ${o.createConcurrency} in flight`,
    ],
    [
      'creation → every Deployment ready',
      secs(c?.allDeploymentsReadySeconds),
      'kube-controller-manager, scheduler and kwok included',
    ],
    ['creation → every stack Running, observedGeneration current', secs(c?.allRunningSeconds), ''],
    [
      '**Baseline**: the same objects applied directly (SSA) → every child applied',
      secs(b?.childrenSeenSeconds),
      b
        ? `${n(b.objects)} objects, ${b.concurrency} in flight, keep-alive; every Deployment ready at ${secs(b.allReadySeconds)}`
        : '',
    ],
    [
      `controller ÷ baseline, every child applied (target ≤ ${RATIO_TARGET}×)`,
      ratio === undefined ? 'n/a' : `${ratio.toFixed(2)}×`,
      (ratio === undefined ? '' : ratio <= RATIO_TARGET ? '**met**' : '**not met**') + apiCpuNote(doc),
    ],
    [
      'API server requests per stack, controller / baseline (every component: Longshore or the bench, kube-controller-manager, scheduler, kwok)',
      requestsPerStack(doc),
      'by request in the second table below',
    ],
    [
      '**Status latency** (Deployment ready → Stack shows the service Running), p50 / p99, during the rollout',
      p50p99(c?.statusLatencyMs),
      c ? `${n(c.statusLatencyMs.n)} services; max ${ms(c.statusLatencyMs.max)}` : '',
    ],
    [
      `status latency, p50 / p99, ${n(r.paced?.stacks)} stacks started one by one at ${r.paced?.perSecond ?? 'n/a'}/s`,
      p50p99(r.paced?.statusLatencyMs),
      r.paced ? `${n(r.paced.statusLatencyMs.n)} services; max ${ms(r.paced.statusLatencyMs.max)}` : '',
    ],
    ['**Operator RSS**, caches synced, no stacks', mib(r.rssAtStart?.rss), ''],
    [
      `RSS at ${n(r.idleSmall?.stacks)} started stacks (target ≤ ${RSS_TARGET_MIB} MiB)`,
      mib(r.idleSmall?.rssBytes),
      `peak so far ${mib(r.idleSmall?.peakRssBytes)}` +
        (r.idleSmall ? (r.idleSmall.rssBytes <= RSS_TARGET_MIB * 2 ** 20 ? '; **met**' : '; **not met**') : ''),
    ],
    [
      `RSS at the end of the operator phases, ${n(r.rssAtEnd?.stacks)} stacks`,
      mib(r.rssAtEnd?.rss),
      `peak ${mib(r.rssAtEnd?.peak)}`,
    ],
    ...(r.grow
      ? [
          [
            `grow by ${n(r.grow.created)} not-started stacks → every child applied / every stack settled`,
            `${secs(r.grow.childrenAppliedSeconds)} / ${secs(r.grow.allSettledSeconds)}`,
            `created in ${secs(r.grow.createSeconds)}, 32 in flight`,
          ],
          [`RSS at ${n(r.idleLarge?.stacks)} stacks`, mib(r.idleLarge?.rssBytes), `peak ${mib(r.idleLarge?.peakRssBytes)}`],
        ]
      : []),
    [
      `RSS across ${r.memoryRounds?.rounds.length ?? 'n/a'} rounds of ${n(r.memoryRounds?.stacksPerRound)} started stacks created, then all deleted: before → Running / deleted per round`,
      r.memoryRounds
        ? [
            mib(r.memoryRounds.rssBefore),
            ...r.memoryRounds.rounds.map((x) => `${mib(x.rssCreated)} / ${mib(x.rssDeleted)}`),
          ].join(' → ')
        : 'n/a',
      r.memoryRounds
        ? `rounds of ${r.memoryRounds.rounds.map((x) => secs(x.seconds)).join(', ')}, on top of the stacks above`
        : '',
    ],
    [
      `RSS under hostile bodies (issue #9: nesting, 100,000-item lists, oversized bodies and URLs), ${r.hostile?.connections ?? 'n/a'} connections for ${r.hostile?.seconds ?? 'n/a'} s`,
      r.hostile ? `peak ${mib(r.hostile.rssPeak)} (limit ${mib(r.hostile.memoryLimit)})` : 'n/a',
      r.hostile
        ? `${mib(r.hostile.rssBefore)} before, ${mib(r.hostile.rssAfter)} 5 s after; ${n(r.hostile.requests)} requests, answers ${hostileAnswers(r.hostile)}, largest ${n(r.hostile.largestReplyBytes)} bytes; ${r.hostile.stored ? '**a hostile stack was stored**' : 'nothing stored'}` +
          (r.hostile.memoryLimit !== undefined
            ? r.hostile.rssPeak < r.hostile.memoryLimit
              ? '; **within the limit**'
              : '; **over the limit**'
            : '')
        : '',
    ],
    [
      `RSS of a façade-only process (LONGSHORE_CONTROLLER=false) caching ${n(large?.stacks)} stacks`,
      mib(large?.rssAfterSync?.rss),
      large?.rssAfterReads
        ? `${mib(large.rssEmpty?.rss)} before the stacks existed; ${mib(large.rssAfterReads.rss)} after the read tests (peak ${mib(large.rssAfterReads.peak)})`
        : '',
    ],
    [
      `**Idle CPU** at ${n(r.idleSmall?.stacks)} stacks`,
      r.idleSmall ? `${r.idleSmall.cpuPercentOfOneCore} % of one core` : 'n/a',
      r.idleSmall
        ? `${r.idleSmall.cpuSeconds} CPU s over ${r.idleSmall.windowSeconds} s; ${r.idleSmall.watchEventsDuringWindow} watch events in the window`
        : '',
    ],
    ...(r.idleLarge
      ? [
          [
            `Idle CPU at ${n(r.idleLarge.stacks)} stacks`,
            `${r.idleLarge.cpuPercentOfOneCore} % of one core`,
            `${r.idleLarge.cpuSeconds} CPU s over ${r.idleLarge.windowSeconds} s`,
          ],
        ]
      : []),
    [
      `**Restart**: Longshore stopped and started again over ${n(r.restart?.stacks ?? doc.results.rssAtEnd?.stacks)} stacks → ready (caches synced)`,
      r.restart ? secs(r.restart.readySeconds) : '**not ready**',
      r.restart
        ? `${restartWrites(doc)}; stack states before: ${JSON.stringify(r.restart.statesBefore)}; after, once quiet: ${JSON.stringify(r.restart.statesAfter)}`
        : (doc.phases.find((p) => p.name.startsWith('restart'))?.message ?? 'did not run'),
    ],
    ['**Façade**', '', ''],
    ...facadeRows(r.facadeSmall, ', served by the operator', false),
    ...facadeRows(large, ', façade-only process', true),
    [
      `create + start through the façade, ${n(r.facadeCreateStart?.stacks)} stacks, ${r.facadeCreateStart?.concurrency ?? 'n/a'} at a time`,
      r.facadeCreateStart
        ? `${round(r.facadeCreateStart.stacksPerSecond, 1)} stacks/s (${round(r.facadeCreateStart.requestsPerSecond, 0)} req/s)`
        : 'n/a',
      r.facadeCreateStart
        ? `POST create p50/p99 ${p50p99(r.facadeCreateStart.createLatencyMs)}, start ${p50p99(r.facadeCreateStart.startLatencyMs)}; all Running after ${secs(r.facadeCreateStart.allRunningSeconds)}`
        : '',
    ],
    [
      "**API client cost** per sequential GET: client-node 2.0.1 as is / with Longshore's connection reuse / plain keep-alive",
      co
        ? `${co.clientNode.msPerRequest} / ${co.longshoreClient?.msPerRequest ?? 'n/a'} / ${co.keepAlive.msPerRequest} ms`
        : 'n/a',
      co
        ? `API server CPU ${co.clientNode.apiServerCpuMsPerRequest} / ${co.longshoreClient?.apiServerCpuMsPerRequest ?? 'n/a'} / ${co.keepAlive.apiServerCpuMsPerRequest} ms, client CPU ${co.clientNode.clientCpuMsPerRequest} / ${co.longshoreClient?.clientCpuMsPerRequest ?? 'n/a'} / ${co.keepAlive.clientCpuMsPerRequest} ms per request; ${co.connectionsAfterClientNode ?? 'n/a'} connections left open by ${co.requests} plain client-node requests`
        : '',
    ],
  ];
  const lines = ['| measurement | result | notes |', '|---|---|---|', ...rows.map((row) => `| ${row.join(' | ')} |`)];
  lines.push('', ...requestTable(doc));

  // Where the CPU went, per phase: the machine is shared, so say how much was not ours.
  lines.push(
    '',
    '| phase | wall | machine busy | not ours | Longshore CPU | kube-apiserver CPU | kube-controller-manager CPU |',
    '|---|---|---|---|---|---|---|',
  );
  for (const [key, e] of Object.entries(doc.evidence)) {
    const cpu = e.cpuSeconds;
    if (!cpu?.['wall'] || key === 'cluster') continue;
    const cores = (v: number | undefined) => (v === undefined ? 'n/a' : `${Math.round((v / (cpu['wall'] as number)) * 100)} %`);
    lines.push(
      `| ${key} | ${secs(cpu['wall'])} | ${cores(cpu['machineBusy'])} | ${cores(cpu['others'])} | ${secs(longshoreCpu(cpu))} | ${secs(cpu['kube-apiserver'])} | ${secs(cpu['kube-controller-manager'])} |`,
    );
  }
  lines.push(
    '',
    `"machine busy" and "not ours" are shares of one core (${doc.machine.cpus} cores = ${doc.machine.cpus * 100} %); "not ours" is CPU of every process other than the control plane, Longshore and the bench's orchestrator: other work on the machine, and in the façade phases the load generator and kubectl. Longshore CPU counts every Longshore process (the façade-only one in facadeLarge, the restarted one in restart).`,
    `Longshore ran as the image runs it: \`${r.longshoreCommand ?? 'n/a'}\`.`,
    `Machine: ${doc.machine.cpus} cores (${doc.machine.cpuModel ?? 'unknown CPU'}), ${doc.machine.memoryGiB} GiB. Total bench time ${secs(doc.totalSeconds)}.`,
  );
  for (const p of doc.phases.filter((x) => x.status !== 'ok')) {
    lines.push(`Phase "${p.name}": ${p.status.toUpperCase()} after ${p.seconds} s: ${p.message ?? ''}`);
  }
  if (doc.error) lines.push(`The bench stopped early: ${doc.error.split('\n')[0]}`);
  return lines.join('\n');
}
