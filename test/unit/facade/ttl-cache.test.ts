import { describe, expect, it } from 'vitest';
import { cachedAuthenticator } from '../../../src/facade/cached-authenticator.ts';
import { TtlCache } from '../../../src/facade/ttl-cache.ts';
import { ALICE, FakeAuthenticator } from './support/fakes.ts';

describe('TtlCache', () => {
  it('forgets entries after the TTL', () => {
    const clock = { ms: 0 };
    const cache = new TtlCache<string>(1000, 10, () => clock.ms);
    cache.set('a', 'A');
    clock.ms = 999;
    expect(cache.get('a')).toBe('A');
    clock.ms = 1000;
    expect(cache.get('a')).toBeUndefined();
  });

  it('drops the least recently used entry when full', () => {
    const cache = new TtlCache<number>(1000, 2, () => 0);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.get('a'); // a is now the most recently used
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
    expect(cache.size).toBe(2);
  });
});

describe('cachedAuthenticator', () => {
  it('asks Kubernetes once per token and decision within the TTL, again after it', async () => {
    const clock = { ms: 0 };
    const inner = new FakeAuthenticator().grant('alice', 'default', 'get');
    const auth = cachedAuthenticator(inner, { ttlMs: 10_000, now: () => clock.ms });
    expect(await auth.authenticate('alice-token')).toEqual(ALICE);
    expect(await auth.authenticate('alice-token')).toEqual(ALICE);
    expect(await auth.authorize(ALICE, 'default', 'get')).toBe(true);
    expect(await auth.authorize(ALICE, 'default', 'get')).toBe(true);
    expect(await auth.authorize(ALICE, 'default', 'list')).toBe(false);
    expect(inner.authenticateCalls).toBe(1);
    expect(inner.authorizeCalls).toHaveLength(2);
    clock.ms = 10_000;
    await auth.authenticate('alice-token');
    await auth.authorize(ALICE, 'default', 'get');
    expect(inner.authenticateCalls).toBe(2);
    expect(inner.authorizeCalls).toHaveLength(3);
  });

  it('caches a refused token too, but not a failure to ask', async () => {
    const inner = new FakeAuthenticator();
    const auth = cachedAuthenticator(inner, { now: () => 0 });
    expect(await auth.authenticate('nope')).toBeNull();
    expect(await auth.authenticate('nope')).toBeNull();
    expect(inner.authenticateCalls).toBe(1);
    inner.failWith = new Error('apiserver down');
    await expect(auth.authenticate('other')).rejects.toThrow('apiserver down');
    inner.failWith = undefined;
    expect(await auth.authenticate('other')).toBeNull();
    expect(inner.authenticateCalls).toBe(3);
  });
});
