// POST /api/registry/v1/webhook/<token>: a registry says a tag was pushed (Docker Hub's
// webhook, or an OCI distribution notification). No Kubernetes credential: the unguessable
// token in the URL (LONGSHORE_WEBHOOK_TOKEN) is the credential, and a wrong one is answered as
// a path that does not exist. Every stack with an autoredeploy service following a pushed tag
// is marked (an annotation, the time of the push): whichever Longshore process leads sees the
// mark in its next reconcile, asks the registry for the tag's digest, and rolls the service
// out only if the digest really moved. Nothing of the body is trusted beyond naming a tag.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';
import type { Stack } from '../../model/stack.ts';
import { parseImageReference } from '../../registry/reference.ts';
import { type Push, parsePushes, pushMatches } from '../../registry/webhook-payload.ts';
import { ANNOTATION_IMAGE_PUSHED } from '../../translate/labels.ts';
import { readJsonBody } from '../body.ts';
import type { FacadeEnv } from '../env.ts';
import { badRequest, notFound } from '../errors.ts';
import { param } from './common.ts';

const digestOf = (s: string) => createHash('sha256').update(s).digest();

/** Equal in constant time (hashes first: timingSafeEqual needs equal lengths). */
function tokenMatches(given: string, expected: string): boolean {
  return timingSafeEqual(digestOf(given), digestOf(expected));
}

/** Whether a service of the stack follows a pushed tag with autoredeploy. */
export function followsPush(stack: Stack, pushes: readonly Push[]): boolean {
  return stack.spec.services.some((svc) => {
    if (svc.autoredeploy !== true) return false;
    try {
      const ref = parseImageReference(svc.image);
      return ref.digest === undefined && pushes.some((p) => pushMatches(p, ref));
    } catch {
      return false;
    }
  });
}

export async function receiveRegistryWebhook(ctx: Context, env: FacadeEnv): Promise<void> {
  const expected = env.webhookToken;
  const given = param(ctx, 'token');
  if (expected === undefined || !tokenMatches(given, expected))
    throw notFound(`no such endpoint: ${ctx.method} /api/registry/v1/webhook/...`);
  let pushes: Push[];
  try {
    pushes = parsePushes(await readJsonBody(ctx.req, env.config.bodyLimitBytes));
  } catch (err) {
    if (err instanceof Error && err.name === 'HttpError') throw err;
    throw badRequest(`a registry webhook: ${(err as Error).message}`);
  }
  const at = env.now().toISOString();
  const marked: string[] = [];
  for (const stack of await env.view.listAll()) {
    if (stack.metadata.deletionTimestamp || !followsPush(stack, pushes)) continue;
    const { namespace, name } = stack.metadata;
    // One stack that cannot be marked (deleted meanwhile, say) does not keep the others
    // unmarked; and the error is logged here, where the URL and its token are not.
    try {
      await env.writer.patch(namespace, name, { metadata: { annotations: { [ANNOTATION_IMAGE_PUSHED]: at } } });
      marked.push(`${namespace}/${name}`);
    } catch (err) {
      env.logger.warn({ namespace, name, err: (err as Error).message }, 'registry webhook: could not mark the stack');
    }
  }
  // A body may name thousands of tags: the log line names the first few and counts the rest.
  env.logger.info(
    { pushes: pushes.slice(0, 10), pushCount: pushes.length, stacks: marked.slice(0, 10), stackCount: marked.length },
    'registry webhook received',
  );
  ctx.status = 202;
  ctx.body = { pushes, stacks: marked.length };
}
