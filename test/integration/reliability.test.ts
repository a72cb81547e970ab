// Nothing is lost when the controller or the API server fails: a controller killed in the
// middle of its work converges after a restart with no duplicate or lost child; watches that
// drop are survived; an invalid Stack never reaches the cluster. (An API server restart:
// disruptive/apiserver-restart.test.ts.)
import { describe, expect, it } from 'vitest';
import { statusWriter } from '../../src/controller/status-writer.ts';
import { createTestNamespace, kubeConfig } from './support/cluster.ts';
import { runLongshore } from './support/longshore.ts';
import { counterSum } from './support/metrics.ts';
import { spawnLongshore } from './support/process.ts';
import { apiProxy } from './support/proxy.ts';
import { StackClient } from './support/stacks.ts';
import { waitFor } from './support/wait.ts';

const kc = kubeConfig();
// Each scenario has a namespace and a controller of its own.
const killNs = await createTestNamespace('kill');
const dropNs = await createTestNamespace('drop');
const invalidNs = await createTestNamespace('invalid');
const restartNs = await createTestNamespace('restart');
// No controller runs here: the test writes status itself.
const staleNs = await createTestNamespace('stale');

describe('when the controller is killed in the middle of its work', () => {
  it('converges after a restart, with no duplicate and no lost child', async () => {
    const ns = killNs;
    const stacks = new StackClient(kc, ns);
    const first = await spawnLongshore(ns);
    const names = Array.from({ length: 20 }, (_, i) => `kill-${i}`);
    await Promise.all(
      names.map((n) =>
        stacks.create(n, {
          desiredState: 'Running',
          services: [
            { name: `${n}-web`, image: 'nginx:1.27' },
            { name: `${n}-db`, image: 'redis:7' },
          ],
        }),
      ),
    );
    // Kill it (SIGKILL: no clean-up) once it has applied some children but not all.
    await waitFor(
      'some children applied',
      60_000,
      async () => {
        const n = (await stacks.apps.listNamespacedDeployment({ namespace: ns })).items.length;
        return n > 0;
      },
      20,
    );
    first.child.kill('SIGKILL');
    await first.exited;

    await spawnLongshore(ns);
    for (const n of names) await stacks.waitForState(n, 'Running', 90_000);
    const deployments = (await stacks.apps.listNamespacedDeployment({ namespace: ns })).items.map((d) => d.metadata?.name).sort();
    const services = (await stacks.core.listNamespacedService({ namespace: ns })).items.map((s) => s.metadata?.name).sort();
    const expected = names.flatMap((n) => [`${n}-${n}-db`, `${n}-${n}-web`]).sort();
    expect(deployments).toEqual(expected);
    // Each stack's DNS domain is a Service named after it.
    expect(services).toEqual([...expected, ...names].sort());
    for (const n of names) expect(await stacks.pods(n)).toHaveLength(2);
  });
});

