// Status tells the truth about failures (issue #9, item 3): Pods the namespace's Pod Security
// admission refuses, and a child the API server refuses (a NodePort another Service holds),
// show on the Stack within a deadline: Degraded=True with the API server's message, the
// service's entry not Running, Synced=False for what was not applied; and Synced=True again
// once the cause is gone.
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { Condition, Stack } from '../../src/model/stack.ts';
import { createTestNamespace, kubeConfig } from './support/cluster.ts';
import { runLongshore } from './support/longshore.ts';
import { StackClient } from './support/stacks.ts';
import { waitFor } from './support/wait.ts';

const kc = kubeConfig();
const ns = await createTestNamespace('failures');
// Longshore itself lets a privileged container through in a namespace without the Pod Security
// label; Kubernetes' admission is what refuses it once the namespace is labelled restricted.
await runLongshore(ns, { LONGSHORE_POD_SECURITY_DEFAULT: 'privileged' });
const stacks = new StackClient(kc, ns);

const condition = (s: Stack | undefined, type: string): Condition | undefined =>
  s?.status?.conditions?.find((c) => c.type === type);

describe('status tells the truth about failures', () => {
  it("shows Pods refused by the namespace's Pod Security admission as Degraded, with the admission message", async () => {
    await stacks.create('priv', {
      desiredState: 'Running',
      services: [{ name: 'web', image: 'nginx:1.27', privileged: true }],
    });
    await stacks.waitForState('priv', 'Running', 90_000);
    // From now on the namespace refuses privileged Pods: the ReplicaSet cannot replace its Pod.
    await stacks.core.patchNamespace(
      { name: ns, body: { metadata: { labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    for (const p of await stacks.pods('priv'))
      await stacks.core.deleteNamespacedPod({ namespace: ns, name: p.metadata!.name!, gracePeriodSeconds: 0 });

    const deployment = await waitFor('the Deployment to report ReplicaFailure', 60_000, async () => {
      const d = await stacks.apps.readNamespacedDeployment({ namespace: ns, name: 'priv-web' });
      return d.status?.conditions?.find((c) => c.type === 'ReplicaFailure' && c.status === 'True');
    });
    expect(deployment.reason).toBe('FailedCreate');
    expect(deployment.message).toMatch(/violates PodSecurity "restricted/);

    const s = await waitFor('the stack to show the refusal', 60_000, async () => {
      const st = await stacks.get('priv');
      const degraded = condition(st, 'Degraded');
      return degraded?.status === 'True' && /violates PodSecurity/.test(degraded.message) ? st : undefined;
    });
    expect(condition(s, 'Degraded')?.message).toContain('FailedCreate');
    const web = s.status?.services?.find((x) => x.name === 'web') as { state: string; message?: string } | undefined;
    expect(web?.state).not.toBe('Running');
    expect(web?.state).not.toBe('Starting');
    expect(web?.message).toMatch(/violates PodSecurity/);
    expect(s.status?.state).not.toBe('Running');
  });

  it('shows a NodePort held by another Service as Synced=False and Degraded, then Synced=True once it is free', async () => {
    const holder = await stacks.core.createNamespacedService({
      namespace: ns,
      body: {
        metadata: { name: 'holder' },
        spec: { type: 'NodePort', selector: { app: 'nothing' }, ports: [{ port: 80, targetPort: 80 }] },
      },
    });
    const port = holder.spec?.ports?.[0]?.nodePort;
    expect(port).toBeGreaterThan(0);
    await stacks.create('ports', {
      desiredState: 'Running',
      services: [{ name: 'web', image: 'nginx:1.27', containerPorts: [{ innerPort: 80, outerPort: port!, published: true }] }],
    });
    const s = await waitFor('the stack to report the port taken', 60_000, async () => {
      const st = await stacks.get('ports');
      const synced = condition(st, 'Synced');
      return synced?.status === 'False' && synced.message.includes(String(port)) ? st : undefined;
    });
    expect(condition(s, 'Synced')?.reason).toBe('ReconcileError');
    expect(condition(s, 'Synced')?.message).toMatch(/^web: /);
    expect(condition(s, 'Degraded')?.status).toBe('True');
    expect(s.status?.services?.find((x) => x.name === 'web')?.state).not.toBe('Running');
    expect(s.status?.synchronized).toBe(false);

    await stacks.core.deleteNamespacedService({ namespace: ns, name: 'holder' });
    const fixed = await waitFor('the stack to apply its Service and run', 90_000, async () => {
      const st = await stacks.get('ports');
      return condition(st, 'Synced')?.status === 'True' && st?.status?.state === 'Running' ? st : undefined;
    });
    expect(condition(fixed, 'Synced')?.reason).toBe('ReconcileSuccess');
    expect(condition(fixed, 'Degraded')).toMatchObject({ status: 'False', reason: 'AsExpected' });
    const svc = await stacks.core.readNamespacedService({ namespace: ns, name: 'ports-web' });
    expect(svc.spec?.ports?.[0]?.nodePort).toBe(port);
  });
});
