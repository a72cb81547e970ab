// `GET /api/audit/v1/action/<uuid>/`, what the CLI's --sync polls every 4 s. The path has no
// namespace: the action is found first, then the caller must be allowed to get stacks in its
// namespace; otherwise it does not exist for them (404, so uuids reveal nothing).
import type { Context } from 'koa';
import { type ActionOutcome, actionOutcome, actionToJson } from '../actions.ts';
import { authenticate, isAllowed } from '../auth.ts';
import type { FacadeEnv } from '../env.ts';
import { notFound } from '../errors.ts';
import { noteStack, param } from './common.ts';

export async function getAction(ctx: Context, env: FacadeEnv): Promise<void> {
  const identity = await authenticate(ctx, env);
  const uuid = param(ctx, 'uuid');
  const found = await env.actions.find(env.view, uuid);
  const namespace = found === undefined ? undefined : found.kind === 'live' ? found.stack.metadata.namespace : found.namespace;
  if (found === undefined || namespace === undefined || !(await isAllowed(env, identity, namespace, 'get'))) {
    throw notFound(`no action with uuid "${uuid}"`);
  }
  if (found.kind === 'live') {
    noteStack(ctx, namespace, found.stack.metadata.name);
    const outcome = actionOutcome(found.record, found.stack, found.all);
    ctx.body = actionToJson(found.record, namespace, found.stack.metadata.uid ?? '', outcome);
    return;
  }
  // The stack is gone: the controller removes terminated stacks after their retention.
  const outcome: ActionOutcome =
    found.record.action === 'terminate'
      ? { state: 'Success', endedAt: null, message: '' }
      : { state: 'Failed', endedAt: null, message: 'the stack no longer exists' };
  ctx.body = actionToJson(found.record, namespace, found.stackUid, outcome);
}
