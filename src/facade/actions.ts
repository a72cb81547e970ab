// Docker Cloud "actions": every write answers with `X-DockerCloud-Action-URI`, and the CLI's
// `--sync` polls that action until its state is Success or Failed.
//
// Actions are stored in the Stack itself, in the annotation `longshore.io/actions` (a JSON
// array, the last few only), written in the same request as the spec change they describe.
// Each records the metadata.generation its write produced; its state is computed on read from
// what the controller reported: Success once the controller observed that generation and the
// stack is in the action's target state, Failed once it settled elsewhere. Nothing but the
// façade writes the annotation, and nothing needs a store of its own.
//
// Actions overlap: the table of actions (states/actions.ts) accepts a redeploy during an
// update's rollout, a stop while Starting, a terminate at any time. When an action is written,
// each earlier one still In progress is settled against it (appendAction): it follows the new
// action (`followedBy`: it ends as that one ends) when the new one carries its purpose on
// (carriesOn), and is Failed, "superseded", otherwise. A terminate repeated while Terminating
// writes nothing and answers with the terminate already recorded.
import type { Stack, StackState } from '../model/stack.ts';
import { SETTLED_STATES } from '../states/kinds.ts';
import { reportedState } from '../states/presented.ts';
import { readAnnotationList } from './annotation-list.ts';
import { dockerCloudDate } from './dates.ts';
import { APP_PREFIX, actionUri, stackUri } from './paths.ts';

export const ACTIONS_ANNOTATION = 'longshore.io/actions';

export const ACTION_KINDS = ['create', 'update', 'start', 'stop', 'redeploy', 'terminate'] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

export type ActionState = 'In progress' | 'Success' | 'Failed';

export interface ActionRecord {
  uuid: string;
  action: ActionKind;
  /** The metadata.generation the write produced: the controller must observe at least this. */
  generation: number;
  /** The state that means the action succeeded. */
  target: StackState;
  requestedAt: string;
  /** Set once the outcome can no longer be computed from the stack (a later action replaced it). */
  state?: 'Success' | 'Failed';
  endedAt?: string;
  message?: string;
  /** A later action with the same target, whose outcome this one shares. */
  followedBy?: string;
}

export interface ActionOutcome {
  state: ActionState;
  endedAt: string | null;
  message: string;
}

/** The actions recorded on a stack, oldest first; an unreadable annotation counts as none. */
export function readActions(stack: Stack): ActionRecord[] {
  return readAnnotationList(stack, ACTIONS_ANNOTATION, isActionRecord);
}

function isActionRecord(value: unknown): value is ActionRecord {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return (
    typeof r['uuid'] === 'string' &&
    typeof r['action'] === 'string' &&
    (ACTION_KINDS as readonly string[]).includes(r['action']) &&
    typeof r['generation'] === 'number' &&
    typeof r['target'] === 'string' &&
    typeof r['requestedAt'] === 'string'
  );
}

/** The action history after `next` is written: earlier open actions settled, the oldest dropped. */
export function appendAction(stack: Stack, next: ActionRecord, history: number, now: Date): ActionRecord[] {
  const previous = readActions(stack);
  const settled = previous.map((record): ActionRecord => {
    if (record.state !== undefined) return record;
    const outcome = actionOutcome(record, stack, previous);
    if (outcome.state !== 'In progress') {
      const { followedBy: _followed, ...rest } = record;
      return { ...rest, state: outcome.state, endedAt: outcome.endedAt ?? now.toISOString(), message: outcome.message };
    }
    // Still open: it now ends as the new action ends when it carries on into it, and can no
    // longer succeed otherwise (the stack is being sent elsewhere).
    if (carriesOn(record, next)) return { ...record, followedBy: next.uuid };
    const { followedBy: _followed, ...rest } = record;
    return {
      ...rest,
      state: 'Failed',
      endedAt: now.toISOString(),
      message: `superseded by a later ${next.action} (${next.uuid})`,
    };
  });
  return [...settled, next].slice(-Math.max(1, history));
}

/**
 * Whether an open action's purpose is carried on by a later one, so that it ends as the later
 * one ends: both aim at the same state (an update then a redeploy: the redeploy rolls out the
 * updated definition; a start then a redeploy), or the open action changed the definition
 * (create, update) and the later one does anything but terminate: the definition stays, and
 * the stack runs or stops with it as the later action says. A terminate supersedes every
 * other open action: its definition will never run, its target never be reached.
 */
export function carriesOn(open: ActionRecord, next: ActionRecord): boolean {
  if (open.target === next.target) return true;
  return (open.action === 'create' || open.action === 'update') && next.action !== 'terminate';
}

