// deriveStatus: the Docker Cloud state of a stack and its services, derived only from the spec,
// what the cluster reports about the children, and the previous status. Nothing is stored as
// intent: run it again on the same inputs and the same status comes out.
//
// Stack state, by desiredState:
//   absent          pods left → Stopping; else Not Running
//   Stopped         pods left (terminating included) → Stopping; else Stopped
//   Terminated / deleted   owned children or pods left → Terminating; else Terminated
//   Running         every service Running, or run to completion → Running
//                   (a service whose containers may end, autorestart OFF or ON_FAILURE, is
//                   Stopped once every container exited successfully: done, as asked)
//                   else a service Redeploying or Scaling → Redeploying
//                   else a service Starting → Starting
//                   else (settled short of target) a container ready → Partly running
//                   else → Not Running
// A service some of whose children the API server refused, whose Deployment cannot create
// its Pods (ReplicaFailure), or some of whose containers exited with an error and will not be
// restarted (autorestart OFF, or ON_FAILURE with no retry left), counts as failed at once:
// Partly running with a container ready, else Not running (it does not converge by waiting);
// so the stack is Partly running (another service runs) or Not Running, with the reason in
// the service's message and in Degraded (ContainersFailed).
//
// Conditions: Ready, Progressing, Degraded (with the first cause as reason, every cause in the
// message), Warnings (what cannot be known from the spec: True with every warning in the
// message; it never makes the stack Degraded) and Synced (Crossplane's: whether the last
// reconcile applied everything).

import { formatProblem, type Problem } from '../model/problem.ts';
import type { Condition, ServiceSpec, Stack, StackState } from '../model/stack.ts';
import { type ApplyFailure, type DerivedCondition, type DerivedStatus, formatApplyFailure, type StatusInput } from './input.ts';
import { TRANSITIONAL_STATES } from './kinds.ts';
import { type Lifecycle, lifecycle } from './lifecycle.ts';
import { podTemplateRevision } from './revision.ts';
import { type ServiceFacts, serviceFacts } from './service.ts';

const DEFAULT_DEADLINE_SECONDS = 600;
const MAX_MESSAGE = 2048;

/** The condition type that lists what cannot be known from the spec (stackWarnings). */
export const WARNINGS_CONDITION = 'Warnings';
/** Its reason when there are warnings; the Events of the warnings carry it too. */
export const WARNINGS_REASON = 'CannotBeKnown';

