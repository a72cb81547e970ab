// Report, the last step of a reconcile: the status derived from what the cluster reports and
// what this reconcile could not do, written with its state change's Event. Failures are told
// in status, not only in Events: a child the API server refuses (4xx: admission, validation,
// a quota, a NodePort already allocated) does not stop the others from being applied; it is
// reported at once (Synced=False ReconcileError, Degraded=True ApplyFailed, the service's
// entry) and the reconcile then fails, so that the key is retried with backoff. A failure that
// may pass by itself (5xx, 429, a network error) fails the reconcile as before, and is
// reported in status only when it persists past one retry: as Synced=False, and as a failure
// of the service (Degraded) once it has lasted.
import type { Logger } from 'pino';
import type { Condition, Stack, StackState, StackStatus } from '../model/stack.ts';
import { describeError, isTransient } from '../runtime/api-error.ts';
import { mergeConditions } from '../states/conditions.ts';
import { type ApplyFailure, type Conflict, type DerivedCondition, formatApplyFailure } from '../states/input.ts';
import type { FailedApply } from './apply-children.ts';
import type { Observation } from './observe.ts';
import type { Plan, ValidObservation } from './plan.ts';
import type { ReconcileDeps, StatusWrite } from './reconcile-deps.ts';
import { recordStateChange } from './stack-events.ts';
import { computeStatus } from './status.ts';

/**
 * Failed attempts in a row after which a failure that may pass by itself (5xx, 429, a network
 * error) counts as a failure of the service: the work queue's backoff (50 ms doubling) has
 * then spent about 50 s.
 */
const LASTING_FAILURE_RETRIES = 10;

/**
 * Some children were not applied (reported in the Stack's status): the reconcile fails so that
 * the key is retried with backoff. No HTTP status of its own: the error policy backs off.
 */
export class ApplyFailedError extends Error {
  readonly failures: readonly ApplyFailure[];
  constructor(failures: readonly ApplyFailure[]) {
    super(`not applied: ${failures.map(formatApplyFailure).join('; ')}`);
    this.name = 'ApplyFailedError';
    this.failures = failures;
  }
}

/**
 * Writes a status that may change the state `current` shows. A state change's Event is
 * recorded before the status write that makes the change visible: a process dying in between
 * leaves the status as it was, and the next reconcile derives the same change and records it
 * again (a duplicate, never a gap). Answers the Stack as the write left it.
 */
export async function writeState(
  current: Stack,
  status: StackStatus,
  deps: ReconcileDeps,
  write: StatusWrite,
  log: Logger,
): Promise<Stack> {
  const from = current.status?.state;
  const to: StackState | undefined = status.state !== undefined && status.state !== from ? status.state : undefined;
  if (to !== undefined) await recordStateChange(current, to, deps);
  const written = await write(current, status);
  if (to !== undefined) log.info({ from: from ?? null, to }, 'state changed');
  return written;
}

/** A spec the schema refuses: nothing is applied, the status says why (Degraded InvalidSpec). */
export async function reportInvalidSpec(
  seen: Extract<Observation, { outcome: 'invalid' }>,
  deps: ReconcileDeps,
  write: StatusWrite,
): Promise<void> {
  const { stack, message, log } = seen;
  const status = computeStatus({
    stack,
    caches: deps.caches,
    problems: [],
    notices: [],
    conflicts: [],
    invalid: message,
    now: deps.now(),
    rules: deps.rules,
  });
  await writeState(stack, status, deps, write, log);
}

/** What the apply step did, for the report. */
export interface Applied {
  /** The Stack as the last status write (the announcement's) left it: each write is conditional on the version before it. */
  current: Stack;
  conflicts: readonly Conflict[];
  failed: readonly FailedApply[];
}

/**
 * Derives and writes the final status; answers it. Throws, after writing it, when something
 * was not applied (ApplyFailedError), so that the key is retried with backoff; throws a
 * failure that may pass by itself without writing anything the first time it happens.
 */
export async function reportApplied(
  seen: ValidObservation,
  plan: Plan,
  applied: Applied,
  retries: number,
  deps: ReconcileDeps,
  appliedGenerations: ReadonlyMap<string, number>,
  write: StatusWrite,
): Promise<StackStatus> {
  const { stack, images, log } = seen;
  const { conflicts, failed, current } = applied;
  // A failure that may pass by itself is retried before it is reported: the first one fails
  // the reconcile as it always did, and writes nothing.
  const passing = failed.find((f) => f.transient);
  if (passing !== undefined && retries === 0) throw passing.error;
  // From the first retry on it says Synced=False; once it has lasted (about a minute of
  // backoff), it is a failure of the service like a refusal (Degraded, the service's state).
  const applyFailures = failed.map((f) =>
    f.transient && retries < LASTING_FAILURE_RETRIES ? { ...f.failure, retrying: true } : f.failure,
  );
  const { problems, notices, warnings } = plan.translation;
  const status = computeStatus({
    stack,
    caches: deps.caches,
    problems,
    notices,
    warnings,
    conflicts,
    applyFailures,
    now: deps.now(),
    rules: deps.rules,
    appliedGenerations,
    ...(images !== undefined && { images: images.pins }),
  });
  await writeState(current, status, deps, write, log);
  // Reported in status; failing the reconcile retries it with backoff (and records an Event).
  if (applyFailures.length > 0) throw new ApplyFailedError(applyFailures);
  return status;
}

/**
 * The status of a stack whose reconcile failed otherwise than by a refused apply (reading a
 * child or a linked Service, pruning, writing the status), for the second time in a row or
 * more (`retries` failures before this one): Synced=False ReconcileError with the message; and
 * Degraded=True ReconcileError, when the status said nothing was wrong, if the failure is a
 * refusal or has lasted. The rest of the status is left as it was.
 */
export function failureStatus(stack: Stack, err: unknown, retries: number, now: Date): StackStatus {
  const message = describeError(err);
  const generation = stack.metadata.generation !== undefined ? { observedGeneration: stack.metadata.generation } : {};
  const old = stack.status?.conditions ?? [];
  const next: DerivedCondition[] = [{ type: 'Synced', status: 'False', reason: 'ReconcileError', message, ...generation }];
  const lasting = !isTransient(err) || retries >= LASTING_FAILURE_RETRIES;
  if (lasting && old.find((c) => c.type === 'Degraded')?.status !== 'True')
    next.push({ type: 'Degraded', status: 'True', reason: 'ReconcileError', message, ...generation });
  // Kept in the order the status has them (new ones last), as a full reconcile writes them.
  const rank = (type: string) => {
    const i = old.findIndex((c) => c.type === type);
    return i < 0 ? old.length : i;
  };
  const conditions = mergeConditions(old, next, now).sort((a, b) => rank(a.type) - rank(b.type)) as Condition[];
  return { ...stack.status, conditions };
}
