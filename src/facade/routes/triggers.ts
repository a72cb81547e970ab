// Docker Cloud's service triggers (`/api/app/v1/[ns/]service/<uuid>/trigger/...`): listed and
// read with the right to get the stack, created and deleted with the right to update it (they
// live in the Stack: triggers.ts), and called by anyone holding the call URL, without
// credentials: REDEPLOY redeploys the service alone (spec.redeploy.services), SCALEUP adds one
// container to it. A call answers 202 with the action it started, as Docker Cloud did; its stack
// is found by an index of the triggers' uuids; calls are rate-limited per trigger and, all
// triggers together, per process (a token bucket); the URL (its secret) is never logged.
import { setTimeout as delay } from 'node:timers/promises';
import type { Context } from 'koa';
import type { Stack } from '../../model/stack.ts';
import { KubeApiError } from '../../runtime/api-error.ts';
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
import { changeStack, kubeErrorToHttp, type PlannedChange } from '../writes.ts';
import { param, queryValue } from './common.ts';
import { findService } from './services.ts';
import { lifecyclePlan } from './stack-actions.ts';

const MAX_TARGET = 10_000;

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
    // Without the cache's index every stack is a candidate: parse only one whose annotation names it.
    if (!stack.metadata.annotations?.[TRIGGERS_ANNOTATION]?.includes(uuid)) continue;
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
  let result: Awaited<ReturnType<typeof changeStack>>;
  try {
    result = await changeStack(
      env,
      stack,
      trigger.operation === 'REDEPLOY' ? redeployService(trigger.service) : scaleUp(trigger.service),
    );
  } catch (err) {
    if (err instanceof HttpError) throw err;
    // Logged here, by stack, so that the URL (the trigger's secret) is not.
    env.logger.error({ err, namespace: stack.metadata.namespace, name: stack.metadata.name }, 'trigger call failed');
    throw new HttpError(500, 'internal error');
  }
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

/** One container more for the service (an update of the stack). */
function scaleUp(service: string) {
  return (current: Stack): PlannedChange => {
    const svc = current.spec.services.find((s) => s.name === service);
    if (svc === undefined) throw notFound(`the stack no longer has a service "${service}"`);
    const target = (svc.targetNumContainers ?? 1) + 1;
    if (target > MAX_TARGET) throw conflict(`service "${service}" runs ${MAX_TARGET} containers already, the most it may`);
    return {
      action: 'update',
      spec: { services: current.spec.services.map((s) => (s.name === service ? { ...s, targetNumContainers: target } : s)) },
    };
  };
}

function findTrigger(stack: Stack, service: string, uuid: string): TriggerRecord {
  const t = readTriggers(stack).find((x) => x.uuid === uuid && x.service === service);
  if (t === undefined) throw notFound(`no trigger with uuid "${uuid}" on service "${service}"`);
  return t;
}

/** Rewrites the stack's triggers, on the copy the API server holds (a conflict reads it again). */
async function writeTriggers(env: FacadeEnv, stack: Stack, change: (current: TriggerRecord[]) => TriggerRecord[]): Promise<void> {
  const { namespace, name } = stack.metadata;
  let current = stack;
  for (let attempt = 1; ; attempt++) {
    const next = change(readTriggers(current));
    try {
      const written = await env.writer.patch(namespace, name, {
        metadata: {
          ...(current.metadata.resourceVersion !== undefined && { resourceVersion: current.metadata.resourceVersion }),
          annotations: { [TRIGGERS_ANNOTATION]: JSON.stringify(next) },
        },
      });
      env.view.remember(written);
      return;
    } catch (err) {
      if (!(err instanceof KubeApiError && err.code === 409) || attempt >= 5) throw kubeErrorToHttp(err, namespace, name);
      await delay(Math.round(Math.random() * 20 * attempt));
      const fresh = await env.writer.get(namespace, name);
      if (fresh === undefined) throw notFound(`stack ${namespace}/${name} no longer exists`);
      current = fresh;
    }
  }
}
