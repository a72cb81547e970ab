// Every route, with and without the namespace segment (`/api/app/v1/[ns/]stack/...`); trailing
// slashes optional. All namespaced forms are registered before all plain ones, so a path whose
// segment before stack/ or service/ could be either (`/api/app/v1/stack/stack/`) always reads
// that segment as a namespace.
import Router from '@koa/router';
import type { Context } from 'koa';
import type { FacadeEnv } from './env.ts';
import { APP_PREFIX } from './paths.ts';
import { getAction } from './routes/actions.ts';
import { receiveRegistryWebhook } from './routes/registry-webhook.ts';
import { getService, listServices } from './routes/services.ts';
import { redeployStack, startStack, stopStack, terminateStack } from './routes/stack-actions.ts';
import { exportStack, getStack, listStacks } from './routes/stack-reads.ts';
import { createStack, updateStack } from './routes/stack-writes.ts';
import { callTrigger, createTrigger, deleteTrigger, getTrigger, listTriggers } from './routes/triggers.ts';

type Handler = (ctx: Context, env: FacadeEnv) => Promise<void>;
type Method = 'get' | 'post' | 'patch' | 'delete';

/** Paths under /api/app/v1/[ns/], written without the trailing slash that clients send: the
 * router (strict: false) then matches both forms. */
const APP_ROUTES: [Method, string, Handler][] = [
  ['get', 'stack', listStacks],
  ['post', 'stack', createStack],
  ['get', 'stack/:uuid', getStack],
  ['patch', 'stack/:uuid', updateStack],
  ['delete', 'stack/:uuid', terminateStack],
  ['get', 'stack/:uuid/export', exportStack],
  ['post', 'stack/:uuid/start', startStack],
  ['post', 'stack/:uuid/stop', stopStack],
  ['post', 'stack/:uuid/redeploy', redeployStack],
  ['get', 'service', listServices],
  ['get', 'service/:uuid', getService],
  ['get', 'service/:uuid/trigger', listTriggers],
  ['post', 'service/:uuid/trigger', createTrigger],
  ['get', 'service/:uuid/trigger/:trigger', getTrigger],
  ['delete', 'service/:uuid/trigger/:trigger', deleteTrigger],
  ['post', 'service/:uuid/trigger/:trigger/call', callTrigger],
];

export function buildRouter(env: FacadeEnv): Router {
  const router = new Router({ strict: false });
  const add = (method: Method, path: string, handler: Handler) => {
    router[method](path, (ctx: Context) => handler(ctx, env));
  };
  for (const [method, path, handler] of APP_ROUTES) add(method, `${APP_PREFIX}/:namespace/${path}`, handler);
  for (const [method, path, handler] of APP_ROUTES) add(method, `${APP_PREFIX}/${path}`, handler);
  add('get', '/api/audit/v1/action/:uuid', getAction);
  add('post', '/api/registry/v1/webhook/:token', receiveRegistryWebhook);
  return router;
}

/** A metrics label for the matched route: the template without the namespace segment. */
export function routeLabel(matched: unknown): string {
  return typeof matched === 'string' ? `${matched.replace('/:namespace/', '/')}/` : 'unmatched';
}
