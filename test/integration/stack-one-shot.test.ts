// Services whose containers may end (autorestart OFF / ON_FAILURE, autodestroy), against the
// real API server and kube-controller-manager's Job controller. The one-shot containers run
// busybox's `true` (succeeds) or `false` (fails): on a real node they exit so; on the local
// control plane kwok ends a Job's pods, successfully, or with exit code 1 for the command
// `false` (src/localcluster/kwok-fail-stage.ts). Long-running services run the pause image.
import { BatchV1Api } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { ServiceSpec, StackSpec } from '../../src/model/stack.ts';
import { createTestNamespace, kubeConfig } from './support/cluster.ts';
import { runLongshore } from './support/longshore.ts';
import { StackClient } from './support/stacks.ts';
import { waitFor } from './support/wait.ts';

const kc = kubeConfig();
const ns = await createTestNamespace('oneshot');
await runLongshore(ns);
const stacks = new StackClient(kc, ns);
const batch = kc.makeApiClient(BatchV1Api);

const PAUSE = 'registry.k8s.io/pause:3.10';
const running = (services: ServiceSpec[]): StackSpec => ({ desiredState: 'Running', services });
const server = (name: string): ServiceSpec => ({ name, image: PAUSE });
const oneShot = (name: string, command: 'true' | 'false', over: Partial<ServiceSpec> = {}): ServiceSpec => ({
  name,
  image: 'busybox:1.36',
  entrypoint: command,
  autorestart: 'OFF',
  ...over,
});

const job = (name: string) => batch.readNamespacedJob({ namespace: ns, name });
const serviceOf = (s: { status?: { services?: { name: string; state?: string }[] } }, name: string) =>
  s.status?.services?.find((x) => x.name === name) as Record<string, unknown> | undefined;

/**
 * The stack Running with its one-shot done (Stopped). A one-shot whose container still runs
 * counts as running too, so Running alone may come a moment before the container has ended.
 */
async function waitForDone(stack: string, service: string, timeoutMs = 60_000) {
  await stacks.waitForState(stack, 'Running', timeoutMs);
  return waitFor(`${stack}: ${service} done`, timeoutMs, async () => {
    const s = await stacks.get(stack);
    return s?.status?.state === 'Running' && serviceOf(s, service)?.['state'] === 'Stopped' ? s : undefined;
  });
}

