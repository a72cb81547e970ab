// Services, read-only: each service of each stack, identified by a name-based uuid (uuid5.ts).
// `docker-cloud service ps --stack X` lists with `stack=<stack resource_uri>`; the CLI resolves
// a service id that is not a UUID v4 (ours are v5) through `uuid__startswith`, then `name`.
import type { Context } from 'koa';
import type { ServiceSpec, Stack } from '../../model/stack.ts';
import { access } from '../auth.ts';
import type { FacadeEnv } from '../env.ts';
import { notFound } from '../errors.ts';
import { paginate, parsePage } from '../paging.ts';
import { lastPathSegment } from '../paths.ts';
import { serviceToJson } from '../service-json.ts';
import { serviceUuid } from '../uuid5.ts';
import { noteStack, param, queryValue } from './common.ts';

export interface StackService {
  stack: Stack;
  service: ServiceSpec;
  uuid: string;
}

async function servicesOf(env: FacadeEnv, namespace: string): Promise<StackService[]> {
  return (await env.view.list(namespace)).flatMap((stack) =>
    stack.spec.services.map((service) => ({ stack, service, uuid: serviceUuid(stack.metadata.uid ?? '', service.name) })),
  );
}

export async function listServices(ctx: Context, env: FacadeEnv): Promise<void> {
  const { namespace } = await access(ctx, env, 'list');
  noteStack(ctx, namespace);
  const page = parsePage(ctx.query, env.config.pageLimit, env.config.maxPageLimit);
  const stackFilter = queryValue(ctx, 'stack');
  const stackUid = stackFilter === undefined ? undefined : lastPathSegment(stackFilter);
  const name = queryValue(ctx, 'name');
  const uuid = queryValue(ctx, 'uuid');
  const uuidPrefix = queryValue(ctx, 'uuid__startswith');
  const state = queryValue(ctx, 'state');
  const matching = (await servicesOf(env, namespace))
    .map((s) => ({ ...s, json: serviceToJson(s.stack, s.service) }))
    .filter(
      (s) =>
        (stackUid === undefined || s.stack.metadata.uid === stackUid) &&
        (name === undefined || s.service.name === name) &&
        (uuid === undefined || s.uuid === uuid) &&
        (uuidPrefix === undefined || s.uuid.startsWith(uuidPrefix)) &&
        (state === undefined || s.json.state.toLowerCase() === state.toLowerCase()),
    );
  ctx.body = paginate(matching, page, ctx.path, new URLSearchParams(ctx.querystring), (s) => s.json);
}

export async function getService(ctx: Context, env: FacadeEnv): Promise<void> {
  const { namespace } = await access(ctx, env, 'get');
  const found = await findService(ctx, env, namespace, param(ctx, 'uuid'));
  ctx.body = serviceToJson(found.stack, found.service);
}

/** The service with this uuid in this namespace; 404 otherwise. */
export async function findService(ctx: Context, env: FacadeEnv, namespace: string, uuid: string): Promise<StackService> {
  const found = (await servicesOf(env, namespace)).find((s) => s.uuid === uuid);
  if (found === undefined) throw notFound(`no service with uuid "${uuid}" in namespace "${namespace}"`);
  noteStack(ctx, namespace, found.stack.metadata.name);
  return found;
}
