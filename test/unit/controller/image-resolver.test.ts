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
    expect(r.resolver.known('app:v1')).toEqual({ resolution: { digest: 'sha256:a' }, at: 1_000, source: 'reconcile' });
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
});
