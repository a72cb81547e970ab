// The local control plane fails fast and clearly: a missing Go, an unreachable module proxy,
// a port already taken. Nothing is left running afterwards.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readState, up } from '../../../src/localcluster/cluster.ts';

function build(env: NodeJS.ProcessEnv): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile('bash', ['cluster/build.sh'], { env, timeout: 60_000 }, (err, _stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr }),
    );
  });
}

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'longshore-test-'));
  dirs.push(d);
  return d;
}
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('building the control plane', () => {
  it('says that go is missing, instead of failing obscurely', async () => {
    const cache = await tempDir();
    const r = await build({ PATH: '/usr/bin:/bin', HOME: cache, LONGSHORE_CACHE_DIR: cache });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/'go' is not on PATH/);
  });

  it('names the module proxy when it cannot be reached, within a bounded time', async () => {
    const cache = await tempDir();
    const started = Date.now();
    const r = await build({ ...process.env, LONGSHORE_CACHE_DIR: cache, GOPROXY: 'http://127.0.0.1:9' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Go module proxy http:\/\/127\.0\.0\.1:9 did not serve k8s\.io\/kubernetes/);
    expect(r.stderr).toMatch(/read the build log: .*\.log/);
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});

describe('starting the control plane', () => {
  let blocker: Server | undefined;
  afterEach(() => blocker?.close());

  it('refuses a configured port that is already taken, naming it, and leaves nothing running', async () => {
    blocker = createServer();
    await new Promise<void>((r) => blocker!.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    const dir = await tempDir();
    const saved = { ...process.env };
    process.env['LONGSHORE_CLUSTER_DIR'] = dir;
    process.env['LONGSHORE_APISERVER_PORT'] = String(port);
    try {
      await expect(up()).rejects.toThrow(`port ${port} (LONGSHORE_APISERVER_PORT) on 127.0.0.1 is already taken`);
      expect(await readState(dir)).toBeUndefined();
    } finally {
      process.env = saved;
    }
  }, 120_000);
});
