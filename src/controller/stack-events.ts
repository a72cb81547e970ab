// The Events a reconcile records on a Stack: what its plan found (problems, links to stacks not
// running, warnings, image digests) and each state change. An Event that a status write makes
// visible is awaited before that write: a process dying in between records it again (a
// duplicate, never a gap).
import type { Stack, StackState } from '../model/stack.ts';
import { reasonOf, WARNINGS_CONDITION, WARNINGS_REASON, warningsCondition } from '../states/derive.ts';
import { formatProblem, type Problem } from '../translate/index.ts';
import { recordImageEvents, type StackImages } from './images.ts';
import type { Plan } from './plan.ts';
import type { ReconcileDeps } from './reconcile-deps.ts';

/**
 * Records the Event of a state change; awaited before the status write that shows the change.
 * Never folded into an earlier identical Event: the same change may happen twice in a minute.
 */
export function recordStateChange(stack: Stack, to: StackState, deps: ReconcileDeps): Promise<void> {
  return deps.record(stack, 'Normal', reasonOf(to), `stack is ${to}`, { fold: false });
}

/** Records what the plan found; settles once what any status write may show is recorded. */
export async function recordPlanEvents(
  stack: Stack,
  plan: Plan,
  images: StackImages | undefined,
  deps: ReconcileDeps,
): Promise<void> {
  if (images !== undefined) await recordImageEvents(stack, images, deps.record);
  const { problems, notices, warnings } = plan.translation;
  for (const p of problems) void deps.record(stack, 'Warning', 'InvalidService', formatProblem(p));
  for (const p of notices) void deps.record(stack, 'Warning', 'LinkTargetNotRunning', formatProblem(p));
  await recordNewWarnings(stack, warnings, deps);
}

/**
 * Records an Event for each warning when the Warnings condition the status shows does not list
 * them yet (a new spec, or a first reconcile), not at every reconcile. Awaited before any
 * status write that would show them: a process dying in between records them again (a
 * duplicate, never a gap).
 */
async function recordNewWarnings(stack: Stack, warnings: readonly Problem[], deps: ReconcileDeps): Promise<void> {
  if (warnings.length === 0) return;
  const shown = stack.status?.conditions?.find((c) => c.type === WARNINGS_CONDITION);
  const next = warningsCondition(warnings);
  if (shown?.status === next.status && shown.message === next.message) return;
  await Promise.all(warnings.map((w) => deps.record(stack, 'Warning', WARNINGS_REASON, formatProblem(w))));
}
