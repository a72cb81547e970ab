// After the report: when to look at a stack again although nothing may wake it, and a
// Terminated stack's end once its retention has passed.
import type { Logger } from 'pino';
import type { Stack, StackStatus } from '../model/stack.ts';
import type { ReconcileResult } from '../runtime/controller.ts';
import type { Problem } from '../translate/index.ts';
import type { StackImages } from './images.ts';
import { goneAlready, type ReconcileDeps } from './reconcile-deps.ts';

/**
 * How soon a stack whose link names nothing that exists looks again: a plain Service is not
 * watched (another stack is: its creation wakes the stacks that link to it).
 */
const MISSING_LINK_RECHECK_MS = 30_000;

export async function nextLook(
  stack: Stack,
  status: StackStatus,
  problems: readonly Problem[],
  images: StackImages | undefined,
  deps: ReconcileDeps,
  log: Logger,
): Promise<ReconcileResult> {
  if (status.state === 'Terminated' && status.destroyedAt) {
    const left = Date.parse(status.destroyedAt) + deps.terminatedRetentionMs - deps.now().getTime();
    if (left <= 0) {
      const { namespace, name, uid } = stack.metadata;
      await deps.deleteStack(namespace!, name!, uid!).catch(goneAlready);
      log.info('terminated stack removed after its retention period');
      return {};
    }
    return { requeueAfterMs: left };
  }
  const missingLink = problems.some((p) => p.field.startsWith('linkedToService[') && p.field.endsWith('.toService'));
  const recheck = daemonSetDeadlineCheck(stack, status, deps);
  const soonest = Math.min(
    recheck.requeueAfterMs ?? Number.POSITIVE_INFINITY,
    missingLink ? MISSING_LINK_RECHECK_MS : Number.POSITIVE_INFINITY,
    images?.retryAfterMs ?? Number.POSITIVE_INFINITY,
  );
  return soonest === Number.POSITIVE_INFINITY ? recheck : { ...recheck, requeueAfterMs: soonest };
}

/**
 * Deployments report a missed progress deadline themselves (an event wakes us); DaemonSets
 * have none, so the state rules time them against the stack's Progressing condition, and
 * nothing would wake us when that time comes: look again just after it.
 */
function daemonSetDeadlineCheck(stack: Stack, status: StackStatus, deps: ReconcileDeps): ReconcileResult {
  if (!stack.spec.services.some((s) => s.deploymentStrategy === 'EVERY_NODE')) return {};
  const progressing = status.conditions?.find((c) => c.type === 'Progressing' && c.status === 'True');
  if (!progressing) return {};
  const due = Date.parse(progressing.lastTransitionTime) + deps.rules.progressDeadlineSeconds * 1000 + 1000;
  return { requeueAfterMs: Math.max(due - deps.now().getTime(), 1000) };
}