/** A condition's message, cut to what a status keeps. */
function conditionMessage(message: string): string {
  return message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE - 1)}…` : message;
}

/** The Warnings condition for these warnings: True with each of them, or False. */
export function warningsCondition(warnings: readonly Problem[]): Pick<Condition, 'status' | 'reason' | 'message'> {
  return warnings.length === 0
    ? { status: 'False', reason: 'NoWarnings', message: 'nothing to warn about' }
    : { status: 'True', reason: WARNINGS_REASON, message: conditionMessage(warnings.map(formatProblem).join('; ')) };
}

export function deriveStatus(input: StatusInput): DerivedStatus {
  const { stack } = input;
  const phase = lifecycle(stack);
  const blocked = new Set(input.problems.map((p) => p.service));
  const failures = input.applyFailures ?? [];
  // A failure still being retried (it may pass by itself) says only Synced=False.
  const failureOf = (name: string): string | undefined => {
    const mine = failures.filter((f) => f.service === name && f.retrying !== true);
    return mine.length > 0 ? mine.map(describeFailure).join('; ') : undefined;
  };
  const facts = stack.spec.services.map((svc) =>
    serviceFacts({
      svc,
      lifecycle: phase,
      workload: input.workloads[svc.name],
      pods: input.pods[svc.name],
      previous: stack.status?.services?.find((s) => s.name === svc.name),
      revision: podTemplateRevision(stack.spec.redeploy?.revision ?? 0, stack.spec.redeploy?.services?.[svc.name]),
      blocked:
        blocked.has(svc.name) ||
        blocked.has('') ||
        input.invalid !== undefined ||
        input.conflicts.some((c) => c.service === svc.name),
      daemonSetDeadlineExceeded: daemonSetDeadlineExceeded(input, svc),
      applyFailure: failureOf(svc.name),
    }),
  );

  const state = stackState(phase, facts, input);
  const readyCount = facts.filter(asAsked).length;
  const servicesReady = `${readyCount}/${facts.length}`;
  const synchronized =
    phase === 'terminated'
      ? input.remainingChildren === 0
      : input.invalid === undefined &&
        input.problems.length === 0 &&
        input.conflicts.length === 0 &&
        failures.length === 0 &&
        facts.every((f) => f.synchronized);
  return {
    state,
    services: facts.map((f) => f.status),
    servicesReady,
    synchronized,
    conditions: conditions(stack, state, facts, servicesReady, input),
  };
}

function stackState(phase: Lifecycle, facts: readonly ServiceFacts[], input: StatusInput): StackState {
  const podsLeft = facts.some((f) => f.podsLeft);
  switch (phase) {
    case 'terminated':
      return input.remainingChildren > 0 || podsLeft || facts.some((f) => f.status.state === 'Terminating')
        ? 'Terminating'
        : 'Terminated';
    case 'stopped':
      return podsLeft ? 'Stopping' : 'Stopped';
    case 'never-started':
      return podsLeft ? 'Stopping' : 'Not Running';
    case 'running': {
      const states = facts.map((f) => f.status.state);
      if (facts.every(asAsked)) return 'Running';
      if (states.some((s) => s === 'Redeploying' || s === 'Scaling')) return 'Redeploying';
      if (states.includes('Starting')) return 'Starting';
      return facts.some((f) => f.status.readyContainers > 0) ? 'Partly running' : 'Not Running';
    }
  }
}

/** A service running, or run to completion as a service whose containers may end. */
function asAsked(f: ServiceFacts): boolean {
  return f.status.state === 'Running' || f.done;
}

/** An apply failure as a service's entry shows it: `Service shop-web: HTTP 422: ...`. */
function describeFailure(f: ApplyFailure): string {
  return formatApplyFailure({ ...f, service: '' });
}

/**
 * A DaemonSet reports no progress deadline. It counts as failed when the stack has been
 * Progressing (at the current generation) for longer than the deadline, and stays failed,
 * until the spec changes, once that made it Partly running or Not running.
 */
function daemonSetDeadlineExceeded(input: StatusInput, svc: ServiceSpec): boolean {
  const { stack } = input;
  const progressing = stack.status?.conditions?.find((c) => c.type === 'Progressing');
  if (progressing === undefined || progressing.observedGeneration !== stack.metadata.generation) return false;
  if (progressing.status === 'True') {
    const since = Date.parse(progressing.lastTransitionTime);
    const deadline = (input.progressDeadlineSeconds ?? DEFAULT_DEADLINE_SECONDS) * 1000;
    return Number.isFinite(since) && input.now.getTime() - since > deadline;
  }
  const previous = stack.status?.services?.find((s) => s.name === svc.name)?.state;
  return progressing.reason === 'ProgressDeadlineExceeded' && (previous === 'Partly running' || previous === 'Not running');
}

/**
 * "Partly running" → "PartlyRunning": a state as one CamelCase word, the reason of a condition
 * and of the Event of a state change.
 */
export function reasonOf(state: StackState): string {
  return state.replace(/(^|\s)(\w)/g, (_m, _s, c: string) => c.toUpperCase());
}

function conditions(
  stack: Stack,
  state: StackState,
  facts: readonly ServiceFacts[],
  servicesReady: string,
  input: StatusInput,
): DerivedCondition[] {
  const generation = stack.metadata.generation !== undefined ? { observedGeneration: stack.metadata.generation } : {};
  const make = (type: string, status: Condition['status'], reason: string, message: string): DerivedCondition => ({
    type,
    status,
    reason,
    message: conditionMessage(message),
    ...generation,
  });
  const notReady = facts
    .filter((f) => !asAsked(f))
    .map((f) => `${f.status.name} ${f.status.state} (${f.status.readyContainers}/${f.status.targetContainers} ready)`);
  const late = facts.filter((f) => f.deadlineExceeded).map((f) => f.status.name);

  const ready = make(
    'Ready',
    state === 'Running' ? 'True' : 'False',
    reasonOf(state),
    `${servicesReady} services ready${notReady.length > 0 && lifecycle(stack) === 'running' ? `; not ready: ${notReady.join(', ')}` : ''}`,
  );

  const progressing = TRANSITIONAL_STATES.includes(state)
    ? make('Progressing', 'True', reasonOf(state), `stack is ${state}`)
    : late.length > 0
      ? make('Progressing', 'False', 'ProgressDeadlineExceeded', `no progress within the deadline: ${late.join(', ')}`)
      : make('Progressing', 'False', reasonOf(state), `stack is ${state}`);

  const troubles: { reason: string; message: string }[] = [];
  if (input.invalid !== undefined) troubles.push({ reason: 'InvalidSpec', message: input.invalid });
  if (input.problems.length > 0)
    troubles.push({ reason: 'UntranslatableService', message: input.problems.map(formatProblem).join('; ') });
  if (input.conflicts.length > 0)
    troubles.push({
      reason: 'NameConflict',
      message: `owned by someone else: ${input.conflicts.map((c) => `${c.kind} ${c.name}`).join(', ')}`,
    });
  const failures = input.applyFailures ?? [];
  const refused = failures.filter((f) => f.retrying !== true);
  if (refused.length > 0)
    troubles.push({ reason: 'ApplyFailed', message: `not applied: ${refused.map(formatApplyFailure).join('; ')}` });
  const cannotCreate = facts.filter((f) => f.replicaFailure !== undefined);
  if (cannotCreate.length > 0)
    troubles.push({
      reason: 'ReplicaFailure',
      message: cannotCreate.map((f) => `${f.status.name}: ${f.replicaFailure}`).join('; '),
    });
  const ended = facts.filter((f) => f.containersFailed !== undefined);
  if (ended.length > 0)
    troubles.push({
      reason: 'ContainersFailed',
      message: ended.map((f) => `${f.status.name}: ${f.containersFailed}`).join('; '),
    });
  if (late.length > 0) {
    const why = facts
      .filter((f) => f.deadlineExceeded && f.unschedulable !== undefined)
      .map((f) => `${f.status.name}: ${f.unschedulable}`);
    troubles.push({
      reason: 'ProgressDeadlineExceeded',
      message: `rollout stalled: ${late.join(', ')}${why.length > 0 ? ` (${why.join('; ')})` : ''}`,
    });
  }
  if (state === 'Partly running' && late.length === 0)
    troubles.push({ reason: 'PartlyRunning', message: `not every service runs at its target: ${notReady.join(', ')}` });
  if ((input.notices ?? []).length > 0)
    troubles.push({ reason: 'LinkTargetNotRunning', message: (input.notices ?? []).map(formatProblem).join('; ') });
  const first = troubles[0];
  const degraded =
    first === undefined
      ? make('Degraded', 'False', 'AsExpected', 'no problems')
      : make('Degraded', 'True', first.reason, troubles.map((t) => t.message).join('; '));

  const shown = warningsCondition(input.warnings ?? []);
  const warnings = make(WARNINGS_CONDITION, shown.status, shown.reason, shown.message);

  // Synced (Crossplane's): did the last reconcile apply everything the spec asks for?
  // Derived before anything was applied, it is left out and keeps what it said.
  const unapplied: string[] = [];
  if (input.invalid !== undefined) unapplied.push(input.invalid);
  for (const p of input.problems) unapplied.push(`${formatProblem(p)} (not applied)`);
  for (const c of input.conflicts) unapplied.push(`${c.kind} ${c.name} is owned by someone else (not applied)`);
  for (const f of failures) unapplied.push(formatApplyFailure(f));
  if (input.applyFailures === undefined && input.invalid === undefined) return [ready, progressing, degraded, warnings];
  const synced =
    unapplied.length > 0
      ? make('Synced', 'False', 'ReconcileError', unapplied.join('; '))
      : make('Synced', 'True', 'ReconcileSuccess', 'every child applied');
  return [ready, progressing, degraded, warnings, synced];
}
