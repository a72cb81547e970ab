// Actions a user can always take (issue #8), through the façade with the real clients on the real
// cluster: `update` then at once `redeploy` or `terminate` (the clients' usual sequences, which
// the documented state table would refuse for the whole rollout the update starts), and a stack
// that never converges stopped, redeployed, started and terminated while it is Starting.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { ACTIONS_ANNOTATION, type ActionRecord } from '../../src/facade/actions.ts';
import type { Stack, StackState } from '../../src/model/stack.ts';
import { serviceAccountApiKey } from '../clients/api-key.ts';
import { type ClientEnv, dockerCloudClients } from '../clients/clients.ts';
import { atEnd } from './support/cleanup.ts';
import { createTestNamespace, kubeConfig } from './support/cluster.ts';
import { runLongshore } from './support/longshore.ts';
import { StackClient } from './support/stacks.ts';
import { waitFor } from './support/wait.ts';

interface PyStack {
  uuid: string;
  resource_uri: string;
  name: string;
  state: string;
  synchronized: boolean;
  dockercloud_action_uri: string;
  update_action_uri?: string;
  returned?: boolean;
}

interface PyAction {
  state: string;
  action: string;
  logs: string;
}

const kc = kubeConfig();
const ns = await createTestNamespace('acts');
// A progress deadline far beyond the test: the stack that cannot converge stays Starting (with
// the suite's usual 8 s it would settle Not Running, Degraded, before the test acts on it).
const longshore = await runLongshore(ns, { LONGSHORE_PROGRESS_DEADLINE_SECONDS: '600' });
const token = await serviceAccountApiKey(kc, ns, 'acts-client');
const clients = await dockerCloudClients();
const stacks = new StackClient(kc, ns);
const env: ClientEnv = { restHost: longshore.facadeUrl!, auth: `Bearer ${token}` };

const python = async <T>(...args: string[]): Promise<T> => {
  const out = await clients.python<T>(env, ...args);
  expect(out.ok, `dcpy ${args.join(' ')}: ${out.error}`).toBe(true);
  return out.result;
};

const action = (uri: string) => python<PyAction>('action', uri);

/** The actions recorded on the Stack, as the façade wrote them. */
const recorded = (s: Stack): ActionRecord[] => JSON.parse(s.metadata.annotations?.[ACTIONS_ANNOTATION] ?? '[]');

const uuidOf = (uri: string) => uri.split('/').at(-2)!;

/** The stack's Pods that are not going away. */
async function livePods(name: string) {
  return (await stacks.pods(name)).filter((p) => !p.metadata?.deletionTimestamp);
}

/** Until the controller removes it after its retention, a terminated stack reads Terminated. */
async function waitTerminated(name: string): Promise<void> {
  await waitFor(`stack ${name} Terminated or removed`, 60_000, async () => {
    const s = await stacks.get(name);
    return s === undefined || (s.status?.state === 'Terminated' && s.status.observedGeneration === s.metadata.generation);
  });
  expect(await stacks.deployments(name)).toHaveLength(0);
  expect(await livePods(name)).toHaveLength(0);
}

