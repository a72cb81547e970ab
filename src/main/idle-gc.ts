// After a burst of work (a thousand stacks created, a flood of requests) V8 leaves the burst's
// garbage in the heap until allocation pressure makes it collect, which an operator that has
// gone quiet never creates: its resident set stays at the burst's peak for hours (measured by
// npm run bench: bench/README.md, "Memory"). One full collection once the process has been
// quiet for a few seconds after enough work gives the memory back. It is a memory-reducing
// collection (V8's "last resort" flavour: compacts, then returns the emptied pages to the
// system): a plain full collection frees the objects but V8 keeps their pages for later
// allocations, and the resident set does not move. It needs node's --expose-gc, which the
// image's CMD passes; without it, nothing is done.

/** V8's gc function as --expose-gc installs it (it takes options since V8 11). */
type V8Gc = (options?: { type?: 'major' | 'minor'; execution?: 'sync' | 'async'; flavor?: 'regular' | 'last-resort' }) => void;

/**
 * A full, memory-reducing collection, or undefined when node runs without --expose-gc. V8
 * ignores options it does not know, so a test (test/unit/main/idle-gc.test.ts) checks that the
 * resident set really goes down.
 */
export function memoryReducingGc(global: { gc?: unknown } = globalThis): (() => void) | undefined {
  if (typeof global.gc !== 'function') return undefined;
  const gc = global.gc as V8Gc;
  return () => gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}

export interface IdleCollectorOptions {
  /** V8's full collection (globalThis.gc with --expose-gc); undefined: do nothing. */
  gc: (() => void) | undefined;
  /** Units of work (reconciles, requests) since the last collection that make it worthwhile. */
  minWork?: number;
  /** How long without work counts as quiet. */
  quietMs?: number;
  /** How often quietness is checked. */
  checkMs?: number;
  now?: () => number;
  onCollected?: (work: number) => void;
}

export interface IdleCollector {
  /** One unit of work done (a reconcile, a request). */
  worked(): void;
  /** Checks once (the timer calls it; tests call it directly). */
  check(): void;
  stop(): void;
}

export function idleCollector(opts: IdleCollectorOptions): IdleCollector {
  const { gc, minWork = 200, quietMs = 5_000, checkMs = 1_000, now = () => performance.now() } = opts;
  let work = 0;
  let lastWork = 0;
  const check = () => {
    if (gc === undefined || work < minWork || now() - lastWork < quietMs) return;
    const done = work;
    work = 0;
    gc();
    opts.onCollected?.(done);
  };
  const timer = gc === undefined ? undefined : setInterval(check, checkMs);
  timer?.unref();
  return {
    worked() {
      work++;
      lastWork = now();
    },
    check,
    stop() {
      if (timer !== undefined) clearInterval(timer);
    },
  };
}
