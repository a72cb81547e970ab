// python-dockercloud 1.0.12 and the docker-cloud 1.0.9 CLI, unchanged, against the façade on
// the real cluster: paging, both body shapes, every stack action, --sync on actions, export,
// `service ps --stack`, and errors as the CLI reports them (exit code 3).
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { serviceAccountApiKey } from '../clients/api-key.ts';
import { type ClientEnv, dockerCloudClients } from '../clients/clients.ts';
import { createTestNamespace, kubeConfig } from './support/cluster.ts';
import { runLongshore } from './support/longshore.ts';
import { StackClient } from './support/stacks.ts';
import { waitFor } from './support/wait.ts';

interface PyStack {
  uuid: string;
  resource_uri: string;
  name: string;
  state: string;
  services: string[];
  dockercloud_action_uri: string;
  returned?: boolean;
}

const kc = kubeConfig();
const ns = await createTestNamespace('fpy');
const longshore = await runLongshore(ns);
const token = await serviceAccountApiKey(kc, ns, 'py-client');
const clients = await dockerCloudClients();
const stacks = new StackClient(kc, ns);
const env: ClientEnv = { restHost: longshore.facadeUrl!, auth: `Bearer ${token}` };
const namespaced: ClientEnv = { ...env, namespace: ns };

async function pyState(uuid: string): Promise<string> {
  const fetched = await clients.python<PyStack>(env, 'fetch', uuid);
  expect(fetched.ok, fetched.error).toBe(true);
  return fetched.result.state;
}

describe('python-dockercloud', () => {
  let stack: PyStack;

  it('creates and starts at once (stack up): the second call finds what the first wrote', async () => {
    const up = await clients.python<PyStack>(
      env,
      'create-start',
      'pyapp',
      JSON.stringify([{ name: 'web', image: 'nginx:1.27', target_num_containers: 2 }]),
    );
    expect(up.ok, up.error).toBe(true);
    stack = up.result;
    expect(up.result.returned).toBe(true);
    expect(stack.resource_uri).toBe(`/api/app/v1/${ns}/stack/${stack.uuid}/`);
    expect(stack.dockercloud_action_uri).toMatch(/^\/api\/audit\/v1\/action\/[0-9a-f-]{36}\/$/);
    await waitFor('pyapp to run', 60_000, async () => (await pyState(stack.uuid)) === 'Running');
  });

  it('pages through a list with offset+limit (Stack.list) and filters by name', async () => {
    for (const name of ['py1', 'py2', 'py3']) expect((await clients.python(namespaced, 'create', name)).ok).toBe(true);
    const all = await clients.python<PyStack[]>(env, 'list');
    expect(all.result.map((s) => s.name).sort()).toEqual(['py1', 'py2', 'py3', 'pyapp']);
    const two = await clients.python<PyStack[]>(namespaced, 'list', '2');
    expect(two.result).toHaveLength(2);
    const filtered = await clients.python<PyStack[]>(env, 'list-filter', 'name=py2');
    expect(filtered.result.map((s) => s.name)).toEqual(['py2']);
  });

  it('polls an action (Action.fetch) to Success', async () => {
    const action = await clients.python<{ state: string; action: string; object: string }>(
      env,
      'action',
      stack.dockercloud_action_uri,
    );
    expect(action.ok, action.error).toBe(true);
    expect(action.result).toMatchObject({ state: 'Success', action: 'Stack Start', object: stack.resource_uri });
  });

  it('redeploys with reuse_volumes=False, then True', async () => {
    const fresh = await clients.python<PyStack>(env, 'redeploy', stack.uuid, 'False');
    expect(fresh.ok, fresh.error).toBe(true);
    expect((await stacks.get('pyapp'))!.spec.redeploy).toEqual({ revision: 1, volumesRevision: 1 });
    await waitFor('pyapp to run again', 60_000, async () => (await pyState(stack.uuid)) === 'Running');
    expect((await clients.python(env, 'redeploy', stack.uuid, 'True')).ok).toBe(true);
    expect((await stacks.get('pyapp'))!.spec.redeploy).toEqual({ revision: 2, volumesRevision: 1 });
    await waitFor('pyapp to run again', 60_000, async () => (await pyState(stack.uuid)) === 'Running');
  });

  it('updates the services with save() (PATCH of the services only)', async () => {
    const updated = await clients.python<PyStack>(
      env,
      'update',
      stack.uuid,
      JSON.stringify([
        { name: 'web', image: 'nginx:1.27' },
        { name: 'cache', image: 'redis:7' },
      ]),
    );
    expect(updated.ok, updated.error).toBe(true);
    expect(updated.result.services).toHaveLength(2);
    expect((await stacks.get('pyapp'))!.spec.services.map((s) => s.name)).toEqual(['web', 'cache']);
  });

  it('stops, exports, and reports a refused action as an ApiError with 409', async () => {
    await waitFor('pyapp to run the update', 60_000, async () => (await pyState(stack.uuid)) === 'Running');
    expect((await clients.python(env, 'stop', stack.uuid)).ok).toBe(true);
    await waitFor('pyapp to stop', 60_000, async () => (await pyState(stack.uuid)) === 'Stopped');
    const refused = await clients.python(env, 'stop', stack.uuid);
    expect(refused.ok).toBe(false);
    expect(refused.error).toMatch(/Status 409/);
    const exported = await clients.python<Record<string, { image: string }>>(env, 'export', stack.uuid);
    expect(exported.result).toMatchObject({ web: { image: 'nginx:1.27' }, cache: { image: 'redis:7' } });
  });

  it('deletes (terminate): the stack is Terminating, then goes', async () => {
    const deleted = await clients.python<PyStack>(env, 'delete', stack.uuid);
    expect(deleted.ok, deleted.error).toBe(true);
    expect(deleted.result.state).toBe('Terminating');
    await waitFor('pyapp to be removed', 60_000, async () => (await stacks.get('pyapp')) === undefined);
  });
});

