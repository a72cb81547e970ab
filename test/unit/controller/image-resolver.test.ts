import { describe, expect, it } from 'vitest';
import { ImageResolver } from '../../../src/controller/image-resolver.ts';
import { RegistryError } from '../../../src/registry/client.ts';

function resolverWith(answers: (() => Promise<string>)[]) {
  let now = 1_000;
  let asked = 0;
  const outcomes: string[] = [];
  const resolver = new ImageResolver({
    onAnswer: (source, outcome) => outcomes.push(`${source} ${outcome}`),
    resolve: () => {
      const next = answers[Math.min(asked, answers.length - 1)]!;
      asked++;
      return next();
    },
    failureRetryMs: 10_000,
    refusalRetryMs: 60_000,
    now: () => now,
  });
  return { resolver, asked: () => asked, outcomes, advance: (ms: number) => (now += ms) };
}

describe('ImageResolver', () => {
  it('asks once for questions in flight together, and remembers the answer and its source', async () => {
    const r = resolverWith([async () => 'sha256:a']);
    const [x, y] = await Promise.all([r.resolver.fresh('app:v1', 'reconcile'), r.resolver.fresh('app:v1', 'poll')]);
    expect(x).toBe(y);
    expect(r.asked()).toBe(1);
    expect(await r.resolver.known('app:v1')).toEqual({ resolution: { digest: 'sha256:a' }, at: 1_000, source: 'reconcile' });
  });

  it('answers a refusal from memory for a while, then asks again', async () => {
    const r = resolverWith([
      async () => {
        throw new RegistryError('reg/app:v1: no such image or tag in the registry (HTTP 404)', 404);
      },
      async () => 'sha256:b',
    ]);
    expect((await r.resolver.fresh('reg/app:v1', 'reconcile')).resolution).toEqual({
      error: 'reg/app:v1: no such image or tag in the registry (HTTP 404)',
    });
    r.advance(30_000);
    expect((await r.resolver.fresh('reg/app:v1', 'reconcile')).resolution).toHaveProperty('error');
    expect(r.asked()).toBe(1);
    r.advance(30_000);
    expect((await r.resolver.fresh('reg/app:v1', 'reconcile')).resolution).toEqual({ digest: 'sha256:b' });
    expect(r.outcomes).toEqual(['reconcile refused', 'reconcile digest']);
  });

  it('times the wait before asking again from the failure, not from the question', async () => {
    const r = resolverWith([
      async () => {
        r.advance(10_000); // the whole timeout spent before the failure
        throw new TypeError('fetch failed');
      },
      async () => 'sha256:a',
    ]);
    await r.resolver.fresh('reg/app:v1', 'reconcile');
    expect((await r.resolver.fresh('reg/app:v1', 'reconcile')).resolution).toHaveProperty('error');
    expect(r.asked()).toBe(1);
  });

  it('says the registry could not be reached, naming the reference and the cause', async () => {
    const r = resolverWith([
      async () => {
        throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:1') });
      },
    ]);
    const answer = await r.resolver.ask('127.0.0.1:1/app:v1', 'poll');
    expect(answer.resolution).toEqual({
      error: '127.0.0.1:1/app:v1: the registry could not be reached (fetch failed: connect ECONNREFUSED 127.0.0.1:1)',
    });
    // Not reaching it may pass soon: asked again sooner than after a refusal.
    expect(answer.retryMs).toBe(10_000);
    expect(r.outcomes).toEqual(['poll unreachable']);
  });

  it('keeps answers apart for scopes pulling with other credentials, and shares them for the same', async () => {
    const asked: string[] = [];
    const byNamespace: Record<string, { username: string; password: string }[]> = {
      a: [{ username: 'u', password: 'right' }],
      b: [{ username: 'u', password: 'right' }],
      c: [],
    };
    const resolver = new ImageResolver({
      resolve: async (_ref, credentials) => {
        asked.push(credentials.map((c) => c.password).join(',') || 'anonymous');
        if (credentials.length === 0)
          throw new RegistryError('reg/app:v1: the registry refused anonymous access (HTTP 401)', 401);
        return 'sha256:a';
      },
      credentials: async (_ref, scope) => byNamespace[scope?.namespace ?? 'c'] ?? [],
    });
    const scope = (namespace: string) => ({ namespace, serviceAccount: 'default' });
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((ns) => resolver.fresh('reg/app:v1', 'reconcile', scope(ns))));
    expect(a?.resolution).toEqual({ digest: 'sha256:a' });
    expect(b).toBe(a);
    expect(c?.resolution).toHaveProperty('error');
    expect(asked).toEqual(['right', 'anonymous']);
    expect(await resolver.known('reg/app:v1', scope('b'))).toBe(a);
    expect(await resolver.known('reg/app:v1', scope('c'))).toBe(c);
    // The key names no credential.
    expect((await resolver.identify('reg/app:v1', scope('a'))).key).not.toContain('right');
  });

  it('reports credentials that cannot be read as a failure, without asking the registry', async () => {
    let asked = 0;
    const resolver = new ImageResolver({
      resolve: async () => {
        asked++;
        return 'sha256:a';
      },
      credentials: async () => {
        throw new Error('cannot read pull secret ns/creds (HTTP 403)');
      },
    });
    const answer = await resolver.fresh('reg/app:v1', 'reconcile', { namespace: 'ns', serviceAccount: 'default' });
    expect(answer.resolution).toEqual({ error: 'reg/app:v1: cannot read pull secret ns/creds (HTTP 403)' });
    expect(answer.retryMs).toBe(10_000);
    expect(asked).toBe(0);
  });
});
