// Starting, probing and stopping the control plane's processes. Every process is started
// detached in its own process group with its output in a log file, and recorded by pid and
// binary path so that `down` (or a failed `up`) ends exactly what was started, never a
// process that merely reuses a pid.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

export interface StartedProcess {
  name: string;
  pid: number;
  binary: string;
  args: string[];
  log: string;
}

export function startProcess(name: string, binary: string, args: string[], log: string, append = false): StartedProcess {
  const fd = openSync(log, append ? 'a' : 'w');
  try {
    const child = spawn(binary, args, { detached: true, stdio: ['ignore', fd, fd] });
    if (child.pid === undefined) throw new Error(`${name} could not be started (${binary}); read ${log}`);
    child.unref();
    return { name, pid: child.pid, binary, args, log };
  } finally {
    closeSync(fd);
  }
}

/** True when pid is alive and still runs the binary we started (not a reused pid). */
export function isOurs(p: StartedProcess): boolean {
  try {
    const cmdline = readFileSync(`/proc/${p.pid}/cmdline`, 'utf8');
    // Right after spawn, while the kernel is still in exec, the command line reads empty: a
    // live process then is the one we just started (under load this window was long enough
    // for a starting etcd to be reported as exited, and then left running).
    if (cmdline === '') return !/^\d+ \(.*\) [ZX]/.test(readFileSync(`/proc/${p.pid}/stat`, 'utf8'));
    return cmdline.split('\0')[0] === p.binary;
  } catch {
    return false;
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig); // the whole process group
  } catch {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  }
}

/** SIGTERM, then SIGKILL after graceMs; returns once every process has exited. */
export async function stopProcesses(procs: StartedProcess[], graceMs = 10_000): Promise<void> {
  const alive = procs.filter(isOurs);
  for (const p of alive) signal(p.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (alive.some(isOurs) && Date.now() < deadline) await delay(100);
  for (const p of alive.filter(isOurs)) signal(p.pid, 'SIGKILL');
  const killDeadline = Date.now() + 5_000;
  while (alive.some(isOurs) && Date.now() < killDeadline) await delay(50);
}

export class StartError extends Error {
  readonly log: string | undefined;
  constructor(message: string, log?: string) {
    super(log ? `${message}; read ${log}` : message);
    this.name = 'StartError';
    this.log = log;
  }
}

/**
 * Polls `ready` until it returns true, the process dies, or the deadline passes. Probing is
 * the only way to learn that a separate process became ready; the interval is short and the
 * wait bounded.
 */
export async function waitReady(
  p: StartedProcess,
  what: string,
  timeoutMs: number,
  ready: () => Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isOurs(p)) throw new StartError(`${p.name} exited before it became ready`, p.log);
    if (await ready().catch(() => false)) return;
    await delay(200);
  }
  throw new StartError(`${p.name} did not become ready (${what}) within ${Math.round(timeoutMs / 1000)} s`, p.log);
}
