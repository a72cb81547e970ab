// Who is calling and what they may do, both decided by Kubernetes (see deps.ts Authenticator).
// A request without a namespace in its path works in the caller's own namespace: a
// ServiceAccount's, or the configured default for other users.
import type { Context } from 'koa';
import { DNS1123_LABEL } from '../model/stack.ts';
import { serviceAccountNamespace, tokenFromAuthorization } from './credentials.ts';
import type { Identity, Verb } from './deps.ts';
import type { FacadeEnv } from './env.ts';
import { HttpError, notFound } from './errors.ts';

const CHALLENGE = { 'WWW-Authenticate': 'Basic realm="longshore"' };

/** The caller's identity; 401 without a valid token, 503 when the API server cannot tell. */
export async function authenticate(ctx: Context, env: FacadeEnv): Promise<Identity> {
  const token = tokenFromAuthorization(ctx.get('authorization') || undefined);
  if (token === undefined) {
    throw new HttpError(
      401,
      'authentication required: send a Kubernetes bearer token as the API key (Basic "user:token", or "Bearer token")',
      CHALLENGE,
    );
  }
  let identity: Identity | null;
  try {
    identity = await env.authenticator.authenticate(token);
  } catch (err) {
    env.logger.error({ err }, 'TokenReview failed');
    throw new HttpError(503, 'cannot verify credentials right now: the Kubernetes API is unavailable');
  }
  if (identity === null) throw new HttpError(401, 'invalid credentials: the token was not accepted by Kubernetes', CHALLENGE);
  return identity;
}

/** The namespace a request works in: the path's, else the caller's own. */
export function requestNamespace(pathNamespace: string | undefined, identity: Identity, defaultNamespace: string): string {
  if (pathNamespace !== undefined) {
    // Not a namespace name at all: nothing can live there.
    if (!DNS1123_LABEL.test(pathNamespace) || pathNamespace.length > 63) throw notFound(`no such namespace: "${pathNamespace}"`);
    return pathNamespace;
  }
  return serviceAccountNamespace(identity.username) ?? defaultNamespace;
}

/** 403 unless RBAC lets the caller do `verb` on stacks.longshore.io in `namespace`. */
export async function authorize(env: FacadeEnv, identity: Identity, namespace: string, verb: Verb): Promise<void> {
  if (!(await isAllowed(env, identity, namespace, verb))) {
    throw new HttpError(403, `forbidden: ${identity.username} may not ${verb} stacks.longshore.io in namespace "${namespace}"`);
  }
}

export async function isAllowed(env: FacadeEnv, identity: Identity, namespace: string, verb: Verb): Promise<boolean> {
  try {
    return await env.authenticator.authorize(identity, namespace, verb);
  } catch (err) {
    env.logger.error({ err, namespace, verb }, 'SubjectAccessReview failed');
    throw new HttpError(503, 'cannot check permissions right now: the Kubernetes API is unavailable');
  }
}

/** Authenticates, picks the namespace and authorizes `verb` there: the start of most handlers. */
export async function access(ctx: Context, env: FacadeEnv, verb: Verb): Promise<{ identity: Identity; namespace: string }> {
  const identity = await authenticate(ctx, env);
  const params = (ctx as Context & { params?: Record<string, string> }).params ?? {};
  const namespace = requestNamespace(params['namespace'], identity, env.config.defaultNamespace);
  await authorize(env, identity, namespace, verb);
  return { identity, namespace };
}
