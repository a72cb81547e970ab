// Writing a Stack for a request: a spec change plus the action that describes it, in one JSON
// merge patch carrying the resourceVersion the change was computed from. If the API server
// says the stack changed meanwhile (409 Conflict), the change is recomputed on a fresh copy
// (which re-checks whether the action is still allowed) and tried again, a few times.
import { setTimeout as delay } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import type { Stack } from '../model/stack.ts';
import { KubeApiError } from '../runtime/api-error.ts';
import { targetState } from '../states/actions.ts';
import { lifecycle } from '../states/lifecycle.ts';
import { ACTIONS_ANNOTATION, type ActionKind, type ActionRecord, appendAction, readActions } from './actions.ts';
import type { StackPatch } from './deps.ts';
import type { FacadeEnv } from './env.ts';
import { badRequest, conflict, HttpError, notFound } from './errors.ts';

// Writers of one stack include the controller's status updates (each changes the
// resourceVersion), so a busy stack may conflict several times in a row: retry with a short,
// jittered, growing pause so that concurrent writers do not collide again in lockstep.
const ATTEMPTS = 10;
const retryPauseMs = (attempt: number) => Math.round(Math.random() * 20 * attempt);

export interface PlannedChange {
  action: ActionKind;
  /** A JSON merge patch of the spec (objects merge, arrays and scalars replace). */
  spec: Record<string, unknown>;
  /**
   * The recorded action this request repeats (a terminate of a stack already Terminating):
   * nothing is written, and the answer carries that action.
   */
  repeats?: ActionRecord;
}

export interface WriteResult {
  stack: Stack;
  action: ActionRecord;
}

/**
 * Applies `plan(current)` to the stack. `plan` throws an HttpError to refuse (e.g. 409 when the
 * state does not allow the action); it runs again on every retry.
 */
export async function changeStack(env: FacadeEnv, stack: Stack, plan: (current: Stack) => PlannedChange): Promise<WriteResult> {
  const { namespace, name } = stack.metadata;
  const uuid = env.newUuid();
  let current = stack;
  let readFresh = false;
  for (let attempt = 1; ; attempt++) {
    let change: PlannedChange;
    try {
      change = plan(current);
    } catch (err) {
      // A refusal decided on the cache may be out of date: the cache trails the API server by
      // a watch event, so a stack that `kubectl get` already shows Stopped may still be
      // Stopping here. Before saying no, decide once more on a fresh read.
      if (readFresh || !(err instanceof HttpError && err.status === 409)) throw err;
      readFresh = true;
      const latest = await env.writer.get(namespace, name);
      if (latest === undefined) throw notFound(`stack ${namespace}/${name} no longer exists`);
      if (latest.metadata.resourceVersion === current.metadata.resourceVersion) throw err;
      env.view.remember(latest);
      current = latest;
      continue;
    }
    if (change.repeats !== undefined) {
      env.actions.remember(current, change.repeats);
      return { stack: current, action: change.repeats };
    }
    const nextSpec = mergePatch(current.spec, change.spec) as Stack['spec'];
    // Known before the write thanks to the resourceVersion precondition: a CRD's generation
    // grows by one when the spec changes and not otherwise.
    const generation = (current.metadata.generation ?? 1) + (isDeepStrictEqual(nextSpec, current.spec) ? 0 : 1);
    const record: ActionRecord = {
      uuid,
      action: change.action,
      generation,
      target: targetState(lifecycle({ ...current, spec: nextSpec })),
      requestedAt: env.now().toISOString(),
    };
    const patch: StackPatch = {
      metadata: {
        ...(current.metadata.resourceVersion !== undefined ? { resourceVersion: current.metadata.resourceVersion } : {}),
        annotations: { [ACTIONS_ANNOTATION]: JSON.stringify(appendAction(current, record, env.config.actionHistory, env.now())) },
      },
      spec: change.spec,
    };
    try {
      const written = await env.writer.patch(namespace, name, patch);
      env.view.remember(written);
      env.actions.remember(written, record);
      env.logger.info(
        { namespace, name, action: change.action, actionUuid: uuid, generation: written.metadata.generation },
        'stack action',
      );
      if (written.metadata.generation !== undefined && written.metadata.generation !== generation) {
        // Not expected (something else bumped it); the action waits for what the server says.
        return { stack: await correctGeneration(env, written, record, written.metadata.generation), action: record };
      }
      return { stack: written, action: record };
    } catch (err) {
      if (!isStale(err) || attempt >= ATTEMPTS) {
        throw kubeErrorToHttp(err, namespace, name);
      }
      env.logger.debug({ namespace, name, attempt }, 'stack changed during a write; retrying on a fresh copy');
      await delay(retryPauseMs(attempt));
      current = await freshCopy(env, namespace, name);
      readFresh = true;
    }
  }
}

