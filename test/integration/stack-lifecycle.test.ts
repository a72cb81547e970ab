// Every state and transition of a Stack, driven as a kubectl user would (spec fields), on the
// real cluster: Not Running → Starting → Running → Stopping → Stopped → Running →
// Redeploying → Running → Terminating → Terminated → removed after retention.
import { describe, expect, it } from 'vitest';
import type { StackSpec } from '../../src/model/stack.ts';
import { createTestNamespace, kubeConfig } from './support/cluster.ts';
import { runLongshore } from './support/longshore.ts';
import { StackClient } from './support/stacks.ts';
import { waitFor } from './support/wait.ts';

const kc = kubeConfig();
const ns = await createTestNamespace('life');
await runLongshore(ns);
const stacks = new StackClient(kc, ns);

const spec: StackSpec = {
  services: [
    {
      name: 'web',
      image: 'nginx:1.27',
      targetNumContainers: 2,
      containerPorts: [{ innerPort: 80, outerPort: 30480, published: true }],
      linkedToService: [{ toService: 'db', name: 'database' }],
    },
    { name: 'db', image: 'redis:7', containerPorts: [{ innerPort: 6379 }], bindings: [{ containerPath: '/data' }] },
  ],
};

describe('a Stack through its whole lifecycle', () => {
  it('is Not Running when created, with definitions but no Pods', async () => {
    await stacks.create('app', spec);
    const s = await stacks.waitForState('app', 'Not Running');
    expect(s.status?.servicesReady).toBe('0/2');
    expect(s.status?.deployedAt ?? null).toBeNull();
    // One Service per service, and the stack's DNS domain (its names, the alias included).
    expect((await stacks.services('app')).map((x) => x.metadata?.name).sort()).toEqual(['app', 'app-db', 'app-web']);
    const deployments = await stacks.deployments('app');
    expect(deployments.map((d) => [d.metadata?.name, d.spec?.replicas]).sort()).toEqual([
      ['app-db', 0],
      ['app-web', 0],
    ]);
    expect(await stacks.pods('app')).toHaveLength(0);
  });

  it('starts: Starting, then Running with every container ready', async () => {
    const patched = await stacks.patchSpec('app', { desiredState: 'Running' });
    const seen = await stacks.statesUntil('app', 'Running', patched.metadata.resourceVersion!);
    expect(seen[0]).toBe('Starting');
    const s = (await stacks.get('app'))!;
    expect(s.status?.servicesReady).toBe('2/2');
    expect(s.status?.synchronized).toBe(true);
    expect(s.status?.deployedAt).toBeTruthy();
    expect(s.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(s.status?.services?.find((x) => x.name === 'web')).toMatchObject({
      state: 'Running',
      targetContainers: 2,
      readyContainers: 2,
    });
    expect(await stacks.pods('app', 'web')).toHaveLength(2);
    const web = (await stacks.services('app')).find((x) => x.metadata?.name === 'app-web');
    expect(web?.spec?.type).toBe('NodePort');
    expect((await stacks.pvcs('app')).length).toBe(1);
  });

  it('stops: Stopping, then Stopped with no Pods and the definitions kept', async () => {
    const patched = await stacks.patchSpec('app', { desiredState: 'Stopped' });
    expect(await stacks.statesUntil('app', 'Stopped', patched.metadata.resourceVersion!)).toEqual(['Stopping', 'Stopped']);
    expect(await stacks.pods('app')).toHaveLength(0);
    expect(await stacks.deployments('app')).toHaveLength(2);
    expect((await stacks.pvcs('app')).length).toBe(1);
  });

  it('starts again from Stopped', async () => {
    await stacks.patchSpec('app', { desiredState: 'Running' });
    await stacks.waitForState('app', 'Running');
    expect(await stacks.pods('app', 'web')).toHaveLength(2);
  });

  it('redeploys with fresh Pods even when nothing else changed, keeping volumes', async () => {
    const before = new Set((await stacks.pods('app')).map((p) => p.metadata?.name));
    const pvcBefore = (await stacks.pvcs('app')).map((p) => p.metadata?.name);
    const patched = await stacks.patchSpec('app', { redeploy: { revision: 1 } });
    const seen = await stacks.statesUntil('app', 'Running', patched.metadata.resourceVersion!);
    expect(seen).toContain('Redeploying');
    await waitFor('only fresh pods', 30_000, async () => {
      const pods = await stacks.pods('app');
      return pods.length === 3 && pods.every((p) => !before.has(p.metadata?.name) && !p.metadata?.deletionTimestamp);
    });
    expect((await stacks.pvcs('app')).map((p) => p.metadata?.name)).toEqual(pvcBefore);
  });

  it('redeploys with fresh volumes when volumes are not reused', async () => {
    const pvcBefore = (await stacks.pvcs('app')).map((p) => p.metadata?.name);
    await stacks.patchSpec('app', { redeploy: { revision: 2, volumesRevision: 2 } });
    await stacks.waitForState('app', 'Running');
    await waitFor('the old volume pruned and a new one made', 30_000, async () => {
      const now = (await stacks.pvcs('app')).filter((p) => !p.metadata?.deletionTimestamp).map((p) => p.metadata?.name);
      return now.length === 1 && now[0] !== pvcBefore[0];
    });
  });

  it('terminates: Terminating, then Terminated with its destroyed time and no workloads', async () => {
    const patched = await stacks.patchSpec('app', { desiredState: 'Terminated' });
    expect(await stacks.statesUntil('app', 'Terminated', patched.metadata.resourceVersion!)).toEqual([
      'Terminating',
      'Terminated',
    ]);
    const s = (await stacks.get('app'))!;
    expect(s.status?.destroyedAt).toBeTruthy();
    expect(await stacks.deployments('app')).toHaveLength(0);
    expect(await stacks.services('app')).toHaveLength(0);
    await waitFor('pods gone', 30_000, async () => (await stacks.pods('app')).length === 0);
  });

  it('removes a Terminated stack once its retention period is over', async () => {
    await waitFor('the stack removed', 30_000, async () => (await stacks.get('app')) === undefined);
  });
});