describe('when the controller restarts over stacks that have converged', () => {
  it('applies no child it finds as it left it, and undoes an edit made while it was down', async () => {
    const ns = restartNs;
    const stacks = new StackClient(kc, ns);
    const first = await runLongshore(ns);
    await stacks.create('calm', {
      desiredState: 'Running',
      services: [
        { name: 'calm-web', image: 'nginx:1.27', containerPorts: [{ innerPort: 80 }] },
        { name: 'calm-db', image: 'redis:7', bindings: [{ containerPath: '/data' }] },
      ],
    });
    // A port: the stack's DNS name answers with the Service's cluster IP, which the pods that
    // come and go with the hand-made scale do not change (without one it lists the pods).
    await stacks.create('edited', {
      desiredState: 'Running',
      services: [{ name: 'edited-web', image: 'nginx:1.27', containerPorts: [{ innerPort: 80 }] }],
    });
    await stacks.waitForState('calm', 'Running');
    await stacks.waitForState('edited', 'Running');
    await first.stop();

    // While no controller runs, someone scales a Deployment by hand.
    const scale = await stacks.apps.readNamespacedDeploymentScale({ namespace: ns, name: 'edited-edited-web' });
    await stacks.apps.replaceNamespacedDeploymentScale({
      namespace: ns,
      name: 'edited-edited-web',
      body: { ...scale, spec: { replicas: 3 } },
      fieldManager: 'kubectl-scale',
    });

    const second = await runLongshore(ns);
    await waitFor(
      'the hand-made scale undone',
      60_000,
      async () => (await stacks.apps.readNamespacedDeployment({ namespace: ns, name: 'edited-edited-web' })).spec?.replicas === 1,
    );
    // Both stacks are queued before its workers start: once it has reconciled twice and its
    // queue is idle, it has looked at both.
    await waitFor(
      'both stacks reconciled by the new process',
      30_000,
      async () =>
        (await counterSum(second.metrics.registry, 'longshore_reconcile_total', { outcome: 'success' })) >= 2 &&
        second.controller.queue.depth === 0 &&
        second.controller.queue.inFlight === 0,
    );
    await stacks.waitForState('edited', 'Running');
    // One apply: the edited Deployment. calm's Deployments, Services and claim were left alone.
    expect(await counterSum(second.metrics.registry, 'longshore_api_writes_total', { verb: 'apply' })).toBe(1);
    expect(await counterSum(second.metrics.registry, 'longshore_api_writes_total', { verb: 'apply', kind: 'Deployment' })).toBe(
      1,
    );
  });
});

describe('when watches drop', () => {
  it('restarts them and keeps converging', async () => {
    const proxy = await apiProxy(kc);
    const stacks = new StackClient(kc, dropNs);
    const app = await runLongshore(dropNs, {}, proxy.kubeConfig);
    await stacks.create('dropped', { desiredState: 'Running', services: [{ name: 'dropped-web', image: 'nginx:1.27' }] });
    await stacks.waitForState('dropped', 'Running');

    proxy.cutAll();
    await stacks.patchSpec('dropped', { desiredState: 'Stopped' });
    await stacks.waitForState('dropped', 'Stopped', 60_000);
    expect(await stacks.pods('dropped')).toHaveLength(0);
    expect(await app.metrics.registry.getSingleMetric('longshore_watch_restarts_total')?.get()).toBeDefined();
  });
});

describe('a Stack that fails validation', () => {
  it('is refused by the API server and never stored', async () => {
    const stacks = new StackClient(kc, invalidNs);
    await expect(stacks.create('Bad_Name', { services: [] })).rejects.toMatchObject({ code: 422 });
    await expect(
      stacks.create('badlink', { services: [{ name: 'web', image: 'nginx', linkedToService: [{ toService: 'a.b.c' }] }] }),
    ).rejects.toMatchObject({ code: 422 });
    await expect(
      stacks.create('badport', { services: [{ name: 'web', image: 'nginx', containerPorts: [{ innerPort: 70000 }] }] }),
    ).rejects.toMatchObject({ code: 422 });
    expect(await stacks.get('badlink')).toBeUndefined();
    expect(await stacks.get('badport')).toBeUndefined();
  });
});

describe('a status derived from an old copy of a Stack', () => {
  it('is refused by the API server, so a stale state never lands over a newer spec', async () => {
    const stacks = new StackClient(kc, staleNs);
    const writeStatus = statusWriter(kc);
    const old = await stacks.create('stale', { services: [{ name: 'web', image: 'nginx:1.27' }] });
    await stacks.patchSpec('stale', { desiredState: 'Running' });
    await expect(writeStatus(old, { state: 'Not Running', observedGeneration: 1 })).rejects.toMatchObject({ code: 409 });
    expect((await stacks.get('stale'))?.status).toBeUndefined();

    const current = (await stacks.get('stale'))!;
    const resourceVersion = await writeStatus(current, { state: 'Starting', observedGeneration: 2 });
    const after = (await stacks.get('stale'))!;
    expect(after.status?.state).toBe('Starting');
    expect(after.metadata.resourceVersion).toBe(resourceVersion);
  });
});
