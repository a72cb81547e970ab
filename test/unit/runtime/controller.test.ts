// The generic controller with in-memory caches: no Kubernetes API, no Stack. What a controller
// promises whatever it controls: no reconcile before every cache has synced, every key looked
// at once per run, a key never worked on twice at once nor queued twice, a requested look
// again honoured, failures retried as the error policy decides (with the count of failures in
// a row), and a stop that lets the reconciles in flight finish, for a bounded time.
import { setImmediate as flush } from 'node:timers/promises';
import type { Logger } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type Cache,
  Controller,
  type ControllerOptions,
  type ErrorContext,
  type ReconcileContext,
  type ReconcileResult,
} from '../../../src/runtime/controller.ts';

/** A cache that syncs when the test says so. */
class FakeCache implements Cache {
  starts = 0;
  private synced = false;
  private readonly waiters: (() => void)[] = [];
  start(): void {
    this.starts++;
  }
  hasSynced(): boolean {
    return this.synced;
  }
  waitForSync(): Promise<void> {
    return this.synced ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }
  sync(): void {
    this.synced = true;
    for (const w of this.waiters.splice(0)) w();
  }
}

function syncedCache(): FakeCache {
  const c = new FakeCache();
  c.sync();
  return c;
}

const silent = { warn: vi.fn(), error: vi.fn(), debug: vi.fn(), info: vi.fn() };
const logger = silent as unknown as Logger;

/** Yields to the event loop until `check` holds; fails after a bounded number of turns. */
async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 1_000; i++) {
    if (check()) return;
    await flush();
  }
  throw new Error(`never happened: ${what}`);
}

