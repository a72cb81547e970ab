// The dashboard under /ui/: its page, and the few reads and checks the REST API lacks. Every
// /ui/api/ route authenticates and authorises exactly as the REST API does (auth.ts: a bearer
// token, TokenReview, SubjectAccessReview on stacks.longshore.io), with the same verb the
// matching REST call takes. Writes (create, update, actions) go through the REST API itself.
import Router from '@koa/router';
import type { Context, Next } from 'koa';
import { stringify } from 'yaml';
import { stackToStackFile } from '../../dockercloud/stackfile-keys.ts';
import { StackName } from '../../model/stack.ts';
import { access, authenticate, isAllowed, requestNamespace } from '../auth.ts';
import { readJsonBody } from '../body.ts';
import type { Verb } from '../deps.ts';
import type { FacadeEnv } from '../env.ts';
import { badRequest } from '../errors.ts';
import { findStack, param, queryValue } from '../routes/common.ts';
import { specErrors } from '../routes/stack-writes.ts';
import { securityHeaders, serveAsset } from './assets.ts';
import type { DashboardDeps } from './deps.ts';
import { checkStackFile, type PlacedProblem, placeSpecErrors } from './stackfile-check.ts';
import { streamStacks } from './stream.ts';
import { streamSlots } from './stream-slots.ts';

export const UI_PREFIX = '/ui';
/** The namespaces offered in the chooser: those holding stacks, checked one by one. */
const MAX_OFFERED_NAMESPACES = 50;
const VERBS: readonly Verb[] = ['get', 'list', 'create', 'patch', 'delete'];

export function dashboardRouter(env: FacadeEnv, dash: DashboardDeps): Router {
  const router = new Router({ prefix: UI_PREFIX, strict: false });
  const slots = streamSlots(dash.maxStreamsPerUser, dash.maxStreams);
  router.use(async (ctx: Context, next: Next) => {
    securityHeaders(ctx);
    await next();
  });
  // The page's own URLs are absolute (/ui/app.js), so /ui and /ui/ both serve it.
  router.get('/', (ctx: Context) => serveAsset(ctx, dash.assetsDir, 'index.html'));
  router.get('/api/session', (ctx: Context) => session(ctx, env));
  router.get('/api/:namespace/access', (ctx: Context) => permissions(ctx, env));
  router.get('/api/:namespace/stream', (ctx: Context) => streamStacks(ctx, env, dash, slots));
  router.get('/api/:namespace/stack/:uuid/events', async (ctx: Context) => {
    const { namespace } = await access(ctx, env, 'get');
    const stack = await findStack(ctx, env, namespace, param(ctx, 'uuid'));
    ctx.body = { events: await dash.readEvents(namespace, stack.metadata.uid ?? '') };
  });
  router.get('/api/:namespace/stack/:uuid/stackfile', async (ctx: Context) => {
    const { namespace } = await access(ctx, env, 'get');
    const stack = await findStack(ctx, env, namespace, param(ctx, 'uuid'));
    // The export endpoint's stack-file form, written as YAML the way `longshore convert` writes.
    ctx.body = { text: stringify(stackToStackFile(stack.spec), { lineWidth: 0, aliasDuplicateObjects: false }) };
  });
  router.post('/api/:namespace/stackfile/check', (ctx: Context) => check(ctx, env));
  router.get('/:file', (ctx: Context) => serveAsset(ctx, dash.assetsDir, param(ctx, 'file')));
  return router;
}

/** Who the token is, the namespace the REST API would use for it, and the namespaces to offer. */
async function session(ctx: Context, env: FacadeEnv): Promise<void> {
  const identity = await authenticate(ctx, env);
  const own = requestNamespace(undefined, identity, env.config.defaultNamespace);
  const candidates = [own, ...new Set((await env.view.listAll()).map((s) => s.metadata.namespace))]
    .filter((ns, i, all) => all.indexOf(ns) === i)
    .slice(0, MAX_OFFERED_NAMESPACES);
  const offered: string[] = [];
  for (const ns of candidates) if (await isAllowed(env, identity, ns, 'list')) offered.push(ns);
  ctx.body = { username: identity.username, namespace: own, namespaces: offered.sort() };
}

/** What the caller may do in the namespace: the page shows only the buttons that would work. */
async function permissions(ctx: Context, env: FacadeEnv): Promise<void> {
  const { identity, namespace } = await access(ctx, env, 'list');
  const may: Record<string, boolean> = {};
  for (const verb of VERBS) may[verb] = await isAllowed(env, identity, namespace, verb);
  ctx.body = { namespace, username: identity.username, may };
}

/**
 * A stack file checked as a create (`?name=`) or an update (`?stack=<uuid>`) would check it,
 * without writing: the conversion of `longshore convert`, then the façade's whole-spec checks
 * (schema, namespace policy, links). Authorised with the verb of the write it prepares.
 */
async function check(ctx: Context, env: FacadeEnv): Promise<void> {
  const uuid = queryValue(ctx, 'stack');
  const { namespace } = await access(ctx, env, uuid === undefined ? 'create' : 'patch');
  const name = uuid === undefined ? (queryValue(ctx, 'name') ?? '') : (await findStack(ctx, env, namespace, uuid)).metadata.name;
  const body = await readJsonBody(ctx.req, env.config.bodyLimitBytes);
  const text = (body as { text?: unknown } | null)?.text;
  if (typeof text !== 'string') throw badRequest('text: required, the stack file as a string');
  const errors: PlacedProblem[] = [];
  if (!StackName.safeParse(name).success) {
    errors.push({
      key: 'name',
      line: null,
      message: `the stack name "${name.slice(0, 100)}" must be a DNS-1123 label such as "my-stack"`,
    });
  }
  const result = checkStackFile(text);
  if (!result.ok) {
    ctx.body = { ok: false, errors: [...errors, ...result.errors], warnings: result.warnings };
    return;
  }
  if (errors.length === 0) {
    const spec = await specErrors(env, namespace, name, { services: result.value.specs });
    if (!spec.ok) errors.push(...placeSpecErrors(text, result.value.specs, spec.errors));
  }
  ctx.body =
    errors.length > 0
      ? { ok: false, errors, warnings: result.warnings }
      : { ok: true, errors: [], warnings: result.warnings, services: result.value.services };
}
