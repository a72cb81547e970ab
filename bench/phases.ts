// Phases with deadlines, and clean-up that runs however the bench ends (success, failure,
// Ctrl-C, SIGTERM).

export class PhaseTimeout extends Error {
  override name = 'PhaseTimeout';
}

/** A point in time a phase must finish by. */
export class Deadline {
  readonly at: number;
  readonly phase: string;

  constructor(phase: string, ms: number) {
    this.phase = phase;
    this.at = performance.now() + ms;
  }

  left(): number {
    return this.at - performance.now();
  }

  /** Throws PhaseTimeout naming what was awaited and how far it got. */
  check(what: string, progress?: () => string): void {
    if (this.left() <= 0) throw this.timeout(what, progress);
  }

  timeout(what: string, progress?: () => string): PhaseTimeout {
    return new PhaseTimeout(`phase "${this.phase}" ran out of time waiting for ${what}${progress ? ` (${progress()})` : ''}`);
  }
}

export interface PhaseRecord {
  name: string;
  status: 'ok' | 'timeout' | 'error';
  seconds: number;
  message?: string;
}

export const phases: PhaseRecord[] = [];

/**
 * Runs one phase with a deadline. A timeout is recorded and reported, and the bench goes on
 * (later phases measure what there is); any other error ends the bench.
 */
export async function runPhase<T>(name: string, timeoutMs: number, fn: (d: Deadline) => Promise<T>): Promise<T | undefined> {
  const started = performance.now();
  log(`── ${name} (at most ${Math.round(timeoutMs / 1000)} s)`);
  const d = new Deadline(name, timeoutMs);
  try {
    const result = await fn(d);
    const seconds = (performance.now() - started) / 1000;
    phases.push({ name, status: 'ok', seconds: Math.round(seconds * 10) / 10 });
    log(`   done in ${seconds.toFixed(1)} s`);
    return result;
  } catch (err) {
    const seconds = Math.round(((performance.now() - started) / 1000) * 10) / 10;
    const message = (err as Error).message ?? String(err);
    if (err instanceof PhaseTimeout) {
      phases.push({ name, status: 'timeout', seconds, message });
      log(`   TIMEOUT: ${message}`);
      return undefined;
    }
    phases.push({ name, status: 'error', seconds, message });
    throw err;
  }
}

export function log(line: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

const cleanups: (() => Promise<unknown> | unknown)[] = [];
let cleaning: Promise<void> | undefined;

/** Registers a clean-up step; steps run newest first. */
export function onCleanup(fn: () => Promise<unknown> | unknown): void {
  cleanups.push(fn);
}

export function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const fn of cleanups.splice(0).reverse()) {
      try {
        await fn();
      } catch (err) {
        log(`clean-up step failed: ${(err as Error).message}`);
      }
    }
  })();
  return cleaning;
}

/** Ctrl-C or SIGTERM: `first` (e.g. write what was measured), clean up, then exit 130. */
export function cleanUpOnSignals(first: (signal: string) => void): void {
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      log(`${sig}: cleaning up (processes, local cluster)`);
      try {
        first(sig);
      } catch (err) {
        log(`${(err as Error).message}`);
      }
      void cleanup().finally(() => process.exit(130));
    });
  }
}
