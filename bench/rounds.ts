// Memory comes back (issue #9): rounds of creating started stacks and deleting them all, with
// the operator's resident memory read from /proc after each creation (every stack Running) and
// after each deletion (every stack, Deployment and Service of the round gone, then 5 s quiet).
// Growth that survives the deletions would be memory kept for objects that are gone.

import { GROUP, PLURAL, VERSION } from '../src/model/stack.ts';
import { serviceChildName } from '../src/translate/index.ts';
import type { KubeHttp } from './kube-http.ts';
import type { Deadline } from './phases.ts';
import { memory } from './proc.ts';
import type { NamespaceTracker } from './watch.ts';
import { createStacks, mapLimit, retrying, SERVICES, stackNames } from './workload.ts';

export interface Round {
  /** VmRSS with the round's stacks Running. */
  rssCreated: number;
  /** VmRSS once they and their children are gone. */
  rssDeleted: number;
  seconds: number;
}

export interface RoundsResult {
  stacksPerRound: number;
  /** VmRSS before the first round. */
  rssBefore: number;
  rounds: Round[];
}

export async function memoryRounds(
  http: KubeHttp,
  namespace: string,
  pid: number,
  tracker: NamespaceTracker,
  rounds: number,
  perRound: number,
  concurrency: number,
  d: Deadline,
): Promise<RoundsResult> {
  const rss = () => memory(pid)?.rss ?? 0;
  const out: RoundsResult = { stacksPerRound: perRound, rssBefore: rss(), rounds: [] };
  const path = `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/${PLURAL}`;
  for (let r = 1; r <= rounds; r++) {
    const t0 = performance.now();
    const names = stackNames(`round${r}-`, 0, perRound);
    await createStacks(http, namespace, names, true, concurrency, d);
    await tracker.untilSettled(`round ${r}: every stack Running`, names, d);
    const rssCreated = rss();
    await mapLimit(names, concurrency, d, (name) => retrying(() => http.send('DELETE', `${path}/${name}`)).then(() => {}));
    const children = names.flatMap((n) => SERVICES.map((s) => serviceChildName(n, s)));
    const gone = () =>
      names.every((n) => !tracker.live.Stack.has(n)) &&
      children.every((c) => !tracker.live.Deployment.has(c) && !tracker.live.Service.has(c));
    await tracker.until(`round ${r}: every stack and child deleted`, gone, d, () => {
      const stacks = names.filter((n) => tracker.live.Stack.has(n)).length;
      const left = children.filter((c) => tracker.live.Deployment.has(c) || tracker.live.Service.has(c)).length;
      return `${stacks} stacks and ${left} services' children left`;
    });
    await tracker.quiet(5_000, d, performance.now());
    out.rounds.push({ rssCreated, rssDeleted: rss(), seconds: (performance.now() - t0) / 1000 });
  }
  return out;
}
