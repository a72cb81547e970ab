// The baseline: the children the controller would make, server-side applied straight from the
// bench at full concurrency, with no controller involved. The objects come from Longshore's own
// translation (desiredObjects) of real Stacks (created first, untimed, in a namespace no
// controller watches, so the owner references are valid), applied with Longshore's field manager
// over keep-alive connections (what a well-behaved client achieves). Timed the same way as the
// controller: by the bench's watches.
import { FIELD_MANAGER } from '../src/kube/children.ts';
import type { Stack } from '../src/model/stack.ts';
import { defaultTranslateOptions, desiredObjects } from '../src/translate/index.ts';
import type { KubeHttp } from './kube-http.ts';
import type { Deadline } from './phases.ts';
import { roundSummary, type Summary, summarize } from './stats.ts';
import type { NamespaceTracker } from './watch.ts';
import { mapLimit, retrying, SERVICES_PER_STACK } from './workload.ts';

export interface BaselineResult {
  stacks: number;
  objects: number;
  concurrency: number;
  /** First apply sent → last apply answered (client side). */
  applySeconds: number;
  /** First apply sent → the watch has shown every Deployment and Service. */
  childrenSeenSeconds: number;
  /** First apply sent → every Deployment ready at its target (the controllers' and kwok's share). */
  allReadySeconds: number;
  applyLatencyMs: Summary;
}

export async function runBaseline(
  http: KubeHttp,
  namespace: string,
  stacks: readonly Stack[],
  concurrency: number,
  tracker: NamespaceTracker,
  deadline: Deadline,
): Promise<BaselineResult> {
  const objects = stacks.flatMap((s) => {
    const t = desiredObjects(s, defaultTranslateOptions);
    if (t.problems.length) throw new Error(`translation of ${s.metadata.name} has problems: ${JSON.stringify(t.problems)}`);
    return t.objects;
  });
  const pathOf = (kind: string, name: string) =>
    kind === 'Deployment'
      ? `/apis/apps/v1/namespaces/${namespace}/deployments/${name}`
      : `/api/v1/namespaces/${namespace}/services/${name}`;
  const unexpected = objects.find((o) => o.kind !== 'Deployment' && o.kind !== 'Service');
  if (unexpected) throw new Error(`the baseline applies Deployments and Services only, not ${unexpected.kind}`);
  const expected = stacks.length * SERVICES_PER_STACK;
  const latencies: number[] = [];

  const t0 = performance.now();
  const seen = tracker.until(
    'every baseline child in the watch',
    () => tracker.deploymentSeen.size >= expected && tracker.serviceSeen.size >= expected,
    deadline,
    () => `${tracker.deploymentSeen.size} Deployments, ${tracker.serviceSeen.size} Services of ${expected} each`,
  );
  const ready = tracker.until(
    'every baseline Deployment ready',
    () => tracker.deploymentReady.size >= expected,
    deadline,
    () => `${tracker.deploymentReady.size} of ${expected} ready`,
  );
  // Awaited below; a rejection meanwhile must not count as unhandled.
  for (const p of [seen, ready]) p.catch(() => {});
  await mapLimit(
    objects,
    concurrency,
    deadline,
    async (obj) => {
      const started = performance.now();
      await retrying(() => http.apply(pathOf(obj.kind, obj.metadata?.name ?? ''), obj, FIELD_MANAGER));
      latencies.push(performance.now() - started);
    },
    'baseline applies',
  );
  const applied = performance.now();
  const [seenAt, readyAt] = await Promise.all([seen, ready]);
  return {
    stacks: stacks.length,
    objects: objects.length,
    concurrency,
    applySeconds: (applied - t0) / 1000,
    childrenSeenSeconds: (seenAt - t0) / 1000,
    allReadySeconds: (readyAt - t0) / 1000,
    applyLatencyMs: roundSummary(summarize(latencies)),
  };
}
