// Docker Cloud's deployed_datetime and destroyed_datetime, from the state changes: a stack is
// deployed when it starts or is redeployed (or is first seen Running), and destroyed when its
// termination begins; each is kept until the next such change.
import type { StackState, StackStatus } from '../model/stack.ts';

export type StateTimes = Pick<StackStatus, 'deployedAt' | 'destroyedAt'>;

/** The times the status carries once the state is `state`, given the status before; `at` is now (ISO 8601). */
export function stateTimes(before: StackStatus, state: StackState | undefined, at: string): Required<StateTimes> {
  let deployedAt = before.deployedAt ?? null;
  if ((state === 'Starting' || state === 'Redeploying') && before.state !== state) deployedAt = at;
  if (state === 'Running' && !deployedAt) deployedAt = at;
  let destroyedAt = before.destroyedAt ?? null;
  if ((state === 'Terminating' || state === 'Terminated') && !destroyedAt) destroyedAt = at;
  return { deployedAt, destroyedAt };
}
