// Longshore as a separate process (`node src/main/index.ts`), as it runs for real: for tests
// that kill it, restart it, or run two of them.
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { atEnd } from './cleanup.ts';
import { kubeconfigPath } from './cluster.ts';
import { TEST_SETTINGS } from './longshore.ts';
import { waitFor } from './wait.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export interface LongshoreProcess {
  child: ChildProcess;
  /** Every log line (pino JSON) the process wrote so far. */
  logs: Record<string, unknown>[];
  opsUrl: () => string | undefined;
  facadeUrl: () => string | undefined;
  exited: Promise<number | null>;
}

/** Starts Longshore, scoped to `namespace`, with the test settings plus `env`; resolves once it listens. */
export async function spawnLongshore(namespace: string, env: Record<string, string> = {}): Promise<LongshoreProcess> {
  const child = spawn(process.execPath, [resolve(root, 'src/main/index.ts')], {
    cwd: root,
    env: {
      ...process.env,
      KUBECONFIG: kubeconfigPath(),
      ...TEST_SETTINGS,
      LONGSHORE_WATCH_NAMESPACE: namespace,
      LONGSHORE_DEFAULT_NAMESPACE: namespace,
      LONGSHORE_LEASE_NAMESPACE: namespace,
      LONGSHORE_LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  atEnd(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const logs: Record<string, unknown>[] = [];
  let buffer = '';
  child.stdout!.on('data', (d: Buffer) => {
    buffer += d.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        logs.push({ msg: line });
      }
    }
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const started = () => logs.find((l) => l['msg'] === 'longshore started') as { facade?: string; ops?: string } | undefined;
  await waitFor('longshore to start', 30_000, () => {
    if (child.exitCode !== null) throw new Error(`longshore exited with ${child.exitCode}: ${stderr}`);
    return started();
  });
  return { child, logs, opsUrl: () => started()?.ops, facadeUrl: () => started()?.facade, exited };
}