/** An action's state, computed from the stack the controller reported on. */
export function actionOutcome(record: ActionRecord, stack: Stack, all: readonly ActionRecord[], depth = 0): ActionOutcome {
  if (record.state !== undefined) return { state: record.state, endedAt: record.endedAt ?? null, message: record.message ?? '' };
  if (record.followedBy !== undefined) {
    const follower = all.find((r) => r.uuid === record.followedBy);
    if (follower === undefined || depth > all.length)
      return { state: 'Failed', endedAt: null, message: 'superseded by a later action' };
    return actionOutcome(follower, stack, all, depth + 1);
  }
  const observed = stack.status?.observedGeneration;
  if (observed === undefined || observed < record.generation) return { state: 'In progress', endedAt: null, message: '' };
  const state = reportedState(stack);
  // Deleted with kubectl: the controller reports nothing more on it; it is going (a terminate
  // succeeds once it is gone, see action-lookup.ts) and nothing else can be reached.
  if (stack.metadata.deletionTimestamp !== undefined && state !== 'Terminated') {
    return record.target === 'Terminated'
      ? { state: 'In progress', endedAt: null, message: '' }
      : { state: 'Failed', endedAt: null, message: 'the stack is being deleted' };
  }
  if (state === record.target) return { state: 'Success', endedAt: settledAt(stack, record), message: '' };
  const failure = settledElsewhere(stack, state);
  if (failure !== null) return { state: 'Failed', endedAt: settledAt(stack, record), message: failure };
  return { state: 'In progress', endedAt: null, message: '' };
}

/** Conditions the controller sets True when a stack cannot reach its desired state by itself
 * (states/derive.ts: Ready, Progressing, Degraded). */
const FAILURE_CONDITIONS = ['Degraded'];

/** Why the stack will not reach another state without a new action, or null if it still may. */
function settledElsewhere(stack: Stack, state: StackState): string | null {
  const failing = stack.status?.conditions?.find((c) => FAILURE_CONDITIONS.includes(c.type) && c.status === 'True');
  if (failing !== undefined) return `the stack is ${state}: ${failing.reason}: ${failing.message}`;
  if (SETTLED_STATES.includes(state)) return `the stack settled in state ${state}`;
  return null;
}

/** When the outcome happened, as near as the status tells: its latest timestamp after the request. */
function settledAt(stack: Stack, record: ActionRecord): string {
  const requested = Date.parse(record.requestedAt);
  const candidates = [
    stack.status?.deployedAt,
    stack.status?.destroyedAt,
    ...(stack.status?.conditions ?? []).map((c) => c.lastTransitionTime),
  ]
    .filter((t): t is string => typeof t === 'string')
    .map((t) => Date.parse(t))
    .filter((t) => Number.isFinite(t) && t >= requested);
  return new Date(candidates.length > 0 ? Math.max(...candidates) : requested).toISOString();
}

const ACTION_TITLES: Record<ActionKind, string> = {
  create: 'Stack Create',
  update: 'Stack Update',
  start: 'Stack Start',
  stop: 'Stack Stop',
  redeploy: 'Stack Redeploy',
  terminate: 'Stack Terminate',
};

const ACTION_METHODS: Record<ActionKind, string> = {
  create: 'POST',
  update: 'PATCH',
  start: 'POST',
  stop: 'POST',
  redeploy: 'POST',
  terminate: 'DELETE',
};

/** The action as Docker Cloud's audit API shows it (`GET /api/audit/v1/action/<uuid>/`). */
export function actionToJson(record: ActionRecord, namespace: string, stackUid: string, outcome: ActionOutcome) {
  const object = stackUri(namespace, stackUid);
  return {
    uuid: record.uuid,
    resource_uri: actionUri(record.uuid),
    action: ACTION_TITLES[record.action],
    method: ACTION_METHODS[record.action],
    path: requestPath(record.action, namespace, object),
    object,
    state: outcome.state,
    start_date: dockerCloudDate(record.requestedAt),
    end_date: dockerCloudDate(outcome.endedAt),
    created: dockerCloudDate(record.requestedAt),
    logs: outcome.message,
    body: '',
    ip: '',
    location: '',
    user_agent: '',
    can_be_canceled: false,
    can_be_retried: false,
    is_user_action: true,
  };
}

/** The path the action's request went to. */
function requestPath(action: ActionKind, namespace: string, object: string): string {
  switch (action) {
    case 'create':
      return `${APP_PREFIX}/${namespace}/stack/`;
    case 'start':
    case 'stop':
    case 'redeploy':
      return `${object}${action}/`;
    default:
      return object;
  }
}
