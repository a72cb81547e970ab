// go-dockercloud v1.2.1, unchanged, against the façade on the real cluster: every stack call
// the library has, with and without DOCKERCLOUD_NAMESPACE, through a whole lifecycle.
import { describe, expect, it } from 'vitest';
import { serviceAccountApiKey } from '../clients/api-key.ts';
import { type ClientEnv, dockerCloudClients } from '../clients/clients.ts';
import { createTestNamespace, kubeConfig } from './support/cluster.ts';
import { runLongshore } from './support/longshore.ts';
import { StackClient } from './support/stacks.ts';
import { waitFor } from './support/wait.ts';

interface GoStack {
  uuid: string;
  resource_uri: string;
  name: string;
  state: string;
  synchronized: boolean;
  services: string[];
  deployed_datetime: string;
  destroyed_datetime: string;
}

const kc = kubeConfig();
const ns = await createTestNamespace('fgo');
const longshore = await runLongshore(ns);
const token = await serviceAccountApiKey(kc, ns, 'go-client');
const clients = await dockerCloudClients();
const stacks = new StackClient(kc, ns);
// Without DOCKERCLOUD_NAMESPACE the façade works in the ServiceAccount's own namespace.
const plain: ClientEnv = { restHost: longshore.facadeUrl!, auth: `Bearer ${token}` };
const namespaced: ClientEnv = { ...plain, namespace: ns };

async function stateOf(env: ClientEnv, uuid: string): Promise<string> {
  const got = await clients.go<GoStack>(env, 'get', uuid);
  expect(got.ok, got.error).toBe(true);
  return got.result.state;
}

const SERVICES = JSON.stringify([
  {
    name: 'web',
    image: 'nginx:1.27',
    target_num_containers: 2,
    container_ports: [{ protocol: 'tcp', inner_port: 80, outer_port: 0, container: '' }],
    linked_to_service: [{ to_service: 'cache', name: 'CACHE' }],
  },
  { name: 'cache', image: 'redis:7' },
]);

