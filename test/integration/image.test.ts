// The image, without a container engine: the Dockerfile's build stage commands (compile with
// tsc, bundle the dashboard), its dependency stage (`npm ci --omit=dev`), and the result started the way the image
// starts it (`node dist/main/index.js`, production dependencies only, NODE_ENV=production).
// It must serve its probes and the dashboard, reconcile a stack, and stop cleanly on SIGTERM.
import { execFile, spawn } from 'node:child_process';
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { atEnd } from './support/cleanup.ts';
import { createTestNamespace, kubeConfig, kubeconfigPath } from './support/cluster.ts';
import { StackClient } from './support/stacks.ts';
import { waitFor } from './support/wait.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const kc = kubeConfig();
const ns = await createTestNamespace('image');

function run(cmd: string, args: string[], cwd: string): Promise<string> {
  return new Promise((res, rej) =>
    execFile(cmd, args, { cwd, timeout: 300_000, maxBuffer: 32 << 20 }, (err, out, stderr) =>
      err ? rej(new Error(`${cmd} ${args.join(' ')}: ${stderr || err.message}`)) : res(out),
    ),
  );
}

describe('the image, built and started as the Dockerfile does', () => {
  it('runs from compiled JavaScript with production dependencies only', async () => {
    const app = await mkdtemp(join(tmpdir(), 'longshore-image-'));
    atEnd(() => rm(app, { recursive: true, force: true }));
    // deps stage
    await cp(join(root, 'package.json'), join(app, 'package.json'));
    await cp(join(root, 'package-lock.json'), join(app, 'package-lock.json'));
    await run('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund', '--ignore-scripts'], app);
    // build stage
    await run(
      join(root, 'node_modules/.bin/tsc'),
      ['-p', join(root, 'tsconfig.build.json'), '--outDir', join(app, 'dist')],
      root,
    );
    await run(process.execPath, [join(root, 'ui/build.ts'), '--outdir', join(app, 'dist/ui')], root);
    await cp(join(root, 'crds'), join(app, 'crds'), { recursive: true });

    // The production entry carries no development tooling: no local control plane, no npm start.
    const compiled = await readdir(join(app, 'dist'));
    expect(compiled).toContain('main');
    expect(compiled).not.toContain('localcluster');
    expect(compiled).not.toContain('dev');

    // No TypeScript, no test tooling, no Node package in the runtime's node_modules.
    const installed = await run('npm', ['ls', '--omit=dev', '--depth=0', '--parseable'], app);
    expect(installed).not.toMatch(/typescript|vitest|biome|\/node$/m);

    const child = spawn(process.execPath, ['dist/main/index.js'], {
      cwd: app,
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: app,
        NODE_ENV: 'production',
        KUBECONFIG: kubeconfigPath(),
        LONGSHORE_PORT: '0',
        LONGSHORE_OPS_PORT: '0',
        LONGSHORE_LEADER_ELECTION: 'false',
        LONGSHORE_WATCH_NAMESPACE: ns,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    atEnd(() => child.exitCode === null && child.kill('SIGKILL'));
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const exited = new Promise<number | null>((r) => child.once('exit', r));
    const started = await waitFor('the image to start', 30_000, () => {
      const line = out.split('\n').find((l) => l.includes('"longshore started"'));
      return line ? (JSON.parse(line) as { ops: string; dashboard: string }) : undefined;
    });
    await waitFor('readyz', 30_000, async () => (await fetch(`${started.ops}/readyz`)).ok);
    // The dashboard's page is in the image, built, and its address logged.
    const page = await fetch(started.dashboard);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/ui/app.js');
    expect((await fetch(new URL('app.js', started.dashboard))).status).toBe(200);

    const stacks = new StackClient(kc, ns);
    await stacks.create('from-image', { desiredState: 'Running', services: [{ name: 'from-image-web', image: 'nginx:1.27' }] });
    await stacks.waitForState('from-image', 'Running');

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 600_000);
});
