// Every request is authenticated and authorized by the API server (TokenReview and
// SubjectAccessReview); a client paging through a list or polling an action every 4 s would
// otherwise cost two API calls per request. Answers are kept briefly (10 s by default), so a
// revoked token or role binding takes effect within that time. Failures are not cached.
import { createHash } from 'node:crypto';
import type { Authenticator, Identity, Verb } from './deps.ts';
import { TtlCache } from './ttl-cache.ts';

export interface AuthCacheOptions {
  ttlMs?: number;
  maxEntries?: number;
  now?: () => number;
}

export function cachedAuthenticator(inner: Authenticator, options: AuthCacheOptions = {}): Authenticator {
  const ttl = options.ttlMs ?? 10_000;
  const max = options.maxEntries ?? 1000;
  const now = options.now ?? Date.now;
  const identities = new TtlCache<Identity | null>(ttl, max, now);
  const decisions = new TtlCache<boolean>(ttl, max, now);
  return {
    async authenticate(token) {
      // Keyed by a hash: the cache never holds the tokens themselves.
      const key = createHash('sha256').update(token).digest('base64url');
      const cached = identities.get(key);
      if (cached !== undefined) return cached;
      const identity = await inner.authenticate(token);
      identities.set(key, identity);
      return identity;
    },
    async authorize(identity: Identity, namespace: string, verb: Verb) {
      const key = JSON.stringify([
        identity.username,
        identity.uid ?? '',
        [...identity.groups].sort(),
        identity.extra ?? {},
        namespace,
        verb,
      ]);
      const cached = decisions.get(key);
      if (cached !== undefined) return cached;
      const allowed = await inner.authorize(identity, namespace, verb);
      decisions.set(key, allowed);
      return allowed;
    },
  };
}
