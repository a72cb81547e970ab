// A process that has gone quiet after a burst collects its garbage once; not during work, not
// after a trickle, not twice for one burst.
import { describe, expect, it } from 'vitest';
import { idleCollector } from '../../../src/main/idle-gc.ts';

describe('the idle collector', () => {
  it('collects once the process is quiet after a burst, and only then', () => {
    let t = 0;
    const collections: number[] = [];
    const c = idleCollector({ gc: () => collections.push(t), minWork: 3, quietMs: 5_000, now: () => t });
    for (let i = 0; i < 5; i++) c.worked();
    t = 4_000;
    c.check();
    expect(collections).toEqual([]); // not quiet yet
    t = 5_000;
    c.check();
    c.check();
    expect(collections).toEqual([5_000]); // once for the burst
    c.worked();
    t = 20_000;
    c.check();
    expect(collections).toEqual([5_000]); // a trickle is not worth a full collection
    c.stop();
  });

  it('does nothing without node --expose-gc', () => {
    const c = idleCollector({ gc: undefined, minWork: 1, quietMs: 0 });
    c.worked();
    expect(() => c.check()).not.toThrow();
    c.stop();
  });
});