/** Whether a write failed only because the stack changed since the copy it was made on. */
const isStale = (err: unknown) => err instanceof KubeApiError && err.code === 409 && err.reason !== 'AlreadyExists';

/** The API server's copy of the stack (remembered by the view); 404 when it is gone. */
async function freshCopy(env: FacadeEnv, namespace: string, name: string): Promise<Stack> {
  const fresh = await env.writer.get(namespace, name);
  if (fresh === undefined) throw notFound(`stack ${namespace}/${name} no longer exists`);
  env.view.remember(fresh);
  return fresh;
}

/**
 * Writes `patchOf(current)` with the copy's resourceVersion as precondition; on a conflict,
 * reads a fresh copy and makes the patch again (as changeStack does, without an action).
 */
export async function patchRetrying(env: FacadeEnv, stack: Stack, patchOf: (current: Stack) => StackPatch): Promise<Stack> {
  const { namespace, name } = stack.metadata;
  let current = stack;
  for (let attempt = 1; ; attempt++) {
    const patch = patchOf(current);
    try {
      const written = await env.writer.patch(namespace, name, {
        ...patch,
        metadata: {
          ...patch.metadata,
          ...(current.metadata.resourceVersion !== undefined && { resourceVersion: current.metadata.resourceVersion }),
        },
      });
      env.view.remember(written);
      return written;
    } catch (err) {
      if (!isStale(err) || attempt >= ATTEMPTS) throw kubeErrorToHttp(err, namespace, name);
      await delay(retryPauseMs(attempt));
      current = await freshCopy(env, namespace, name);
    }
  }
}

async function correctGeneration(env: FacadeEnv, written: Stack, record: ActionRecord, generation: number): Promise<Stack> {
  const { namespace, name } = written.metadata;
  env.logger.warn(
    { namespace, name, expected: record.generation, actual: generation },
    'unexpected generation after a stack write',
  );
  record.generation = generation;
  const actions = readActions(written).map((r) => (r.uuid === record.uuid ? { ...r, generation } : r));
  try {
    const fixed = await env.writer.patch(namespace, name, {
      metadata: {
        ...(written.metadata.resourceVersion !== undefined ? { resourceVersion: written.metadata.resourceVersion } : {}),
        annotations: { [ACTIONS_ANNOTATION]: JSON.stringify(actions) },
      },
    });
    env.view.remember(fixed);
    return fixed;
  } catch (err) {
    env.logger.warn({ namespace, name, err }, 'could not correct the action generation');
    return written;
  }
}

/** A Kubernetes API error as the Docker Cloud error a client gets; others pass through (500). */
export function kubeErrorToHttp(err: unknown, namespace: string, name: string): unknown {
  if (err instanceof HttpError || !(err instanceof KubeApiError)) return err;
  switch (err.code) {
    case 400:
    case 422:
      // The CRD's schema and CEL rules: the user's mistake, in the API server's words.
      return badRequest(err.message);
    case 404:
      return notFound(err.message);
    case 409:
      return err.reason === 'AlreadyExists'
        ? conflict(
            `a stack named "${name}" already exists in namespace "${namespace}" (a terminated stack keeps its name until it is removed)`,
          )
        : conflict(`stack ${namespace}/${name} kept changing while it was being written; try again`);
    default:
      return err;
  }
}

/** RFC 7386 JSON merge patch: objects merge key by key, null removes, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}
