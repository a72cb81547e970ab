import { describe, expect, it, vi } from 'vitest';
import { WorkQueue } from '../../../src/runtime/queue.ts';

describe('WorkQueue', () => {
  it('hands out a key once however often it was added while waiting', async () => {
    const q = new WorkQueue();
    q.add('ns/a');
    q.add('ns/a');
    q.add('ns/b');
    expect(q.depth).toBe(2);
    expect((await q.get())?.key).toBe('ns/a');
    expect((await q.get())?.key).toBe('ns/b');
    expect(q.depth).toBe(0);
  });

  it('never gives a key to two workers at once, and re-queues it if it changed meanwhile', async () => {
    const q = new WorkQueue();
    q.add('ns/a');
    const first = await q.get();
    q.add('ns/a'); // an event arrives while a worker reconciles ns/a
    expect(q.depth).toBe(0);
    let second: string | undefined;
    void q.get().then((i) => (second = i?.key));
    await Promise.resolve();
    expect(second).toBeUndefined();
    q.done(first!.key);
    await Promise.resolve();
    expect(second).toBe('ns/a');
  });

  it('does not re-queue a key that did not change while it was processed', async () => {
    const q = new WorkQueue();
    q.add('ns/a');
    const item = await q.get();
    q.done(item!.key);
    expect(q.depth).toBe(0);
    expect(q.inFlight).toBe(0);
  });

  it('backs off a failing key exponentially, up to the cap, and forgets on success', () => {
    const q = new WorkQueue({ baseDelayMs: 10, maxDelayMs: 100 });
    // backoffOf tells the wait before it is taken (an error policy's message says it).
    expect(q.backoffOf('ns/a')).toBe(10);
    expect([1, 2, 3, 4, 5].map(() => q.addRateLimited('ns/a'))).toEqual([10, 20, 40, 80, 100]);
    expect(q.backoffOf('ns/a')).toBe(100);
    expect(q.retries('ns/a')).toBe(5);
    q.forget('ns/a');
    expect(q.addRateLimited('ns/a')).toBe(10);
    q.shutDown();
  });

  it('adds a delayed key when its time comes, the earliest schedule winning', async () => {
    vi.useFakeTimers();
    try {
      const q = new WorkQueue();
      q.addAfter('ns/a', 1000);
      q.addAfter('ns/a', 5000);
      vi.advanceTimersByTime(999);
      expect(q.depth).toBe(0);
      vi.advanceTimersByTime(1);
      expect(q.depth).toBe(1);
      vi.advanceTimersByTime(5000);
      expect(q.depth).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('releases waiting workers with undefined on shut-down and takes no new keys', async () => {
    const q = new WorkQueue();
    const waiting = q.get();
    q.shutDown();
    expect(await waiting).toBeUndefined();
    q.add('ns/a');
    expect(q.depth).toBe(0);
    expect(await q.get()).toBeUndefined();
  });

  it('reports how long a key waited', async () => {
    vi.useFakeTimers();
    try {
      const q = new WorkQueue();
      q.add('ns/a');
      vi.advanceTimersByTime(250);
      expect((await q.get())?.waitedMs).toBe(250);
    } finally {
      vi.useRealTimers();
    }
  });
});
