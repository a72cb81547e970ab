// The Docker Cloud Stack API façade: a Koa app over Stack resources. It reads from the shared
// informer cache and writes through the Kubernetes API (both injected, see deps.ts); it never
// listens by itself and never waits on the reconcile loop. main mounts it and adds /healthz.
import Koa, { type Context, type Next } from 'koa';
import { quote } from '../util/show.ts';
import { dashboardRouter } from './dashboard/routes.ts';
import type { FacadeDeps } from './deps.ts';
import { type FacadeEnv, makeEnv } from './env.ts';
import { HttpError } from './errors.ts';
import { collapseSlashes } from './paths.ts';
import { buildRouter, routeLabel } from './router.ts';

export function createFacade(deps: FacadeDeps): Koa {
  const env = makeEnv(deps);
  const app = new Koa();
  app.use(errorsAndMetrics(env, deps.onRequest));
  app.use(checkRequestLine);
  app.use(normalizePath);
  if (deps.dashboard !== undefined) {
    const dashboard = dashboardRouter(env, deps.dashboard);
    app.use(dashboard.routes());
    app.use(dashboard.allowedMethods());
  }
  const router = buildRouter(env);
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}

/**
 * The longest URL (path and query) taken; longer ones get 414. Every URL of this API is short:
 * a path of a few segments and a few query parameters. (Past the server's maxHeaderSize, 16
 * KiB with the headers, the HTTP layer refuses it first: 431, see http-server.ts.)
 */
export const MAX_URL_LENGTH = 8192;

/** What Node would refuse with a bare status, or not at all, refused here with a JSON error. */
async function checkRequestLine(ctx: Context, next: Next): Promise<void> {
  if (ctx.url.length > MAX_URL_LENGTH) {
    throw new HttpError(414, `the URL is longer than the limit of ${MAX_URL_LENGTH} characters`);
  }
  // Node's own check (requireHostHeader) answers without a body; http-server.ts turns it off.
  if (ctx.req.httpVersion === '1.1' && ctx.get('Host') === '') {
    throw new HttpError(400, 'an HTTP/1.1 request needs a Host header');
  }
  await next();
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
      if (ctx.body === undefined || ctx.body === null || (ctx.method === 'OPTIONS' && ctx.body === '')) fillRouterError(ctx);
    } catch (err) {
      if (err instanceof HttpError) {
        ctx.status = err.status;
        ctx.set(withoutPageChallenge(ctx, err.headers));
        ctx.body = { error: bounded(err.message) };
        // The rest of an oversized body is not read: do not keep the connection.
        if (err.status === 413) ctx.set('Connection', 'close');
      } else {
        const log = (ctx.state['log'] ?? {}) as { namespace?: string; name?: string };
        // The route, not the path: a trigger's or a webhook's path holds its secret.
        env.logger.error({ err, method: ctx.method, route: routeLabel(ctx['_matchedRoute']), ...log }, 'internal error');
        ctx.status = 500;
        ctx.body = { error: 'internal error' };
      }
    } finally {
      onRequest?.(routeLabel(ctx['_matchedRoute']), ctx.status, (performance.now() - started) / 1000, ctx.method);
    }
  };
}

/**
 * A 401's Basic challenge makes a browser prompt for a user and password, and hold a page's
 * fetch until the prompt is answered: the dashboard's requests (a fetch, whose Sec-Fetch-Mode
 * is not "navigate"; clients other than browsers send none) get the 401 without it.
 */
function withoutPageChallenge(ctx: Context, headers: Readonly<Record<string, string>>): Record<string, string> {
  const mode = ctx.get('Sec-Fetch-Mode');
  if (mode === '' || mode === 'navigate') return { ...headers };
  const { 'WWW-Authenticate': _challenge, ...rest } = headers;
  return rest;
}

/**
 * The longest error message answered. Messages name values shortened already (quote, show)
 * and list a bounded number of field errors (formatFieldErrors); this is the last word, for
 * a message that echoes something it should not have (an API server's 422, say).
 */
export const MAX_ERROR_MESSAGE_LENGTH = 8192;

function bounded(message: string): string {
  return message.length > MAX_ERROR_MESSAGE_LENGTH ? `${message.slice(0, MAX_ERROR_MESSAGE_LENGTH - 3)}...` : message;
}

function fillRouterError(ctx: Context): void {
  // The router answers OPTIONS itself, 200 with Allow and no body. Docker Cloud's API did not
  // take OPTIONS (no client sends it; there is no CORS): it is a method this path does not take.
  if (ctx.method === 'OPTIONS' && ctx.status === 200 && ctx.response.get('Allow') !== '') ctx.status = 405;
  switch (ctx.status) {
    case 404:
      ctx.status = 404;
      ctx.body = { error: `no such endpoint: ${ctx.method} ${quote(ctx.path)}` };
      break;
    case 405:
      ctx.body = { error: `method ${ctx.method} not allowed on ${quote(ctx.path)}; allowed: ${ctx.response.get('Allow')}` };
      ctx.status = 405;
      break;
    case 501:
      ctx.body = { error: `method ${ctx.method} not implemented` };
      ctx.status = 501;
      break;
  }
}
