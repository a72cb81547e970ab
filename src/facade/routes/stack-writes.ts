// Creating and updating stacks. Create writes a Stack that is not started (no desiredState);
// update replaces the services, in any state the action table allows (all but Terminating and
// Terminated). Both answer with what the API server returned.
import type { Context } from 'koa';
import { type Checked, formatFieldErrors, validateStackSpec } from '../../model/errors.ts';
import { API_VERSION, KIND, type Stack, type StackSpec } from '../../model/stack.ts';
import { actionRefusal, targetState } from '../../states/actions.ts';
import { presentedState } from '../../states/presented.ts';
import { ACTIONS_ANNOTATION, type ActionRecord } from '../actions.ts';
import { access } from '../auth.ts';
import { readJsonBody } from '../body.ts';
import type { FacadeEnv } from '../env.ts';
import { badRequest, conflict } from '../errors.ts';
import { linkErrors } from '../link-check.ts';
import { parseCreateRequest, parseUpdateRequest } from '../stack-request.ts';
import { changeStack, kubeErrorToHttp, mergePatch, type PlannedChange } from '../writes.ts';
import { findStack, noteStack, param, respondWithStack } from './common.ts';

export async function createStack(ctx: Context, env: FacadeEnv): Promise<void> {
  const { namespace } = await access(ctx, env, 'create');
  noteStack(ctx, namespace);
  const request = parseCreateRequest(await readJsonBody(ctx.req, env.config.bodyLimitBytes));
  noteStack(ctx, namespace, request.name);
  const spec = await checkSpec(env, namespace, request.name, {
    ...(request.nickname !== undefined ? { nickname: request.nickname } : {}),
    services: request.services,
  });
  const action: ActionRecord = {
    uuid: env.newUuid(),
    action: 'create',
    generation: 1, // a new object's generation
    target: targetState('never-started'),
    requestedAt: env.now().toISOString(),
  };
  const stack: Stack = {
    apiVersion: API_VERSION,
    kind: KIND,
    metadata: { name: request.name, namespace, annotations: { [ACTIONS_ANNOTATION]: JSON.stringify([action]) } },
    spec,
  };
  let created: Stack;
  try {
    created = await env.writer.create(namespace, stack);
  } catch (err) {
    throw kubeErrorToHttp(err, namespace, request.name);
  }
  env.view.remember(created);
  env.actions.remember(created, action);
  env.logger.info({ namespace, name: request.name, actionUuid: action.uuid }, 'stack created');
  respondWithStack(ctx, 201, created, action);
}

export async function updateStack(ctx: Context, env: FacadeEnv): Promise<void> {
  const { namespace } = await access(ctx, env, 'patch');
  const stack = await findStack(ctx, env, namespace, param(ctx, 'uuid'));
  const request = parseUpdateRequest(await readJsonBody(ctx.req, env.config.bodyLimitBytes), stack.metadata.name);
  const specPatch: Record<string, unknown> = {};
  if (request.services !== undefined) specPatch['services'] = request.services;
  if (request.nickname !== undefined) specPatch['nickname'] = request.nickname;
  // Links and the namespace's policy are checked once, against the namespace as it is now; the
  // schema again on every retry's fresh copy (the services are the request's either way).
  if (request.services !== undefined) await checkSpec(env, namespace, stack.metadata.name, mergePatch(stack.spec, specPatch));
  const result = await changeStack(env, stack, updatePlan(specPatch));
  respondWithStack(ctx, 200, result.stack, result.action);
}

/**
 * An update of the stack by a merge patch of its spec, decided on each copy changeStack works
 * on: refused (409) in a state that allows no update, and checked against the schema.
 */
export function updatePlan(specPatch: Record<string, unknown>): (current: Stack) => PlannedChange {
  return (current) => {
    const refusal = actionRefusal(presentedState(current), 'update', current.spec.desiredState);
    if (refusal !== null) throw conflict(refusal);
    validSpec(mergePatch(current.spec, specPatch));
    return { action: 'update', spec: specPatch };
  };
}

/**
 * The whole spec, validated as the API server will (cross-service rules included), against
 * what the namespace and this operator's configuration allow (env.policy), and with every link
 * naming something that exists.
 */
async function checkSpec(env: FacadeEnv, namespace: string, name: string, spec: unknown): Promise<StackSpec> {
  const checked = await specErrors(env, namespace, name, spec);
  if (!checked.ok) throw badRequest(formatFieldErrors(checked.errors));
  return checked.value;
}

/** What checkSpec refuses, as a list (the dashboard shows each at its key before saving). */
export async function specErrors(env: FacadeEnv, namespace: string, name: string, spec: unknown): Promise<Checked<StackSpec>> {
  const result = validateStackSpec(spec);
  if (!result.ok) return result;
  const refused = await env.policy(result.value, { namespace, name });
  if (refused.length > 0) return { ok: false, errors: refused };
  const links = await linkErrors(namespace, name, result.value, await env.view.list(namespace), env.lookupService);
  if (links.length > 0) return { ok: false, errors: links };
  return result;
}

/** The spec as the API server will validate it. */
function validSpec(spec: unknown): StackSpec {
  const result = validateStackSpec(spec);
  if (!result.ok) throw badRequest(formatFieldErrors(result.errors));
  return result.value;
}
