// How the controller behaves around a running stack: partial failure, rollouts, pruning,
// self-healing, objects it does not own, and the replay property (a converged stack
// reconciled again writes nothing).
import { describe, expect, it } from 'vitest';
import type { StackSpec } from '../../src/model/stack.ts';
import { createTestNamespace, kubeConfig } from './support/cluster.ts';
import { runLongshore } from './support/longshore.ts';
import { counterSum } from './support/metrics.ts';
import { StackClient } from './support/stacks.ts';
import { waitFor } from './support/wait.ts';

const kc = kubeConfig();
const ns = await createTestNamespace('behave');
const app = await runLongshore(ns);
const stacks = new StackClient(kc, ns);

const running = (services: StackSpec['services']): StackSpec => ({ desiredState: 'Running', services });

describe('the controller', () => {
  it('reports Partly running when a service cannot become ready, and says why', async () => {
    await stacks.create(
      'partly',
      running([
        { name: 'ok', image: 'nginx:1.27' },
        // No node has a terabyte of memory: its Pods stay Pending until the progress deadline.
        { name: 'huge', image: 'nginx:1.27', memory: 1048576 },
      ]),
    );
    const s = await stacks.waitForState('partly', 'Partly running', 90_000);
    expect(s.status?.services?.find((x) => x.name === 'ok')?.state).toBe('Running');
    expect(s.status?.services?.find((x) => x.name === 'huge')?.readyContainers).toBe(0);
    const degraded = s.status?.conditions?.find((c) => c.type === 'Degraded');
    expect(degraded?.status).toBe('True');
    expect(degraded?.message).toMatch(/huge/);
    expect(s.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('False');
  });

  it('rolls out an image change on a running stack, then reports Running again', async () => {
    await stacks.create('rollout', running([{ name: 'rollout-web', image: 'nginx:1.26', targetNumContainers: 2 }]));
    await stacks.waitForState('rollout', 'Running');
    const patched = await stacks.patchSpec('rollout', {
      services: [{ name: 'rollout-web', image: 'nginx:1.27', targetNumContainers: 2 }],
    });
    const seen = await stacks.statesUntil('rollout', 'Running', patched.metadata.resourceVersion!);
    expect(seen).toContain('Redeploying');
    const pods = await waitFor('two pods of the new image', 30_000, async () => {
      const p = (await stacks.pods('rollout')).filter((x) => !x.metadata?.deletionTimestamp);
      return p.length === 2 && p.every((x) => x.spec?.containers[0]?.image === 'nginx:1.27') ? p : undefined;
    });
    expect(pods).toHaveLength(2);
  });

  it('runs an EVERY_NODE service as a DaemonSet on every schedulable node, and stops it', async () => {
    const nodes = (await stacks.core.listNode()).items.filter(
      (n) => !n.spec?.unschedulable && !n.spec?.taints?.some((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute'),
    );
    await stacks.create('agents', running([{ name: 'agents-node', image: 'busybox:1.36', deploymentStrategy: 'EVERY_NODE' }]));
    const s = await stacks.waitForState('agents', 'Running');
    expect(s.status?.services?.[0]).toMatchObject({ state: 'Running', readyContainers: nodes.length });
    const ds = await stacks.apps.readNamespacedDaemonSet({ name: 'agents-agents-node', namespace: ns });
    expect(ds.metadata?.ownerReferences?.[0]?.kind).toBe('Stack');
    expect((await stacks.pods('agents')).map((p) => p.spec?.nodeName).sort()).toEqual(nodes.map((n) => n.metadata?.name).sort());
    await stacks.patchSpec('agents', { desiredState: 'Stopped' });
    await stacks.waitForState('agents', 'Stopped');
    expect(await stacks.pods('agents')).toHaveLength(0);
    expect((await stacks.apps.listNamespacedDaemonSet({ namespace: ns })).items.map((d) => d.metadata?.name)).toContain(
      'agents-agents-node',
    );
  });

  it('reports a DaemonSet that cannot become ready once the progress deadline passes', async () => {
    await stacks.create(
      'agents-huge',
      running([
        { name: 'agents-huge-ok', image: 'nginx:1.27' },
        { name: 'agents-huge-node', image: 'busybox:1.36', deploymentStrategy: 'EVERY_NODE', memory: 1048576 },
      ]),
    );
    const s = await stacks.waitForState('agents-huge', 'Partly running', 90_000);
    expect(s.status?.conditions?.find((c) => c.type === 'Degraded')?.status).toBe('True');
  });

  it('prunes the workloads of a service removed from the spec', async () => {
    await stacks.create(
      'prune',
      running([
        { name: 'keep', image: 'nginx:1.27' },
        { name: 'drop', image: 'redis:7' },
      ]),
    );
    await stacks.waitForState('prune', 'Running');
    await stacks.patchSpec('prune', { services: [{ name: 'keep', image: 'nginx:1.27' }] });
    await waitFor('drop pruned', 30_000, async () => {
      const d = (await stacks.deployments('prune')).map((x) => x.metadata?.name);
      // The stack's own DNS domain stays: a Service named after the stack.
      const s = (await stacks.services('prune')).map((x) => x.metadata?.name).sort();
      return d.length === 1 && d[0] === 'prune-keep' && s.join() === 'prune,prune-keep';
    });
    const s = await stacks.waitForState('prune', 'Running');
    expect(s.status?.services?.map((x) => x.name)).toEqual(['keep']);
  });

  it('recreates a child that someone deleted', async () => {
    await stacks.create('heal', running([{ name: 'heal-web', image: 'nginx:1.27' }]));
    await stacks.waitForState('heal', 'Running');
    const old = (await stacks.deployments('heal'))[0]!;
    await stacks.apps.deleteNamespacedDeployment({ name: 'heal-heal-web', namespace: ns });
    await waitFor('a new heal-web Deployment', 30_000, async () => {
      const d = (await stacks.deployments('heal'))[0];
      return d && d.metadata?.uid !== old.metadata?.uid && !d.metadata?.deletionTimestamp;
    });
    await stacks.waitForState('heal', 'Running');
  });

  it('leaves alone an object of the same name that it does not own, and reports it', async () => {
    await stacks.core.createNamespacedService({
      namespace: ns,
      body: {
        metadata: { name: 'clash-mine', labels: { owner: 'someone-else' } },
        spec: { ports: [{ port: 1234 }], selector: { app: 'other' } },
      },
    });
    await stacks.create('clash', running([{ name: 'mine', image: 'nginx:1.27', containerPorts: [{ innerPort: 80 }] }]));
    const s = await waitFor('a Degraded condition naming the conflict', 30_000, async () => {
      const got = await stacks.get('clash');
      const c = got?.status?.conditions?.find((x) => x.type === 'Degraded' && x.status === 'True');
      return c && /Service clash-mine/.test(c.message) ? got : undefined;
    });
    expect(s.status?.state).not.toBe('Running');
    const foreign = await stacks.core.readNamespacedService({ name: 'clash-mine', namespace: ns });
    expect(foreign.metadata?.labels).toEqual({ owner: 'someone-else' });
    expect(foreign.spec?.ports?.[0]?.port).toBe(1234);
    expect(foreign.metadata?.ownerReferences).toBeUndefined();
    const events = await stacks.core.listNamespacedEvent({ namespace: ns, fieldSelector: 'involvedObject.name=clash' });
    expect(events.items.some((e) => e.reason === 'NameConflict' && /Service clash-mine/.test(e.message ?? ''))).toBe(true);
  });

  it('writes nothing when it reconciles a stack that has already converged', async () => {
    await stacks.create(
      'replay',
      running([
        {
          name: 'replay-web',
          image: 'nginx:1.27',
          containerPorts: [{ innerPort: 80, published: true }],
          linkedToService: [{ toService: 'replay-db', name: 'cache' }],
        },
        { name: 'replay-db', image: 'redis:7', bindings: [{ containerPath: '/data' }] },
      ]),
    );
    await stacks.waitForState('replay', 'Running');
    // Let in-flight status updates settle: the stack's resourceVersion stops changing.
    const versions = async () => {
      const s = await stacks.get('replay');
      const children = [
        ...(await stacks.deployments('replay')),
        ...(await stacks.services('replay')),
        ...(await stacks.pvcs('replay')),
      ];
      return [
        s?.metadata?.resourceVersion,
        ...children.map((c) => `${c.kind}/${c.metadata?.name}@${c.metadata?.resourceVersion}`).sort(),
      ].join(' ');
    };
    let before = '';
    await waitFor(
      'a settled stack',
      30_000,
      async () => {
        const now = await versions();
        const settled = now === before;
        before = now;
        return settled;
      },
      1000,
    );
    const writes = await counterSum(app.metrics.registry, 'longshore_api_writes_total');
    const reconciles = await counterSum(app.metrics.registry, 'longshore_reconcile_total');
    app.controller.queue.add(`${ns}/replay`);
    await waitFor(
      'another reconcile',
      10_000,
      async () => (await counterSum(app.metrics.registry, 'longshore_reconcile_total')) > reconciles,
    );
    expect(await counterSum(app.metrics.registry, 'longshore_api_writes_total')).toBe(writes);
    expect(await versions()).toBe(before);
  });

  it('removes every child through owner references when the Stack is deleted', async () => {
    await stacks.create(
      'gone',
      running([
        { name: 'gone-web', image: 'nginx:1.27' },
        { name: 'gone-db', image: 'redis:7', bindings: [{ containerPath: '/data' }] },
      ]),
    );
    await stacks.waitForState('gone', 'Running');
    await stacks.delete('gone');
    await waitFor('children collected', 60_000, async () => {
      const left =
        (await stacks.deployments('gone')).length + (await stacks.services('gone')).length + (await stacks.pvcs('gone')).length;
      return left === 0 && (await stacks.pods('gone')).length === 0;
    });
  });
});
