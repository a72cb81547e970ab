// Whether a child is as Longshore last applied it, so that an apply that would change nothing
// is not sent: a hash of the desired object in an annotation, and the generation our apply
// left it at.
import { createHash } from 'node:crypto';
import type { KubernetesObject } from '@kubernetes/client-node';
import { stableStringify } from '../util/stable-json.ts';
import { cachedSpecEditors, GRANT_FIELDS } from './caches.ts';

export const SPEC_HASH_ANNOTATION = 'longshore.io/spec-hash';

export function specHash(obj: KubernetesObject): string {
  return createHash('sha256').update(stableStringify(obj)).digest('base64url').slice(0, 22);
}

/**
 * Whether a cached child is as Longshore last applied it: our spec hash, and no spec change
 * since. A change shows as a generation newer than the one our apply produced. A process that
 * has no such record (it has just started) takes the object as it finds it when no other field
 * manager owns part of its spec, and records its generation; otherwise it applies once more.
 * So a restart over thousands of converged stacks writes nothing, and an edit made while
 * Longshore was down is still undone.
 */
export function isCurrent(cached: KubernetesObject, hash: string, appliedGenerations: Map<string, number>): boolean {
  if (cached.metadata?.annotations?.[SPEC_HASH_ANNOTATION] !== hash) return false;
  const { uid, generation } = cached.metadata;
  if (generation === undefined) return true;
  if (uid === undefined) return false;
  const applied = appliedGenerations.get(uid);
  if (applied !== undefined) return applied === generation;
  if (cachedSpecEditors(cached).length > 0) return false;
  appliedGenerations.set(uid, generation);
  return true;
}

/**
 * Whether a Role or RoleBinding still grants what the translation wants. They have no
 * generation, so an edit (a verb added to the stack's Role) would otherwise go unseen: it is
 * put right like any edit of a spec.
 */
export function grantsAsApplied(cached: KubernetesObject, desired: KubernetesObject): boolean {
  return GRANT_FIELDS.every((field) => {
    const want = (desired as Record<string, unknown>)[field];
    return want === undefined || stableStringify((cached as Record<string, unknown>)[field]) === stableStringify(want);
  });
}
