import { describe, expect, it } from 'vitest';
import { allBounded } from '../../../src/util/bounded.ts';

/** A call that ends when the test says so. */
function controllable() {
  const pending: { item: number; end: (fail?: boolean) => void }[] = [];
  const fn = (item: number) =>
    new Promise<number>((resolve, reject) =>
      pending.push({ item, end: (fail) => (fail ? reject(new Error(`item ${item} failed`)) : resolve(item * 10)) }),
    );
  return { pending, fn };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('allBounded', () => {
  it('keeps at most the limit in flight and answers in item order', async () => {
    const { pending, fn } = controllable();
    const all = allBounded([1, 2, 3, 4, 5], 2, fn);
    await settle();
    expect(pending.map((p) => p.item)).toEqual([1, 2]);
    pending[1]?.end();
    await settle();
    expect(pending.map((p) => p.item)).toEqual([1, 2, 3]);
    for (const p of [pending[0], pending[2]]) p?.end();
    await settle();
    for (const p of pending.slice(3)) p.end();
    await settle();
    for (const p of pending.slice(4)) p.end();
    expect(await all).toEqual([10, 20, 30, 40, 50]);
  });

  it('waits for every call before reporting the first failure, and still runs the rest', async () => {
    const { pending, fn } = controllable();
    let ended = false;
    const all = allBounded([1, 2, 3], 3, fn).finally(() => {
      ended = true;
    });
    await settle();
    pending[1]?.end(true);
    pending[0]?.end();
    await settle();
    expect(ended).toBe(false); // item 3 is still under way
    pending[2]?.end(true);
    await expect(all).rejects.toThrow('item 2 failed');
  });

  it('does nothing for no items', async () => {
    expect(await allBounded([], 4, async () => 1)).toEqual([]);
  });
});
