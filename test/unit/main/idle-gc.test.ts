// A process that has gone quiet after a burst collects its garbage once; not during work, not
// after a trickle, not twice for one burst.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { idleCollector, memoryReducingGc } from '../../../src/main/idle-gc.ts';

const IDLE_GC_MODULE = fileURLToPath(new URL('../../../src/main/idle-gc.ts', import.meta.url));

/**
 * In a node started as the image starts it (--expose-gc): the resident set after ~150 MiB of
 * garbage, before and after the collection, in MiB.
 */
function residentAroundCollection(): { before: number; after: number } {
  const script = `
    import { memoryReducingGc } from ${JSON.stringify(IDLE_GC_MODULE)};
    let junk = [];
    for (let i = 0; i < 400000; i++) junk.push({ a: 'x'.repeat(50) + i, b: [i, i + 1], c: { d: i } });
    junk = null;
    const before = process.memoryUsage.rss();
    memoryReducingGc()();
    const after = process.memoryUsage.rss();
    console.log(JSON.stringify({ before: before / 2 ** 20, after: after / 2 ** 20 }));
  `;
  const out = execFileSync(process.execPath, ['--expose-gc', '--max-semi-space-size=2', '--input-type=module', '-e', script]);
  return JSON.parse(out.toString()) as { before: number; after: number };
}

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

  it('gives the emptied pages back to the system, not only the objects to V8', () => {
    // A plain gc() frees the objects and keeps their pages: the resident set does not move.
    const { before, after } = residentAroundCollection();
    expect(before).toBeGreaterThan(150);
    expect(before - after).toBeGreaterThan(100);
  });

  it('is there only when node runs with --expose-gc', () => {
    expect(memoryReducingGc({})).toBeUndefined();
    const calls: unknown[] = [];
    memoryReducingGc({ gc: (o: unknown) => calls.push(o) })?.();
    expect(calls).toEqual([{ type: 'major', execution: 'sync', flavor: 'last-resort' }]);
  });
});
