// Small pieces every route uses: finding a stack by uuid inside the caller's namespace, the
// query's filters, and answering with a stack plus its action header.
import type { Context } from 'koa';
import type { Stack } from '../../model/stack.ts';
import type { ActionRecord } from '../actions.ts';
import type { FacadeEnv } from '../env.ts';
import { notFound } from '../errors.ts';
import { actionUri } from '../paths.ts';
import { stackToJson } from '../stack-json.ts';

export const ACTION_HEADER = 'X-DockerCloud-Action-URI';

/** What the error log line names, once a handler knows it. */
export function noteStack(ctx: Context, namespace: string, name?: string): void {
  ctx.state['log'] = name === undefined ? { namespace } : { namespace, name };
}

/** The stack with this uuid in this namespace; 404 otherwise (other namespaces are invisible). */
export async function findStack(ctx: Context, env: FacadeEnv, namespace: string, uuid: string): Promise<Stack> {
  const stack = await env.view.byUid(uuid);
  if (stack === undefined || stack.metadata.namespace !== namespace) {
    throw notFound(`no stack with uuid "${uuid}" in namespace "${namespace}"`);
  }
  noteStack(ctx, namespace, stack.metadata.name);
  return stack;
}

/** A query parameter's value (the last one when repeated), or undefined. */
export function queryValue(ctx: Context, key: string): string | undefined {
  const raw = ctx.query[key];
  return Array.isArray(raw) ? raw[raw.length - 1] : raw;
}

export function param(ctx: Context, key: string): string {
  return (ctx as Context & { params?: Record<string, string> }).params?.[key] ?? '';
}

export function respondWithStack(ctx: Context, status: number, stack: Stack, action?: ActionRecord): void {
  if (action !== undefined) ctx.set(ACTION_HEADER, actionUri(action.uuid));
  ctx.status = status;
  ctx.body = stackToJson(stack);
}
