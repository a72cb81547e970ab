// autodestroy: the ended containers of a service run as a Job are removed.
import type { Logger } from 'pino';
import { autodestroy, workloadKind } from '../model/defaults.ts';
import type { Stack } from '../model/stack.ts';
import { allBounded } from '../util/bounded.ts';
import { SERVICE_LABEL } from './caches.ts';
import { CHILD_CONCURRENCY, goneAlready, type ReconcileDeps } from './reconcile-deps.ts';

/**
 * autodestroy: the ended pods of a service run as a Job are deleted, those that succeeded
 * (ON_SUCCESS) or all of them (ALWAYS). The Job stays, with its counts, as the record of the
 * run: deleting it would make the next reconcile run the service again. A blocked service is
 * left alone, as everything of it is.
 */
export async function removeEndedContainers(
  stack: Stack,
  blocked: ReadonlySet<string>,
  deps: ReconcileDeps,
  log: Logger,
): Promise<void> {
  const removes = new Map<string, readonly string[]>();
  for (const svc of stack.spec.services) {
    if (blocked.has(svc.name) || workloadKind(svc) !== 'Job') continue;
    const policy = autodestroy(svc);
    if (policy !== 'OFF') removes.set(svc.name, policy === 'ALWAYS' ? ['Succeeded', 'Failed'] : ['Succeeded']);
  }
  if (removes.size === 0) return;
  const key = `${stack.metadata.namespace}/${stack.metadata.name}`;
  const ended = deps.caches.pods.byIndex('stack', key).filter((p) => {
    const phase = (p as { status?: { phase?: string } }).status?.phase ?? '';
    const ownedByJob = p.metadata?.ownerReferences?.some((r) => r.kind === 'Job') ?? false;
    return (
      ownedByJob && !p.metadata?.deletionTimestamp && removes.get(p.metadata?.labels?.[SERVICE_LABEL] ?? '')?.includes(phase)
    );
  });
  await allBounded(ended, CHILD_CONCURRENCY, async (pod) => {
    await deps.deletePod(stack.metadata.namespace!, pod.metadata!.name!, pod.metadata!.uid!).catch(goneAlready);
    deps.onWrite?.('delete', 'Pod');
    log.info({ pod: pod.metadata?.name }, 'autodestroy: ended container removed');
  });
}
