// Runs the real Docker Cloud clients (installed by setup.sh) against a façade, for the
// integration tests. Every client runs as a child process, asynchronously: the façade under
// test usually runs in the test's own process and must keep serving while a client waits.
//
//   const c = await dockerCloudClients();                  // installs once (cached), ~40 s cold
//   const env = { restHost: facadeUrl, auth: `Bearer ${token}` };
//   await c.go(env, 'create', 'web', '[{"name":"web","image":"nginx"}]')   // go-dockercloud
//   await c.python(env, 'fetch', uuid)                                     // python-dockercloud
//   await c.cli(env, ['stack', 'ls'])                                      // docker-cloud CLI
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** What the clients read from their environment. */
export interface ClientEnv {
  /** DOCKERCLOUD_REST_HOST: scheme, host and port, no path (Go adds "/api/" after it). */
  restHost: string;
  /** DOCKERCLOUD_AUTH, sent verbatim as the Authorization header, e.g. "Bearer <token>";
   * leave it out to test DOCKERCLOUD_USER + DOCKERCLOUD_APIKEY (in `extra`) instead. */
  auth?: string;
  /** DOCKERCLOUD_NAMESPACE, when the client should name the namespace in every path. */
  namespace?: string;
  /** Extra variables (e.g. for stack-file interpolation). */
  extra?: Record<string, string>;
}

export interface ProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A flow's printed outcome (see go/main.go and python/dcpy.py). */
export interface FlowResult<T = unknown> extends ProcessResult {
  ok: boolean;
  result: T;
  /** The HTTP status of a failed call (Go only). */
  status?: number;
  error?: string;
  /** The exception class of a failed call (Python only), e.g. ApiError, AuthError. */
  kind?: string;
}

export interface DockerCloudClients {
  paths: Record<string, string>;
  /** go-dockercloud v1.2.1 through test/clients/go (flows: see main.go). */
  go<T = unknown>(env: ClientEnv, ...args: string[]): Promise<FlowResult<T>>;
  /** python-dockercloud 1.0.12 through test/clients/python/dcpy.py (flows: see there). */
  python<T = unknown>(env: ClientEnv, ...args: string[]): Promise<FlowResult<T>>;
  /** The docker-cloud 1.0.9 CLI, unchanged; `cwd` for stack files named relatively. */
  cli(env: ClientEnv, args: string[], options?: { cwd?: string; timeoutMs?: number }): Promise<ProcessResult>;
}

let installed: Promise<DockerCloudClients> | undefined;

/** Installs the clients once per process (setup.sh is itself idempotent and cached). */
export function dockerCloudClients(): Promise<DockerCloudClients> {
  installed ??= install();
  return installed;
}

async function install(): Promise<DockerCloudClients> {
  const setup = await run('bash', [join(here, 'setup.sh')], { env: process.env, timeoutMs: 600_000 });
  if (setup.code !== 0) throw new Error(`test/clients/setup.sh failed (${setup.code}):\n${setup.stderr}`);
  const paths = Object.fromEntries(
    setup.stdout
      .split('\n')
      .filter((line) => /^[A-Z0-9_]+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  const need = (key: string) => {
    const value = paths[key];
    if (value === undefined) throw new Error(`setup.sh printed no ${key}`);
    return value;
  };
  // python-dockercloud reads ~/.docker/config.json at import: an empty HOME keeps the
  // developer's own credentials out of the tests.
  const home = await mkdtemp(join(tmpdir(), 'longshore-clients-home-'));
  const environment = (env: ClientEnv): NodeJS.ProcessEnv => ({
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: home,
    LANG: 'C.UTF-8',
    DOCKERCLOUD_REST_HOST: env.restHost,
    ...(env.auth !== undefined ? { DOCKERCLOUD_AUTH: env.auth } : {}),
    ...(env.namespace !== undefined ? { DOCKERCLOUD_NAMESPACE: env.namespace } : {}),
    ...env.extra,
  });
  const flow = async <T>(command: string, args: string[], env: ClientEnv): Promise<FlowResult<T>> => {
    const out = await run(command, args, { env: environment(env), timeoutMs: 60_000 });
    const last = out.stdout.trim().split('\n').at(-1) ?? '';
    try {
      const parsed = JSON.parse(last) as { ok: boolean; result: T; status?: number; error?: string };
      return { ...out, ...parsed };
    } catch {
      throw new Error(`${command} ${args.join(' ')} printed no result (exit ${out.code}):\n${out.stdout}\n${out.stderr}`);
    }
  };
  return {
    paths,
    go: (env, ...args) => flow(need('DCGO'), args, env),
    python: (env, ...args) => flow(need('PYTHON27'), [need('DCPY'), ...args], env),
    cli: (env, args, options = {}) =>
      run(need('DOCKER_CLOUD_CLI'), args, {
        env: environment(env),
        timeoutMs: options.timeoutMs ?? 90_000,
        ...(options.cwd ? { cwd: options.cwd } : {}),
      }),
  };
}

function run(
  command: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; timeoutMs: number; cwd?: string },
): Promise<ProcessResult> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { env: options.env, timeout: options.timeoutMs, maxBuffer: 16 * 1024 * 1024, ...(options.cwd ? { cwd: options.cwd } : {}) },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
