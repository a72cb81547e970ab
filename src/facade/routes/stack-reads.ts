// Reading stacks: list (with Docker Cloud's filters and Tastypie paging), get, export.
import type { Context } from 'koa';
import { stackToStackFile } from '../../dockercloud/stackfile-keys.ts';
import { access } from '../auth.ts';
import type { FacadeEnv } from '../env.ts';
import { paginate, parsePage } from '../paging.ts';
import { stackToJson } from '../stack-json.ts';
import { findStack, noteStack, param, queryValue } from './common.ts';

export async function listStacks(ctx: Context, env: FacadeEnv): Promise<void> {
  const { namespace } = await access(ctx, env, 'list');
  noteStack(ctx, namespace);
  const page = parsePage(ctx.query, env.config.pageLimit, env.config.maxPageLimit);
  const name = queryValue(ctx, 'name');
  const uuid = queryValue(ctx, 'uuid');
  const uuidPrefix = queryValue(ctx, 'uuid__startswith');
  // The view lists in order already; filtering keeps it (and is skipped when there is none).
  const all = await env.view.list(namespace);
  const stacks =
    name === undefined && uuid === undefined && uuidPrefix === undefined
      ? all
      : all.filter(
          (s) =>
            (name === undefined || s.metadata.name === name) &&
            (uuid === undefined || s.metadata.uid === uuid) &&
            (uuidPrefix === undefined || (s.metadata.uid ?? '').startsWith(uuidPrefix)),
        );
  ctx.body = paginate(stacks, page, ctx.path, new URLSearchParams(ctx.querystring), stackToJson);
}

export async function getStack(ctx: Context, env: FacadeEnv): Promise<void> {
  const { namespace } = await access(ctx, env, 'get');
  ctx.body = stackToJson(await findStack(ctx, env, namespace, param(ctx, 'uuid')));
}

/** The stack in stack-file form, as JSON (`{"web": {"image": ...}}`); the CLI writes it as YAML. */
export async function exportStack(ctx: Context, env: FacadeEnv): Promise<void> {
  const { namespace } = await access(ctx, env, 'get');
  ctx.body = stackToStackFile((await findStack(ctx, env, namespace, param(ctx, 'uuid'))).spec);
}