describe('go-dockercloud', () => {
  let stack: GoStack;

  it('creates a stack (CreateStack): not started, in the ServiceAccount namespace', async () => {
    const created = await clients.go<GoStack>(plain, 'create', 'goapp', SERVICES);
    expect(created.ok, created.error).toBe(true);
    stack = created.result;
    expect(stack.name).toBe('goapp');
    expect(stack.resource_uri).toBe(`/api/app/v1/${ns}/stack/${stack.uuid}/`);
    expect(stack.services).toHaveLength(2);
    expect(stack.state).toBe('Not Running');
    const stored = await stacks.get('goapp');
    expect(stored?.metadata.uid).toBe(stack.uuid);
    expect(stored?.spec.desiredState).toBeUndefined();
    expect(stored?.spec.services.map((s) => s.name)).toEqual(['web', 'cache']);
  });

  it('lists (ListStacks) with and without the namespace, following meta.next', async () => {
    for (const name of ['goextra1', 'goextra2']) expect((await clients.go(namespaced, 'create', name)).ok).toBe(true);
    for (const env of [plain, namespaced]) {
      const list = await clients.go<{ objects: GoStack[] }>(env, 'list');
      expect(list.ok, list.error).toBe(true);
      expect(list.result.objects.map((s) => s.name).sort()).toEqual(['goapp', 'goextra1', 'goextra2']);
    }
  });

  it('gets a stack by uuid and by resource URI (GetStack)', async () => {
    expect((await clients.go<GoStack>(plain, 'get', stack.uuid)).result.uuid).toBe(stack.uuid);
    expect((await clients.go<GoStack>(namespaced, 'get', stack.uuid)).result.uuid).toBe(stack.uuid);
    expect((await clients.go<GoStack>(plain, 'get', stack.resource_uri)).result.name).toBe('goapp');
  });

  it('starts (Start) and the stack runs', async () => {
    const started = await clients.go(namespaced, 'start', stack.uuid);
    expect(started.ok, started.error).toBe(true);
    await waitFor('goapp to run', 60_000, async () => (await stateOf(plain, stack.uuid)) === 'Running');
    const got = await clients.go<GoStack>(plain, 'get', stack.uuid);
    expect(got.result.deployed_datetime).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
    expect(got.result.synchronized).toBe(true);
  });

  it('refuses to start a running stack with 409', async () => {
    const again = await clients.go(plain, 'start', stack.uuid);
    expect(again.ok).toBe(false);
    expect(again.status).toBe(409);
  });

  it('lists the services (ListServices, GetService)', async () => {
    const services = await clients.go<{ objects: { name: string; stack: string; state: string; resource_uri: string }[] }>(
      plain,
      'services',
    );
    expect(services.ok, services.error).toBe(true);
    const ours = services.result.objects.filter((s) => s.stack === stack.resource_uri);
    expect(ours.map((s) => s.name).sort()).toEqual(['cache', 'web']);
    const web = ours.find((s) => s.name === 'web')!;
    const one = await clients.go<{ name: string; target_num_containers: number }>(plain, 'service', web.resource_uri);
    expect(one.ok, one.error).toBe(true);
    expect(one.result.target_num_containers).toBe(2);
  });

  it('updates the services (Update)', async () => {
    const updated = await clients.go(
      namespaced,
      'update',
      stack.uuid,
      JSON.stringify([{ name: 'web', image: 'nginx:1.27', target_num_containers: 1 }]),
    );
    expect(updated.ok, updated.error).toBe(true);
    const stored = await stacks.get('goapp');
    expect(stored?.spec.services).toEqual([expect.objectContaining({ name: 'web', targetNumContainers: 1 })]);
    await waitFor('goapp to run the update', 60_000, async () => (await stateOf(plain, stack.uuid)) === 'Running');
  });

  it('redeploys without reusing volumes (Redeploy{Reuse: false})', async () => {
    const before = (await stacks.get('goapp'))!.spec.redeploy?.revision ?? 0;
    const redeployed = await clients.go(plain, 'redeploy', stack.uuid, 'noreuse');
    expect(redeployed.ok, redeployed.error).toBe(true);
    const stored = (await stacks.get('goapp'))!;
    expect(stored.spec.redeploy).toEqual({ revision: before + 1, volumesRevision: before + 1 });
    await waitFor('goapp to run again', 60_000, async () => (await stateOf(plain, stack.uuid)) === 'Running');
    expect((await clients.go(plain, 'redeploy', stack.uuid, 'reuse')).ok).toBe(true);
    expect((await stacks.get('goapp'))!.spec.redeploy).toEqual({ revision: before + 2, volumesRevision: before + 1 });
    await waitFor('goapp to run again', 60_000, async () => (await stateOf(plain, stack.uuid)) === 'Running');
  });

  it('stops (Stop)', async () => {
    expect((await clients.go(plain, 'stop', stack.uuid)).ok).toBe(true);
    await waitFor('goapp to stop', 60_000, async () => (await stateOf(plain, stack.uuid)) === 'Stopped');
  });

  it('exports (ExportStack) as stack-file JSON', async () => {
    const exported = await clients.go<string>(plain, 'export', stack.uuid);
    expect(exported.ok, exported.error).toBe(true);
    expect(JSON.parse(exported.result)).toMatchObject({ web: { image: 'nginx:1.27' } });
  });

  it('works with a trailing slash in DOCKERCLOUD_REST_HOST (requests //api/...)', async () => {
    const list = await clients.go<{ objects: GoStack[] }>({ ...plain, restHost: `${plain.restHost}/` }, 'list');
    expect(list.ok, list.error).toBe(true);
    expect(list.result.objects).toHaveLength(3);
  });

  it('terminates (Terminate): Terminated, then removed after the retention', async () => {
    expect((await clients.go(plain, 'terminate', stack.uuid)).ok).toBe(true);
    await waitFor('goapp to be removed', 60_000, async () => (await stacks.get('goapp')) === undefined);
    // The façade answers from its watch of Stacks, a moment behind the API server: the client
    // sees the stack gone once that watch has delivered the deletion.
    const gone = await waitFor('the façade to answer 404 for goapp', 10_000, async () => {
      const reply = await clients.go(plain, 'get', stack.uuid);
      return reply.ok ? undefined : reply;
    });
    expect(gone.status).toBe(404);
  });
});