describe('a stack with a one-shot service', () => {
  it('is Running once its server runs and its one-shot exited successfully; the ended container stays', async () => {
    await stacks.create('certs', running([server('web'), oneShot('certs-issue', 'true')]));
    const s = await waitForDone('certs', 'certs-issue');
    expect(serviceOf(s, 'web')).toMatchObject({ state: 'Running', readyContainers: 1 });
    expect(serviceOf(s, 'certs-issue')).toMatchObject({ state: 'Stopped', targetContainers: 1, endedContainers: 1 });
    expect(s.status?.servicesReady).toBe('2/2');
    expect(s.status?.conditions?.find((c) => c.type === 'Degraded')?.status).toBe('False');
    expect((await job('certs-certs-issue')).status?.succeeded).toBe(1);
    // autodestroy OFF: the ended container is kept, as Docker Cloud kept a stopped container.
    const pods = await stacks.pods('certs', 'certs-issue');
    expect(pods.map((p) => p.status?.phase)).toEqual(['Succeeded']);
    expect(await stacks.deployments('certs')).toHaveLength(1);
  });

  it('removes the ended containers with autodestroy, and keeps the run (the Job) so it does not run again', async () => {
    await stacks.create(
      'swap',
      running([server('swap-web'), oneShot('swap-on', 'true', { autorestart: undefined, autodestroy: 'ALWAYS' })]),
    );
    await waitForDone('swap', 'swap-on');
    await waitFor('the ended container removed', 30_000, async () =>
      (await stacks.pods('swap', 'swap-on')).length === 0 ? true : undefined,
    );
    const run = await job('swap-swap-on');
    expect(run.status?.succeeded).toBe(1);
    const s = await waitForDone('swap', 'swap-on');
    expect(serviceOf(s, 'swap-on')).toMatchObject({ state: 'Stopped', currentContainers: 0 });
    // Nothing ran again: the same Job, still one success, and no new pod.
    expect((await job('swap-swap-on')).metadata?.uid).toBe(run.metadata?.uid);
    expect(await stacks.pods('swap', 'swap-on')).toHaveLength(0);
  });

  it('is Partly running when a one-shot fails, with the reason on the service and in Degraded', async () => {
    await stacks.create('broken', running([server('broken-web'), oneShot('broken-init', 'false')]));
    const s = await stacks.waitForState('broken', 'Partly running', 90_000);
    const failed = serviceOf(s, 'broken-init');
    expect(failed).toMatchObject({ state: 'Not running' });
    expect(failed?.['message']).toMatch(
      /^1 of 1 containers exited with an error \(exit code 1\) and are not restarted \(autorestart OFF\)$/,
    );
    expect(serviceOf(s, 'broken-web')).toMatchObject({ state: 'Running' });
    const degraded = s.status?.conditions?.find((c) => c.type === 'Degraded');
    expect(degraded).toMatchObject({ status: 'True', reason: 'ContainersFailed' });
    expect(degraded?.message).toContain('broken-init: 1 of 1 containers exited with an error');
    // Not restarted: one pod, failed.
    expect((await stacks.pods('broken', 'broken-init')).map((p) => p.status?.phase)).toEqual(['Failed']);
  });

  it('restarts a failing one-shot at most N times with on-failure:N, then reports it failed', async () => {
    await stacks.create(
      'retry',
      running([server('retry-web'), oneShot('retry-init', 'false', { autorestart: 'ON_FAILURE', autorestartRetries: 1 })]),
    );
    // The Job controller waits about 10 s before the retry.
    const s = await stacks.waitForState('retry', 'Partly running', 90_000);
    expect(serviceOf(s, 'retry-init')?.['message']).toBe(
      '1 of 1 containers exited with an error (exit code 1) and have no retry left (on-failure:1)',
    );
    // The first attempt and one retry: two pods, both failed.
    expect((await stacks.pods('retry', 'retry-init')).map((p) => p.status?.phase)).toEqual(['Failed', 'Failed']);
  });

  it('runs an EVERY_NODE one-shot once on every schedulable node', async () => {
    const nodes = (await stacks.core.listNode()).items.filter(
      (n) => !n.spec?.unschedulable && !n.spec?.taints?.some((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute'),
    );
    await stacks.create('keys', running([oneShot('keys-install', 'true', { deploymentStrategy: 'EVERY_NODE' })]));
    const s = await waitForDone('keys', 'keys-install');
    expect(serviceOf(s, 'keys-install')).toMatchObject({ state: 'Stopped', targetContainers: nodes.length });
    expect((await job('keys-keys-install')).status?.succeeded).toBe(nodes.length);
    const ran = (await stacks.pods('keys', 'keys-install')).map((p) => p.spec?.nodeName).sort();
    expect(ran).toEqual(nodes.map((n) => n.metadata?.name).sort());
  });

  it('stops (the run and its containers gone), starts (runs again) and redeploys (a fresh run)', async () => {
    await stacks.create('cycle', running([server('cycle-web'), oneShot('cycle-once', 'true')]));
    await waitForDone('cycle', 'cycle-once');
    const first = (await job('cycle-cycle-once')).metadata?.uid;

    await stacks.patchSpec('cycle', { desiredState: 'Stopped' });
    const stopped = await stacks.waitForState('cycle', 'Stopped');
    expect(serviceOf(stopped, 'cycle-once')).toMatchObject({ state: 'Stopped', currentContainers: 0 });
    expect(await stacks.pods('cycle')).toHaveLength(0);
    expect((await batch.listNamespacedJob({ namespace: ns, labelSelector: 'longshore.io/stack=cycle' })).items).toHaveLength(0);

    await stacks.patchSpec('cycle', { desiredState: 'Running' });
    await waitForDone('cycle', 'cycle-once');
    const second = await job('cycle-cycle-once');
    expect(second.metadata?.uid).not.toBe(first);
    expect(second.status?.succeeded).toBe(1);

    const patched = await stacks.patchSpec('cycle', { redeploy: { revision: 1 } });
    const seen = await stacks.statesUntil('cycle', 'Running', patched.metadata.resourceVersion!);
    expect(seen).toContain('Redeploying');
    await waitForDone('cycle', 'cycle-once');
    const third = await job('cycle-cycle-once');
    expect(third.metadata?.uid).not.toBe(second.metadata?.uid);
    expect(third.status?.succeeded).toBe(1);
    expect(third.spec?.template.metadata?.annotations?.['longshore.io/redeploy-revision']).toBe('1');
  });
});