describe('update, then at once another action (python-dockercloud)', () => {
  it('update then redeploy: both accepted; the stack runs the new definition, and both actions succeed', async () => {
    const up = await python<PyStack>(
      'create-start',
      'upd-redeploy',
      JSON.stringify([{ name: 'ur-web', image: 'nginx:1.26', target_num_containers: 2 }]),
    );
    await stacks.waitForState('upd-redeploy', 'Running');

    // save() (PATCH) starts a rollout; redeploy() follows on the same object within milliseconds.
    const result = await python<PyStack>(
      'update-then',
      up.uuid,
      JSON.stringify([{ name: 'ur-web', image: 'nginx:1.27', target_num_containers: 2 }]),
      'redeploy',
    );
    expect(result.returned).toBe(true);
    expect(result.state).toBe('Redeploying');
    expect(result.synchronized).toBe(false);
    const written = (await stacks.get('upd-redeploy'))!;
    expect(written.spec.redeploy).toEqual({ revision: 1 });
    expect(written.spec.services[0]?.image).toBe('nginx:1.27');
    // The redeploy arrived while the update's rollout was under way: the update ends as it ends.
    const [update, redeploy] = recorded(written).slice(-2); // after create and start
    expect(update).toMatchObject({ action: 'update', uuid: uuidOf(result.update_action_uri!), followedBy: redeploy?.uuid });
    expect(redeploy).toMatchObject({ action: 'redeploy', uuid: uuidOf(result.dockercloud_action_uri) });

    await stacks.waitForState('upd-redeploy', 'Running');
    const pods = await waitFor('two Pods of the new image', 30_000, async () => {
      const p = await livePods('upd-redeploy');
      return p.length === 2 && p.every((x) => x.spec?.containers[0]?.image === 'nginx:1.27') ? p : undefined;
    });
    expect(pods).toHaveLength(2);
    const fetched = await python<PyStack>('fetch', up.uuid);
    expect(fetched).toMatchObject({ state: 'Running', synchronized: true });
    expect(await action(result.update_action_uri!)).toMatchObject({ action: 'Stack Update', state: 'Success' });
    expect(await action(result.dockercloud_action_uri)).toMatchObject({ action: 'Stack Redeploy', state: 'Success' });
  });

  it('update then terminate: both accepted; the stack is Terminated, the update superseded', async () => {
    const up = await python<PyStack>('create-start', 'upd-term', JSON.stringify([{ name: 'ut-web', image: 'nginx:1.26' }]));
    await stacks.waitForState('upd-term', 'Running');

    const result = await python<PyStack>(
      'update-then',
      up.uuid,
      JSON.stringify([{ name: 'ut-web', image: 'nginx:1.27' }]),
      'delete',
    );
    expect(result.returned).toBe(true);
    expect(result.state).toBe('Terminating');
    expect((await stacks.get('upd-term'))?.spec.desiredState).toBe('Terminated');
    const update = await action(result.update_action_uri!);
    expect(update).toMatchObject({ action: 'Stack Update', state: 'Failed' });
    expect(update.logs).toMatch(/superseded by a later terminate/);

    await waitTerminated('upd-term');
    expect(await action(result.dockercloud_action_uri)).toMatchObject({ action: 'Stack Terminate', state: 'Success' });
  });
});

// A project directory with stack files, as the CLI is used.
const dir = await mkdtemp(join(tmpdir(), 'longshore-acts-'));
await writeFile(join(dir, 'v1.yml'), 'cli-web:\n  image: nginx:1.26\n  target_num_containers: 2\n');
await writeFile(join(dir, 'v2.yml'), 'cli-web:\n  image: nginx:1.27\n  target_num_containers: 2\n');

describe('update, then at once another action (docker-cloud CLI)', () => {
  const cli = async (...args: string[]) => {
    const out = await clients.cli(env, args, { cwd: dir });
    expect(out.code, `docker-cloud ${args.join(' ')}: ${out.stderr}`).toBe(0);
    return out;
  };

  it('stack update -f, then stack redeploy --sync: Success, running the new definition', async () => {
    await cli('stack', 'up', '-n', 'cliacts', '-f', 'v1.yml', '--sync');
    await stacks.waitForState('cliacts', 'Running');
    await cli('stack', 'update', '-f', 'v2.yml', 'cliacts');
    const redeployed = await cli('stack', 'redeploy', 'cliacts', '--sync');
    expect(redeployed.stdout).toMatch(/Success/);
    const s = await stacks.waitForState('cliacts', 'Running');
    expect(s.spec.redeploy?.revision).toBe(1);
    await waitFor('two Pods of the new image', 30_000, async () => {
      const p = await livePods('cliacts');
      return p.length === 2 && p.every((x) => x.spec?.containers[0]?.image === 'nginx:1.27');
    });
    // The update ends as the redeploy ended (or had succeeded already): never Failed.
    const update = recorded(s).findLast((r) => r.action === 'update')!;
    expect(await action(`/api/audit/v1/action/${update.uuid}/`)).toMatchObject({ action: 'Stack Update', state: 'Success' });
  });

  it('stack update -f, then stack terminate --sync: Success, the stack Terminated', async () => {
    await cli('stack', 'update', '-f', 'v1.yml', 'cliacts');
    const terminated = await cli('stack', 'terminate', 'cliacts', '--sync');
    expect(terminated.stdout).toMatch(/Success/);
    await waitTerminated('cliacts');
  });
});

