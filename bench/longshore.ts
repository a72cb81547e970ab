// Longshore under test, as a separate process running what the image runs (see
// image-command.ts) so that its CPU time and memory can be read from /proc/<pid> and nothing of
// the bench runs inside it.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { freePort } from '../src/localcluster/ports.ts';
import { log, onCleanup } from './phases.ts';
import { cpuSeconds } from './proc.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The process did not report ready in time; it has been stopped. */
export class NotReady extends Error {
  /** CPU seconds it had used by then, from /proc. */
  cpuSeconds: number | undefined;
  constructor(message: string, cpu: number | undefined) {
    super(message);
    this.cpuSeconds = cpu;
  }
}

export interface LongshoreProcess {
  pid: number;
  facadeUrl: string;
  opsUrl: string;
  env: Record<string, string>;
  /** Warning and error lines of its log, counted by message. */
  logSummary(): Record<string, number>;
  exited(): boolean;
  /** SIGTERM (an orderly stop), SIGKILL after 15 s. */
  stop(): Promise<void>;
}

async function stopChild(child: ChildProcess, graceMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const killed = await Promise.race([exited.then(() => false), delay(graceMs).then(() => true)]);
  if (killed) {
    child.kill('SIGKILL');
    await exited;
  }
}

export async function spawnLongshore(opts: {
  /** Node's arguments: flags and the entry point (buildImageCommand). */
  command: readonly string[];
  kubeconfig: string;
  namespace: string;
  workers: number;
  logFile: string;
  readyTimeoutMs: number;
  /** More settings, e.g. LONGSHORE_CONTROLLER=false for a façade-only process. */
  env?: Record<string, string>;
}): Promise<LongshoreProcess> {
  const [port, opsPort] = [await freePort(), await freePort()];
  const env: Record<string, string> = {
    KUBECONFIG: opts.kubeconfig,
    LONGSHORE_LEADER_ELECTION: 'false',
    LONGSHORE_PORT: String(port),
    LONGSHORE_OPS_PORT: String(opsPort),
    LONGSHORE_LOG_LEVEL: 'warn',
    LONGSHORE_WATCH_NAMESPACE: opts.namespace,
    LONGSHORE_DEFAULT_NAMESPACE: opts.namespace,
    LONGSHORE_WORKERS: String(opts.workers),
    // The bench measures Longshore and the API server; its stacks name Docker Hub images, and
    // asking a registry for their digests would measure the network instead (or wait on it).
    LONGSHORE_RESOLVE_DIGESTS: 'false',
    ...opts.env,
  };
  const fd = openSync(opts.logFile, 'w');
  const child = spawn(process.execPath, [...opts.command], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  if (child.pid === undefined) throw new Error('could not start Longshore');
  onCleanup(async () => {
    log(`stopping Longshore (pid ${child.pid})`);
    await stopChild(child);
  });

  const opsUrl = `http://127.0.0.1:${opsPort}`;
  // The process's own readiness probe: caches synced. Probed only until it answers.
  const deadline = performance.now() + opts.readyTimeoutMs;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`Longshore exited with ${child.exitCode} before it was ready; read ${opts.logFile}`);
    const ok = await fetch(`${opsUrl}/readyz`, { signal: AbortSignal.timeout(2_000) }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) break;
    if (performance.now() > deadline) {
      const cpu = cpuSeconds(child.pid);
      await stopChild(child);
      throw new NotReady(
        `Longshore (pid ${child.pid}) did not report ready (caches synced) within ${opts.readyTimeoutMs / 1000} s; read ${opts.logFile}`,
        cpu,
      );
    }
    await delay(100);
  }

  return {
    pid: child.pid,
    facadeUrl: `http://127.0.0.1:${port}`,
    opsUrl,
    env,
    exited: () => child.exitCode !== null || child.signalCode !== null,
    stop: () => stopChild(child),
    logSummary() {
      const counts: Record<string, number> = {};
      for (const line of readFileSync(opts.logFile, 'utf8').split('\n')) {
        if (!line) continue;
        try {
          const entry = JSON.parse(line) as { level?: number; msg?: string; err?: string };
          if ((entry.level ?? 0) < 40) continue;
          const key = `${entry.level === 40 ? 'warn' : 'error'}: ${entry.msg}${entry.err ? ` (${String(entry.err).slice(0, 80)})` : ''}`;
          counts[key] = (counts[key] ?? 0) + 1;
        } catch {
          counts[`stderr: ${line.slice(0, 100)}`] = (counts[`stderr: ${line.slice(0, 100)}`] ?? 0) + 1;
        }
      }
      return counts;
    },
  };
}
