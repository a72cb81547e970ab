// The baseline: the children the controller would make, server-side applied straight from the
// bench at full concurrency, with no controller involved. The objects come from Longshore's own
// translation (desiredObjects) of real Stacks (created first, untimed, in a namespace no
// controller watches, so the owner references are valid), applied with Longshore's field manager
// over keep-alive connections (what a well-behaved client achieves). Timed the same way as the
// controller: by the bench's watches.
//
// The translation here has no surroundings (no caches), so the stack's EndpointSlice it returns
// lists no address. The baseline does what the controller does in a reconcile: it applies the
// stack's Services first and makes the slice again with the cluster IPs their applies answered,
// so both write the same objects. A stack's slice is applied as soon as its Services have
// answered, ahead of the queue (its Deployments may still be in flight; the controller waits for
// those too, but the slice depends on the Services only).
import { FIELD_MANAGER } from '../src/kube/children.ts';
import type { Stack } from '../src/model/stack.ts';
import {
  desiredObjects,
  EMPTY_SURROUNDINGS,
  type KubeObject,
  serviceChildName,
  type TranslateOptions,
} from '../src/translate/index.ts';
import type { KubeHttp } from './kube-http.ts';
import type { Deadline } from './phases.ts';
import { roundSummary, type Summary, summarize } from './stats.ts';
import type { NamespaceTracker } from './watch.ts';
import { type ChildCounts, retrying } from './workload.ts';

export interface BaselineResult {
  stacks: number;
  objects: number;
  /** By kind: what the baseline applied (the controller's children of the same stacks). */
  objectsByKind: Record<string, number>;
  childrenPerStack: ChildCounts;
  /** The cluster DNS address the pods were given, as Longshore finds it (kube-system/kube-dns). */
  clusterDnsIp?: string;
  concurrency: number;
  /** First apply sent → last apply answered (client side). */
  applySeconds: number;
  /** First apply sent → the watch has shown every child of every stack (as for the controller). */
  childrenSeenSeconds: number;
  /** First apply sent → every Deployment ready at its target (the controllers' and kwok's share). */
  allReadySeconds: number;
  applyLatencyMs: Summary;
}

/** One stack's work: its objects, and the cluster IPs its Service applies answered. */
interface Plan {
  stack: Stack;
  /** Everything but the EndpointSlices, in the translation's order (Services first). */
  objects: KubeObject[];
  servicesLeft: number;
  clusterIPs: Map<string, string>;
}

const KINDS = new Set(['Deployment', 'Service', 'EndpointSlice']);

export async function runBaseline(
  http: KubeHttp,
  namespace: string,
  stacks: readonly Stack[],
  /** The options Longshore translates with on this cluster (its defaults and the cluster DNS it finds). */
  options: TranslateOptions,
  concurrency: number,
  tracker: NamespaceTracker,
  deadline: Deadline,
): Promise<BaselineResult> {
  const objectsByKind: Record<string, number> = {};
  const plans: Plan[] = stacks.map((stack) => {
    const t = desiredObjects(stack, options);
    if (t.problems.length) throw new Error(`translation of ${stack.metadata.name} has problems: ${JSON.stringify(t.problems)}`);
    const unexpected = t.objects.find((o) => !KINDS.has(o.kind));
    if (unexpected) throw new Error(`the baseline applies ${[...KINDS].join(', ')} only, not ${unexpected.kind}`);
    for (const o of t.objects) objectsByKind[o.kind] = (objectsByKind[o.kind] ?? 0) + 1;
    const objects = t.objects.filter((o) => o.kind !== 'EndpointSlice');
    return { stack, objects, servicesLeft: objects.filter((o) => o.kind === 'Service').length, clusterIPs: new Map() };
  });
  const total = Object.values(objectsByKind).reduce((a, b) => a + b, 0);
  /** The stack's EndpointSlices, translated again with the cluster IPs of its Services. */
  const slicesOf = (plan: Plan): KubeObject[] =>
    desiredObjects(plan.stack, options, {
      ...EMPTY_SURROUNDINGS,
      serviceAddresses: (stackName, service) => {
        const ip = stackName === plan.stack.metadata.name ? plan.clusterIPs.get(serviceChildName(stackName, service)) : undefined;
        return ip === undefined ? [] : [ip];
      },
    }).objects.filter((o) => o.kind === 'EndpointSlice');
  const pathOf = (o: KubeObject) => {
    const name = o.metadata.name;
    if (o.kind === 'Deployment') return `/apis/apps/v1/namespaces/${namespace}/deployments/${name}`;
    if (o.kind === 'Service') return `/api/v1/namespaces/${namespace}/services/${name}`;
    return `/apis/discovery.k8s.io/v1/namespaces/${namespace}/endpointslices/${name}`;
  };
  const latencies: number[] = [];

  const t0 = performance.now();
  const stackCount = stacks.length;
  const seen = tracker.until(
    'every baseline child in the watch',
    () => tracker.stackApplied.size >= stackCount,
    deadline,
    () => tracker.childProgress(stackCount),
  );
  const ready = tracker.until(
    'every baseline Deployment ready',
    () => tracker.deploymentReady.size >= stackCount * tracker.expected.Deployment,
    deadline,
    () => `${tracker.deploymentReady.size} of ${stackCount * tracker.expected.Deployment} ready`,
  );
  // Awaited below; a rejection meanwhile must not count as unhandled.
  for (const p of [seen, ready]) p.catch(() => {});

  // `concurrency` applies in flight over all stacks' objects in order; a stack's slice goes to
  // the head of the queue once its Services have answered.
  const queue = plans.flatMap((plan) =>
    [...plan.objects, ...(plan.servicesLeft === 0 ? slicesOf(plan) : [])].map((obj) => ({ plan, obj })),
  );
  const slicesDue: { plan: Plan; obj: KubeObject }[] = [];
  let next = 0;
  let answered = 0;
  let failed: unknown;
  const take = () => slicesDue.shift() ?? queue[next++];
  const worker = async () => {
    for (let work = take(); work !== undefined && failed === undefined; work = take()) {
      try {
        deadline.check('baseline applies', () => `${answered} of ${total} answered`);
        const { plan, obj } = work;
        const started = performance.now();
        const result = (await retrying(() => http.apply(pathOf(obj), obj, FIELD_MANAGER))) as { spec?: { clusterIP?: string } };
        latencies.push(performance.now() - started);
        answered++;
        if (obj.kind !== 'Service') continue;
        const ip = result.spec?.clusterIP;
        if (ip !== undefined && ip !== '' && ip !== 'None') plan.clusterIPs.set(obj.metadata.name, ip);
        if (--plan.servicesLeft === 0) slicesDue.push(...slicesOf(plan).map((slice) => ({ plan, obj: slice })));
      } catch (err) {
        failed ??= err;
      }
    }
  };
  // A worker that finds the queue empty stops; the one that answers a stack's last Service
  // takes its slice next, so no slice is left behind.
  await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
  if (failed !== undefined) throw failed;
  const applied = performance.now();
  const [seenAt, readyAt] = await Promise.all([seen, ready]);
  return {
    stacks: stacks.length,
    objects: answered,
    objectsByKind,
    childrenPerStack: tracker.expected,
    ...(options.clusterDnsIp !== undefined ? { clusterDnsIp: options.clusterDnsIp } : {}),
    concurrency,
    applySeconds: (applied - t0) / 1000,
    childrenSeenSeconds: (seenAt - t0) / 1000,
    allReadySeconds: (readyAt - t0) / 1000,
    applyLatencyMs: roundSummary(summarize(latencies)),
  };
}