describe('a stack that can never converge (its Pods cannot be scheduled)', () => {
  // No node has a terabyte of memory: the Pods stay Pending, the stack Starting (or Redeploying
  // once a redeploy has a second Pending Pod beside the first).
  const stuck = (name: string) => JSON.stringify([{ name, image: 'nginx:1.27', memory: 1048576 }]);

  /** Waits until the controller reports one of `states` for the current spec, and the façade shows it. */
  async function reaches(name: string, uuid: string, ...states: StackState[]): Promise<Stack> {
    const s = await waitFor(`stack ${name} to be ${states.join(' or ')}`, 60_000, async () => {
      const got = await stacks.get(name);
      const state = got?.status?.state;
      return state && states.includes(state) && got.status?.observedGeneration === got.metadata.generation ? got : undefined;
    });
    await waitFor(`the façade to show ${name} ${s.status?.state}`, 10_000, async () => {
      return (await python<PyStack>('fetch', uuid)).state === s.status?.state;
    });
    return s;
  }

  const pending = (name: string) =>
    waitFor(`a Pending Pod of ${name}`, 30_000, async () =>
      (await livePods(name)).find((p) => p.status?.phase === 'Pending' && !p.spec?.nodeName),
    );

  it('is redeployed, stopped and started again while Starting', async () => {
    const up = await python<PyStack>('create-start', 'stuck', stuck('stuck-web'));
    await reaches('stuck', up.uuid, 'Starting');
    await pending('stuck');

    const redeployed = await python<PyStack>('redeploy', up.uuid);
    expect(redeployed.returned).toBe(true);
    expect((await stacks.get('stuck'))?.spec.redeploy).toEqual({ revision: 1 });
    await reaches('stuck', up.uuid, 'Starting', 'Redeploying');

    const stopped = await python<PyStack>('stop', up.uuid);
    expect(stopped.state).toBe('Stopping');
    await reaches('stuck', up.uuid, 'Stopped');
    expect(await livePods('stuck')).toHaveLength(0);
    // The start (carried on by the redeploy) and the redeploy were superseded by the stop.
    for (const uri of [up.dockercloud_action_uri, redeployed.dockercloud_action_uri]) {
      const superseded = await action(uri);
      expect(superseded.state).toBe('Failed');
      expect(superseded.logs).toMatch(/superseded by a later stop/);
    }
    expect(await action(stopped.dockercloud_action_uri)).toMatchObject({ action: 'Stack Stop', state: 'Success' });

    const started = await python<PyStack>('start', up.uuid);
    expect(started.state).toBe('Starting');
    await reaches('stuck', up.uuid, 'Starting');
    await pending('stuck');
    expect((await python<PyStack>('stop', up.uuid)).returned).toBe(true);
    await reaches('stuck', up.uuid, 'Stopped');
  });

  it('is terminated while Starting; terminate repeated while Terminating changes nothing', async () => {
    const up = await python<PyStack>('create-start', 'stuck2', stuck('stuck2-web'));
    await reaches('stuck2', up.uuid, 'Starting');
    // A finalizer holds the Pending Pod once deleted, so the stack stays Terminating until the
    // test lets it go: the repeated terminate below meets a Terminating stack for sure.
    const pod = await pending('stuck2');
    const podName = pod.metadata!.name!;
    const setFinalizers = (finalizers: string[] | null) =>
      stacks.core.patchNamespacedPod(
        { name: podName, namespace: ns, body: { metadata: { finalizers } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
    await setFinalizers(['longshore.io/test-hold']);
    atEnd(() => setFinalizers(null).catch(() => {}));

    const terminated = await python<PyStack>('delete', up.uuid);
    expect(terminated.state).toBe('Terminating');
    const terminating = await reaches('stuck2', up.uuid, 'Terminating');
    expect(await stacks.deployments('stuck2')).toHaveLength(0);

    const again = await python<PyStack>('delete', up.uuid);
    expect(again.returned).toBe(true);
    expect(again.state).toBe('Terminating');
    expect(again.dockercloud_action_uri).toBe(terminated.dockercloud_action_uri);
    const after = (await stacks.get('stuck2'))!;
    expect(after.metadata.generation).toBe(terminating.metadata.generation);
    expect(after.spec).toEqual(terminating.spec);
    expect(recorded(after)).toEqual(recorded(terminating));
    expect(await action(terminated.dockercloud_action_uri)).toMatchObject({ action: 'Stack Terminate', state: 'In progress' });

    await setFinalizers(null);
    await waitTerminated('stuck2');
    expect(await action(terminated.dockercloud_action_uri)).toMatchObject({ action: 'Stack Terminate', state: 'Success' });
    const start = await action(up.dockercloud_action_uri);
    expect(start).toMatchObject({ action: 'Stack Start', state: 'Failed' });
    // Superseded while the Terminated stack is kept; once its retention (short in the tests)
    // has passed and it is removed, the start's stack no longer exists: failed either way.
    expect(start.logs).toMatch(/superseded by a later terminate|the stack no longer exists/);
  });
});
