// The Docker Cloud Stack API façade: a Koa app over Stack resources. It reads from the shared
// informer cache and writes through the Kubernetes API (both injected, see deps.ts); it never
// listens by itself and never waits on the reconcile loop. main mounts it and adds /healthz.
import Koa, { type Context, type Next } from 'koa';
import type { FacadeDeps } from './deps.ts';
import { type FacadeEnv, makeEnv } from './env.ts';
import { HttpError } from './errors.ts';
import { collapseSlashes } from './paths.ts';
import { buildRouter, routeLabel } from './router.ts';

export function createFacade(deps: FacadeDeps): Koa {
  const env = makeEnv(deps);
  const app = new Koa();
  app.use(errorsAndMetrics(env, deps.onRequest));
  app.use(normalizePath);
  const router = buildRouter(env);
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}

/** Go's client sends `//api/...` when DOCKERCLOUD_REST_HOST ends with a slash. */
async function normalizePath(ctx: Context, next: Next): Promise<void> {
  const path = collapseSlashes(ctx.path);
  if (path !== ctx.path) ctx.path = path;
  await next();
}

/**
 * Every answer that is not a success carries `{"error": "..."}`: HttpErrors from handlers as
 * they say, the router's bare 404/405/501 filled in, anything else a 500 that is logged.
 */
function errorsAndMetrics(env: FacadeEnv, onRequest: FacadeDeps['onRequest']) {
  return async (ctx: Context, next: Next): Promise<void> => {
    const started = performance.now();
    try {
      await next();
      if (ctx.body === undefined || ctx.body === null) fillRouterError(ctx);
    } catch (err) {
      if (err instanceof HttpError) {
        ctx.status = err.status;
        ctx.set(err.headers);
        ctx.body = { error: err.message };
        // The rest of an oversized body is not read: do not keep the connection.
        if (err.status === 413) ctx.set('Connection', 'close');
      } else {
        const log = (ctx.state['log'] ?? {}) as { namespace?: string; name?: string };
        env.logger.error({ err, method: ctx.method, path: ctx.path, ...log }, 'internal error');
        ctx.status = 500;
        ctx.body = { error: 'internal error' };
      }
    } finally {
      onRequest?.(routeLabel(ctx['_matchedRoute']), ctx.status, (performance.now() - started) / 1000, ctx.method);
    }
  };
}

function fillRouterError(ctx: Context): void {
  switch (ctx.status) {
    case 404:
      ctx.status = 404;
      ctx.body = { error: `no such endpoint: ${ctx.method} ${ctx.path}` };
      break;
    case 405:
      ctx.body = { error: `method ${ctx.method} not allowed on ${ctx.path}; allowed: ${ctx.response.get('Allow')}` };
      ctx.status = 405;
      break;
    case 501:
      ctx.body = { error: `method ${ctx.method} not implemented` };
      ctx.status = 501;
      break;
  }
}
