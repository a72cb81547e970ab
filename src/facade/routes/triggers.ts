import type { Context } from 'koa';
import { targetNumContainers } from '../../model/defaults.ts';
import type { Stack } from '../../model/stack.ts';
import { actionOutcome, actionToJson, readActions } from '../actions.ts';
import { access } from '../auth.ts';
import { readJsonBody } from '../body.ts';
import type { FacadeEnv } from '../env.ts';
import { badRequest, conflict, HttpError, notFound } from '../errors.ts';
import { paginate, parsePage } from '../paging.ts';
import {
  MAX_TRIGGERS,
  parseTriggerRequest,
  readTriggers,
  TRIGGERS_ANNOTATION,
  type TriggerRecord,
  triggerToJson,
} from '../triggers.ts';
import { serviceUuid } from '../uuid5.ts';
import { changeStack, type PlannedChange, patchRetrying } from '../writes.ts';
import { noteStack, param, queryValue } from './common.ts';
import { findService } from './services.ts';
import { lifecyclePlan } from './stack-actions.ts';
import { updatePlan } from './stack-writes.ts';

export async function listTriggers(ctx: Context, env: FacadeEnv): Promise<void> {
  const { namespace } = await access(ctx, env, 'get');
  const { stack, service, uuid } = await findService(ctx, env, namespace, param(ctx, 'uuid'));
  const page = parsePage(ctx.query, env.config.pageLimit, env.config.maxPageLimit);
  const name = queryValue(ctx, 'name');
  const prefix = queryValue(ctx, 'uuid__startswith');
  const matching = readTriggers(stack).filter(
    (t) =>
      t.service === service.name &&
      (name === undefined || t.name === name) &&
      (prefix === undefined || t.uuid.startsWith(prefix)),
  );
  ctx.body = paginate(matching, page, ctx.path, new URLSearchParams(ctx.querystring), (t) => triggerToJson(namespace, uuid, t));
}

export async function getTrigger(ctx: Context, env: FacadeEnv): Promise<void> {
  const { namespace } = await access(ctx, env, 'get');
  const { stack, service, uuid } = await findService(ctx, env, namespace, param(ctx, 'uuid'));
  ctx.body = triggerToJson(namespace, uuid, findTrigger(stack, service.name, param(ctx, 'trigger')));
}

export async function createTrigger(ctx: Context, env: FacadeEnv): Promise<void> {
  const { namespace } = await access(ctx, env, 'patch');
  const { stack, service, uuid } = await findService(ctx, env, namespace, param(ctx, 'uuid'));
  let request: ReturnType<typeof parseTriggerRequest>;
  try {
    request = parseTriggerRequest(await readJsonBody(ctx.req, env.config.bodyLimitBytes));
  } catch (err) {
    if (err instanceof HttpError) throw err;
    throw badRequest(`a trigger: ${(err as Error).message}`);
  }
  const created: TriggerRecord = { uuid: env.newUuid(), service: service.name, ...request };
  await writeTriggers(env, stack, (current) => {
    if (current.length >= MAX_TRIGGERS) throw conflict(`a stack holds at most ${MAX_TRIGGERS} triggers`);
    return [...current, created];
  });
  env.logger.info(
    { namespace, name: stack.metadata.name, service: service.name, operation: created.operation },
    'trigger created',
  );
  ctx.status = 201;
  ctx.body = triggerToJson(namespace, uuid, created);
}

export async function deleteTrigger(ctx: Context, env: FacadeEnv): Promise<void> {
  const { namespace } = await access(ctx, env, 'patch');
  const { stack, service } = await findService(ctx, env, namespace, param(ctx, 'uuid'));
  const gone = findTrigger(stack, service.name, param(ctx, 'trigger'));
  await writeTriggers(env, stack, (current) => current.filter((t) => t.uuid !== gone.uuid));
  env.logger.info({ namespace, name: stack.metadata.name, service: service.name }, 'trigger deleted');
  ctx.status = 204;
  ctx.body = null;
}