// A project directory with a stack file, as the CLI is used.
const dir = await mkdtemp(join(tmpdir(), 'longshore-cli-'));
// Environment values as numbers (PyYAML reads N: 5 as an int), as users write them.
await writeFile(
  join(dir, 'docker-cloud.yml'),
  [
    'web:',
    '  image: nginx:1.27',
    '  links: ["cache:database"]',
    '  ports: ["80:80"]',
    '  environment: [FOO=bar]',
    '  target_num_containers: 2',
    '  restart: always',
    'cache:',
    '  image: redis:7',
    '  environment: {PASS: secret, N: 5}',
    '  volumes: [/data]',
    '',
  ].join('\n'),
);
describe('docker-cloud CLI', () => {
  const cli = (...args: string[]) => clients.cli(env, args, { cwd: dir });

  it('stack create -f --sync prints the uuid once the controller saw the stack', async () => {
    const created = await cli('stack', 'create', '-n', 'clistack', '-f', 'docker-cloud.yml', '--sync');
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/Success/);
    const stored = (await stacks.get('clistack'))!;
    expect(created.stdout).toContain(stored.metadata.uid);
    expect(stored.spec.services.find((s) => s.name === 'web')?.linkedToService).toEqual([
      { toService: 'cache', name: 'database' },
    ]);
  });

  it('stack ls lists the stack', async () => {
    const ls = await cli('stack', 'ls');
    expect(ls.code, ls.stderr).toBe(0);
    expect(ls.stdout).toMatch(/clistack\s+[0-9a-f]{8}\s+.*Not Running/);
  });

  it('stack start --sync waits for Success; service ps --stack lists the services', async () => {
    const started = await cli('stack', 'start', 'clistack', '--sync');
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout).toMatch(/Success/);
    const ps = await cli('service', 'ps', '--stack', 'clistack');
    expect(ps.code, ps.stderr).toBe(0);
    expect(ps.stdout).toMatch(/web\s+[0-9a-f]{8}\s+.*Running\s+2\s+nginx:1.27/);
    expect(ps.stdout).toMatch(/cache\s+/);
    // The CLI parses deployed_datetime (an ISO date would make it exit 3).
    const ls = await cli('stack', 'ls');
    expect(ls.code, ls.stderr).toBe(0);
    expect(ls.stdout).toMatch(/clistack\s+[0-9a-f]{8}\s+.*Running\s+.*ago/);
  });

  it('stack inspect and stack export by short uuid', async () => {
    const uid = (await stacks.get('clistack'))!.metadata.uid!;
    const inspect = await cli('stack', 'inspect', uid.slice(0, 8));
    expect(inspect.code, inspect.stderr).toBe(0);
    expect(JSON.parse(inspect.stdout)).toMatchObject({ name: 'clistack', state: 'Running' });
    const exported = await cli('stack', 'export', 'clistack');
    expect(exported.code, exported.stderr).toBe(0);
    expect(parse(exported.stdout)).toMatchObject({ web: { image: 'nginx:1.27' }, cache: { image: 'redis:7' } });
  });

  it('stack update, redeploy and stop with --sync', async () => {
    for (const args of [
      ['stack', 'update', '-f', 'docker-cloud.yml', 'clistack', '--sync'],
      ['stack', 'redeploy', '--not-reuse-volumes', 'clistack', '--sync'],
      ['stack', 'stop', 'clistack', '--sync'],
    ]) {
      const out = await cli(...args);
      expect(out.code, `${args.join(' ')}: ${out.stderr}`).toBe(0);
      expect(out.stdout).toMatch(/Success/);
    }
    expect((await stacks.get('clistack'))!.status?.state).toBe('Stopped');
  });

  it('exits 3 with the error when the state refuses the action', async () => {
    const again = await cli('stack', 'stop', 'clistack');
    expect(again.code).toBe(3);
    expect(again.stderr).toMatch(/Status 409.*Stopped/);
  });

  it('stack up -f --sync creates and starts in one go; inspect by name', async () => {
    // Service names are object names, unique in the namespace: a file of its own.
    await writeFile(join(dir, 'up.yml'), 'upweb:\n  image: nginx:1.27\n  links: [upcache]\nupcache:\n  image: redis:7\n');
    const up = await cli('stack', 'up', '-n', 'cliup', '-f', 'up.yml', '--sync');
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toMatch(/Success/);
    const s = await stacks.waitForState('cliup', 'Running');
    expect(s.spec.desiredState).toBe('Running');
    const inspect = await cli('stack', 'inspect', 'cliup');
    expect(inspect.code, inspect.stderr).toBe(0);
    expect(JSON.parse(inspect.stdout)).toMatchObject({ name: 'cliup', state: 'Running', uuid: s.metadata.uid });
  });

  it('stack terminate --sync ends in Success even after the stack was removed', async () => {
    const out = await cli('stack', 'terminate', 'clistack', '--sync');
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/Success/);
  });
});
