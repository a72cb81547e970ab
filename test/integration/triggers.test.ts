// Docker Cloud's service triggers through the real clients, unchanged, against the façade on the
// real cluster: the docker-cloud CLI's `trigger create|ls|rm` and python-dockercloud's Trigger;
// a trigger URL called without credentials scales the service up (SCALEUP) and redeploys the
// service alone (REDEPLOY: the stack's other service keeps its pods), as the cluster then shows;
// a wrong trigger uuid is a 404 and changes nothing.
import { describe, expect, it } from 'vitest';
import { serviceUuid } from '../../src/facade/uuid5.ts';
import { serviceAccountApiKey } from '../clients/api-key.ts';
import { type ClientEnv, dockerCloudClients } from '../clients/clients.ts';
import { createTestNamespace, kubeConfig } from './support/cluster.ts';
import { runLongshore } from './support/longshore.ts';
import { StackClient } from './support/stacks.ts';
import { waitFor } from './support/wait.ts';

interface Trigger {
  uuid: string;
  name: string;
  operation: string;
  url: string;
  resource_uri: string;
}

const kc = kubeConfig();
const ns = await createTestNamespace('triggers');
const longshore = await runLongshore(ns);
const token = await serviceAccountApiKey(kc, ns, 'trigger-client');
const clients = await dockerCloudClients();
const stacks = new StackClient(kc, ns);
const env: ClientEnv = { restHost: longshore.facadeUrl!, auth: `Bearer ${token}` };
const call = (url: string) => fetch(`${longshore.facadeUrl}${url}`, { method: 'POST' });
const deployment = async (service: string) =>
  (await stacks.deployments('hooks')).find((d) => d.metadata?.name === `hooks-${service}`);
const replicas = async () => (await deployment('web'))?.spec?.replicas;
const podUids = async (service: string) => (await stacks.pods('hooks', service)).map((p) => p.metadata?.uid).sort();

describe('service triggers through the real clients', () => {
  let service = '';
  let scaleUp: Trigger;

  it('docker-cloud trigger create and ls make and list triggers of a service', async () => {
    const stack = await stacks.create('hooks', {
      desiredState: 'Running',
      services: [
        { name: 'web', image: 'nginx:1.27' },
        { name: 'side', image: 'nginx:1.27' },
      ],
    });
    service = serviceUuid(stack.metadata.uid!, 'web');
    await stacks.waitForState('hooks', 'Running');
    const created = await clients.cli(env, ['trigger', 'create', '-n', 'grow', '-o', 'SCALEUP', service]);
    expect(created.code, created.stderr).toBe(0);
    const ls = await clients.cli(env, ['trigger', 'ls', service]);
    expect(ls.code, ls.stderr).toBe(0);
    expect(ls.stdout).toMatch(/grow\s+SCALEUP\s+http:\/\/.*\/trigger\/[0-9a-f-]{36}\/call\//);
  });

  it("python-dockercloud's Trigger creates and lists them too", async () => {
    const made = await clients.python<{ returned: boolean; triggers: Trigger[] }>(
      env,
      'trigger-create',
      service,
      'ci',
      'REDEPLOY',
    );
    expect(made.ok, made.error).toBe(true);
    expect(made.result.triggers.map((t) => `${t.name} ${t.operation}`)).toEqual(['grow SCALEUP', 'ci REDEPLOY']);
    scaleUp = made.result.triggers[0]!;
  });

  it('a SCALEUP trigger called without credentials adds a container', async () => {
    expect(await replicas()).toBe(1);
    const reply = await call(scaleUp.url);
    expect(reply.status).toBe(202);
    expect(await reply.json()).toMatchObject({ action: 'Stack Update', state: 'In progress' });
    await waitFor('the service to run two containers', 60_000, async () => ((await replicas()) === 2 ? true : undefined));
  });

  it('a wrong trigger uuid is a 404 and changes nothing', async () => {
    const before = (await stacks.get('hooks'))!.metadata.generation;
    const wrong = scaleUp.url.replace(scaleUp.uuid, '00000000-0000-4000-8000-000000000000');
    expect((await call(wrong)).status).toBe(404);
    expect((await stacks.get('hooks'))!.metadata.generation).toBe(before);
  });

  it("a REDEPLOY trigger, called through python-dockercloud's Trigger.call, redeploys its service alone", async () => {
    const sideBefore = await deployment('side');
    const sidePods = await podUids('side');
    expect(sidePods.length).toBeGreaterThan(0);
    const listed = await clients.python<Trigger[]>(env, 'trigger-list', service);
    const redeploy = listed.result.find((t) => t.operation === 'REDEPLOY')!;
    const called = await clients.python<boolean>(env, 'trigger-call', service, redeploy.uuid);
    expect(called.ok, called.error).toBe(true);
    await waitFor('the service to be redeployed', 60_000, async () => {
      const s = await stacks.get('hooks');
      const web = await deployment('web');
      return s?.spec.redeploy?.services?.['web'] === 1 &&
        web?.spec?.template.metadata?.annotations?.['longshore.io/redeploy-revision'] === '0.1' &&
        s.status?.state === 'Running' &&
        s.status.observedGeneration === s.metadata.generation
        ? true
        : undefined;
    });
    expect((await stacks.get('hooks'))?.spec.redeploy?.revision).toBe(0);
    // The other service: the same pod template, the same pods.
    const sideAfter = await deployment('side');
    expect(sideAfter?.metadata?.generation).toBe(sideBefore?.metadata?.generation);
    expect(sideAfter?.spec?.template.metadata?.annotations?.['longshore.io/redeploy-revision']).toBe('0');
    expect(await podUids('side')).toEqual(sidePods);
  });

  it('docker-cloud trigger rm removes a trigger, whose URL is then a 404', async () => {
    const rm = await clients.cli(env, ['trigger', 'rm', service, scaleUp.uuid]);
    expect(rm.code, rm.stderr).toBe(0);
    expect(rm.stdout).toContain(scaleUp.uuid);
    expect((await call(scaleUp.url)).status).toBe(404);
    const left = await clients.python<Trigger[]>(env, 'trigger-list', service);
    expect(left.result.map((t) => t.name)).toEqual(['ci']);
  });
});