/** Runs a controller for the test; `stop()` aborts it and waits for the run to end. */
function start(opts: Partial<ControllerOptions> & Pick<ControllerOptions, 'reconcile'>) {
  const controller = new Controller({
    caches: [],
    keys: () => [],
    errorPolicy: () => 'backoff',
    workers: 1,
    logger,
    ...opts,
  });
  const abort = new AbortController();
  let ended = false;
  const running = controller.run(abort.signal).then(() => {
    ended = true;
  });
  return {
    controller,
    abort,
    ended: () => ended,
    stop: async () => {
      abort.abort();
      await running;
    },
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('a controller', () => {
  it('starts its caches once, reconciles nothing before all have synced, then looks at every key once', async () => {
    const ready = syncedCache();
    const late = new FakeCache();
    const seen: { key: string; synced: boolean }[] = [];
    const c = start({
      caches: [ready, late],
      keys: () => ['ns/a', 'ns/b', 'ns/a'],
      workers: 2,
      reconcile: async (key) => {
        seen.push({ key, synced: late.hasSynced() });
        return {};
      },
    });
    // An event before the caches have synced queues a key; no worker takes it yet.
    c.controller.queue.add('ns/early');
    for (let i = 0; i < 10; i++) await flush();
    expect(seen).toEqual([]);
    expect([ready.starts, late.starts]).toEqual([0, 1]);

    late.sync();
    await until('every key reconciled', () => seen.length === 3 && c.controller.queue.inFlight === 0);
    expect(seen.every((s) => s.synced)).toBe(true);
    expect(seen.map((s) => s.key).sort()).toEqual(['ns/a', 'ns/b', 'ns/early']);
    expect(late.starts).toBe(1);
    await c.stop();
  });

  it('never works on a key twice at once; a key queued while in flight is looked at once more, a waiting one once', async () => {
    const gate = Promise.withResolvers<void>();
    const counts = new Map<string, number>();
    let active = 0;
    let mostActive = 0;
    const c = start({
      keys: () => ['ns/a'],
      workers: 2,
      reconcile: async (key) => {
        counts.set(key, (counts.get(key) ?? 0) + 1);
        active++;
        mostActive = Math.max(mostActive, active);
        if (counts.get(key) === 1) await gate.promise;
        active--;
        return {};
      },
    });
    await until('ns/a in flight', () => counts.get('ns/a') === 1);
    // ns/a changes three times while it is reconciled: the idle worker must not take it.
    for (let i = 0; i < 3; i++) c.controller.queue.add('ns/a');
    for (let i = 0; i < 10; i++) await flush();
    expect(counts.get('ns/a')).toBe(1);
    expect(mostActive).toBe(1);

    gate.resolve();
    await until('queue idle', () => counts.get('ns/a') === 2 && c.controller.queue.inFlight === 0);
    expect(c.controller.queue.depth).toBe(0);
    expect(mostActive).toBe(1);
    await c.stop();
  });

  it('queues a key once however often it is added while it waits', async () => {
    const gate = Promise.withResolvers<void>();
    const log: string[] = [];
    const c = start({
      keys: () => ['ns/busy'],
      reconcile: async (key) => {
        log.push(key);
        if (key === 'ns/busy') await gate.promise;
        return {};
      },
    });
    await until('the one worker busy', () => log.length === 1);
    for (let i = 0; i < 5; i++) c.controller.queue.add('ns/waiting');
    expect(c.controller.queue.depth).toBe(1);
    gate.resolve();
    await until('queue idle', () => log.length === 2 && c.controller.queue.inFlight === 0);
    expect(log).toEqual(['ns/busy', 'ns/waiting']);
    await c.stop();
  });

  it('looks at a key again after the requeueAfterMs its reconcile asked for', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    let calls = 0;
    const c = start({
      keys: () => ['ns/retention'],
      reconcile: async () => {
        calls++;
        return calls === 1 ? { requeueAfterMs: 1_000 } : {};
      },
    });
    await until('first reconcile', () => calls === 1 && c.controller.queue.inFlight === 0);
    vi.advanceTimersByTime(999);
    for (let i = 0; i < 10; i++) await flush();
    expect(calls).toBe(1);
    vi.advanceTimersByTime(1);
    await until('second reconcile', () => calls === 2);
    await c.stop();
  });

  it("calls the error policy with the key's failures in a row; backoff counts one more, a chosen delay and a deferred result do not reset it", async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    // What each reconcile of ns/flaky does, in turn.
    const script: ('fail' | 'conflict' | 'deferred' | 'ok')[] = ['fail', 'fail', 'conflict', 'deferred', 'fail', 'ok', 'fail'];
    const reconciles: ReconcileContext[] = [];
    const policy: { err: string; key: string; ctx: ErrorContext }[] = [];
    const c = start({
      keys: () => ['ns/flaky'],
      backoff: { baseDelayMs: 10, maxDelayMs: 1_000 },
      reconcile: async (_key, ctx): Promise<ReconcileResult> => {
        reconciles.push(ctx);
        const step = script[reconciles.length - 1];
        if (step === 'ok') return {};
        if (step === 'deferred') return { deferred: true, requeueAfterMs: 5 };
        throw new Error(step);
      },
      errorPolicy: (err, key, ctx) => {
        policy.push({ err: (err as Error).message, key, ctx });
        return (err as Error).message === 'conflict' ? { retryAfterMs: 100 } : 'backoff';
      },
    });
    for (let n = 1; n <= script.length; n++) {
      await until(`reconcile ${n}`, () => reconciles.length === n && c.controller.queue.inFlight === 0);
      // The next try is scheduled; let its time come (last: a new change queues the key).
      if (n === 6) c.controller.queue.add('ns/flaky');
      else if (n < script.length) vi.advanceTimersByTime(1_000);
    }
    expect(reconciles.map((r) => r.retries)).toEqual([0, 1, 2, 2, 2, 3, 0]);
    expect(policy.map((p) => [p.err, p.key, p.ctx.retries, p.ctx.backoffMs])).toEqual([
      ['fail', 'ns/flaky', 0, 10],
      ['fail', 'ns/flaky', 1, 20],
      ['conflict', 'ns/flaky', 2, 40],
      ['fail', 'ns/flaky', 2, 40],
      ['fail', 'ns/flaky', 0, 10],
    ]);
    await c.stop();
    expect(reconciles.every((r) => r.signal.aborted)).toBe(true);
  });

  it('backs off a key whose error policy throws, and says so', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    let calls = 0;
    const c = start({
      keys: () => ['ns/x'],
      backoff: { baseDelayMs: 10, maxDelayMs: 1_000 },
      reconcile: async () => {
        calls++;
        if (calls === 1) throw new Error('boom');
        return {};
      },
      errorPolicy: () => {
        throw new Error('policy bug');
      },
    });
    await until('first reconcile', () => calls === 1 && c.controller.queue.inFlight === 0);
    expect(c.controller.queue.retries('ns/x')).toBe(1);
    expect(silent.error).toHaveBeenCalledWith({ key: 'ns/x', err: 'policy bug' }, 'error policy failed');
    vi.advanceTimersByTime(10);
    await until('retried', () => calls === 2);
    await c.stop();
  });

  it('once aborted, takes no new key and ends when the reconciles in flight have finished', async () => {
    const gate = Promise.withResolvers<void>();
    const log: string[] = [];
    let signal: AbortSignal | undefined;
    const c = start({
      keys: () => ['ns/slow'],
      workers: 2,
      reconcile: async (key, ctx) => {
        log.push(key);
        signal = ctx.signal;
        await gate.promise;
        return {};
      },
    });
    await until('ns/slow in flight', () => log.length === 1);
    c.abort.abort();
    expect(signal?.aborted).toBe(true);
    c.controller.queue.add('ns/other');
    for (let i = 0; i < 10; i++) await flush();
    expect(c.ended()).toBe(false);
    gate.resolve();
    await until('the run ended', () => c.ended());
    expect(log).toEqual(['ns/slow']);
  });

  it('stops waiting for a reconcile that never finishes after drainTimeoutMs', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    let started = false;
    const c = start({
      keys: () => ['ns/stuck'],
      drainTimeoutMs: 5_000,
      reconcile: () => {
        started = true;
        return new Promise<ReconcileResult>(() => {});
      },
    });
    await until('ns/stuck in flight', () => started);
    c.abort.abort();
    await until('the stop deadline set', () => vi.getTimerCount() > 0);
    vi.advanceTimersByTime(4_999);
    for (let i = 0; i < 10; i++) await flush();
    expect(c.ended()).toBe(false);
    vi.advanceTimersByTime(1);
    await until('the run ended', () => c.ended());
    expect(silent.warn).toHaveBeenCalledWith({ inFlight: 1, drainMs: 5_000 }, 'reconciles still in flight at the stop deadline');
  });

  it('aborted while its caches sync, ends without a reconcile', async () => {
    const never = new FakeCache();
    const reconcile = vi.fn(async () => ({}));
    const c = start({ caches: [never], keys: () => ['ns/a'], reconcile });
    await until('cache started', () => never.starts === 1);
    await c.stop();
    expect(reconcile).not.toHaveBeenCalled();
  });

  it('runs once', async () => {
    const c = start({ reconcile: async () => ({}) });
    await expect(c.controller.run(new AbortController().signal)).rejects.toThrow('a Controller runs once');
    await c.stop();
  });
});