/** POST .../trigger/<uuid>/call/: no credentials; the trigger's uuid is the secret. */
export async function callTrigger(ctx: Context, env: FacadeEnv): Promise<void> {
  const namespace = param(ctx, 'namespace') || undefined;
  const service = param(ctx, 'uuid');
  const uuid = param(ctx, 'trigger');
  let found: { stack: Stack; trigger: TriggerRecord } | undefined;
  for (const stack of await env.view.byTrigger(uuid)) {
    if (namespace !== undefined && stack.metadata.namespace !== namespace) continue;
    if (stack.metadata.deletionTimestamp !== undefined) continue;
    const trigger = readTriggers(stack).find(
      (t) => t.uuid === uuid && serviceUuid(stack.metadata.uid ?? '', t.service) === service,
    );
    if (trigger !== undefined && stack.spec.services.some((s) => s.name === trigger.service)) {
      found = { stack, trigger };
      break;
    }
  }
  // The same answer as for a path that does not exist: a guess learns nothing.
  if (found === undefined) throw notFound(`no such endpoint: ${ctx.method} ${ctx.path.replace(uuid, '...')}`);
  const now = env.now().getTime();
  const wait = env.triggerCalls.take(uuid, now);
  if (wait !== undefined)
    throw new HttpError(429, `this trigger was called too often; try again in ${wait} s`, { 'Retry-After': String(wait) });
  // Only a call that would write takes from the process's bucket: guesses (404) write nothing.
  const busy = env.triggerBucket.take(now);
  if (busy !== undefined)
    throw new HttpError(429, `too many trigger calls to this server; try again in ${busy} s`, { 'Retry-After': String(busy) });
  const { stack, trigger } = found;
  noteStack(ctx, stack.metadata.namespace, stack.metadata.name);
  const result = await changeStack(
    env,
    stack,
    trigger.operation === 'REDEPLOY' ? redeployService(trigger.service) : scaleUp(trigger.service),
  );
  env.logger.info(
    { namespace: stack.metadata.namespace, name: stack.metadata.name, service: trigger.service, operation: trigger.operation },
    'trigger called',
  );
  const written = result.stack;
  ctx.status = 202;
  ctx.body = actionToJson(
    result.action,
    written.metadata.namespace,
    written.metadata.uid ?? '',
    actionOutcome(result.action, written, readActions(written)),
  );
}

/**
 * A redeploy of the service alone, as Docker Cloud's service trigger did: its own revision in
 * spec.redeploy.services is raised, so only its pods roll and only its tag is resolved again;
 * the stack's table of actions decides whether a redeploy is allowed now (as for `stack
 * redeploy`), and the stack runs afterwards. Recorded as the stack's redeploy action.
 */
function redeployService(service: string) {
  return (current: Stack): PlannedChange => {
    const plan = lifecyclePlan('redeploy', true)(current);
    if (plan.repeats !== undefined) return plan;
    if (!current.spec.services.some((s) => s.name === service)) throw notFound(`the stack no longer has a service "${service}"`);
    const redeploy = current.spec.redeploy;
    return {
      action: 'redeploy',
      spec: {
        desiredState: 'Running',
        redeploy: { revision: redeploy?.revision ?? 0, services: { [service]: (redeploy?.services?.[service] ?? 0) + 1 } },
      },
    };
  };
}

/**
 * One container more for the service: an update of the stack, refused as `stack update` is (a
 * state that allows no update, a count over the schema's limit).
 */
function scaleUp(service: string) {
  return (current: Stack): PlannedChange => {
    const svc = current.spec.services.find((s) => s.name === service);
    if (svc === undefined) throw notFound(`the stack no longer has a service "${service}"`);
    const target = targetNumContainers(svc) + 1;
    const services = current.spec.services.map((s) => (s.name === service ? { ...s, targetNumContainers: target } : s));
    return updatePlan({ services })(current);
  };
}

function findTrigger(stack: Stack, service: string, uuid: string): TriggerRecord {
  const t = readTriggers(stack).find((x) => x.uuid === uuid && x.service === service);
  if (t === undefined) throw notFound(`no trigger with uuid "${uuid}" on service "${service}"`);
  return t;
}

/** Rewrites the stack's triggers, on the copy the API server holds (a conflict reads it again). */
async function writeTriggers(env: FacadeEnv, stack: Stack, change: (current: TriggerRecord[]) => TriggerRecord[]): Promise<void> {
  await patchRetrying(env, stack, (current) => ({
    metadata: { annotations: { [TRIGGERS_ANNOTATION]: JSON.stringify(change(readTriggers(current))) } },
  }));
}
