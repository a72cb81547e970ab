// Issue #9, items 1 and 2, against the real API server: a user with rights on Stacks only (no
// right to create Pods) gets through Longshore nothing the namespace's Pod Security level
// forbids, nor pods that a Service they do not own selects, nor a node port another Service
// holds. Only a cluster administrator's label on the Namespace loosens the level; the settings
// Longshore adds in a restricted namespace pass Kubernetes' own Pod Security admission.
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { Stack } from '../../src/model/stack.ts';
import { serviceAccountApiKey } from '../clients/api-key.ts';
import { createTestNamespace, kubeConfig } from './support/cluster.ts';
import { runLongshore } from './support/longshore.ts';
import { StackClient } from './support/stacks.ts';
import { waitFor } from './support/wait.ts';

const kc = kubeConfig();
const ns = await createTestNamespace('podsec');
const longshore = await runLongshore(ns);
const stacks = new StackClient(kc, ns);
// The attacker of issue #9: every verb on stacks, nothing else.
const token = await serviceAccountApiKey(kc, ns, 'stacks-only');

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${longshore.facadeUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

const label = (level: string) =>
  stacks.core.patchNamespace(
    { name: ns, body: { metadata: { labels: { 'pod-security.kubernetes.io/enforce': level } } } },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
const degraded = (s: Stack | undefined) => s?.status?.conditions?.find((c) => c.type === 'Degraded');

describe('a stack gets nothing its namespace does not allow (issue #9)', () => {
  it('refuses a privileged container through the façade, naming the field, the level and the remedy', async () => {
    const r = await call('POST', '/api/app/v1/stack/', {
      name: 'evil',
      services: [{ name: 'root', image: 'busybox', privileged: true, volumes: ['/:/host'], net: 'host' }],
    });
    expect(r.status).toBe(400);
    const error = String(r.json['error']);
    expect(error).toContain('services[0] (root).privileged: privileged containers are forbidden in namespace');
    expect(error).toContain('services[0] (root).bindings[0].hostPath: hostPath volumes are forbidden');
    expect(error).toContain('services[0] (root).net:');
    expect(error).toContain(`whose Pod Security level is "baseline"`);
    expect(error).toContain('pod-security.kubernetes.io/enforce=privileged');
    expect(await stacks.get('evil')).toBeUndefined();
  });

  it('applies nothing for a privileged service written with kubectl, until an administrator labels the namespace', async () => {
    await stacks.create('vpn', { desiredState: 'Running', services: [{ name: 'vpn', image: 'vpn', privileged: true }] });
    const refused = await waitFor('the stack to report the refusal', 60_000, async () => {
      const s = await stacks.get('vpn');
      return degraded(s)?.status === 'True' && /privileged containers are forbidden/.test(degraded(s)?.message ?? '')
        ? s
        : undefined;
    });
    expect(degraded(refused)?.reason).toBe('UntranslatableService');
    expect((await stacks.deployments('vpn')).map((d) => d.metadata?.name)).toEqual([]);

    await label('privileged');
    await stacks.waitForState('vpn', 'Running', 90_000);
    await stacks.patchSpec('vpn', { desiredState: 'Terminated' });
    await stacks.waitForState('vpn', 'Terminated', 90_000);
  });

  it("puts Docker labels on the pods as annotations: a foreign Service's selector never matches them", async () => {
    await stacks.core.createNamespacedService({
      namespace: ns,
      body: { metadata: { name: 'victim-svc' }, spec: { selector: { app: 'victim-svc' }, ports: [{ port: 80 }] } },
    });
    const created = await call('POST', '/api/app/v1/stack/', {
      name: 'squatter',
      services: [{ name: 'web', image: 'nginx', labels: { app: 'victim-svc' } }],
    });
    expect(created.status).toBe(201);
    await call('POST', `${created.json['resource_uri']}start/`);
    await stacks.waitForState('squatter', 'Running', 90_000);
    const pods = await stacks.pods('squatter');
    expect(pods.length).toBeGreaterThan(0);
    for (const p of pods) {
      expect(p.metadata?.labels?.['app']).toBeUndefined();
      expect(p.metadata?.annotations?.['app']).toBe('victim-svc');
    }
    const selected = await stacks.core.listNamespacedPod({ namespace: ns, labelSelector: 'app=victim-svc' });
    expect(selected.items).toEqual([]);
  });

  it('refuses a node port another Service holds, at create', async () => {
    const holder = await stacks.core.createNamespacedService({
      namespace: ns,
      body: { metadata: { name: 'holder' }, spec: { type: 'NodePort', selector: { app: 'none' }, ports: [{ port: 80 }] } },
    });
    const port = holder.spec?.ports?.[0]?.nodePort;
    const r = await call('POST', '/api/app/v1/stack/', {
      name: 'ports',
      services: [{ name: 'web', image: 'nginx', container_ports: [{ inner_port: 80, outer_port: port, published: true }] }],
    });
    expect(r.status).toBe(400);
    expect(String(r.json['error'])).toContain(`node port ${port} is already allocated to Service "holder" of namespace "${ns}"`);
  });

  it("runs an ordinary stack in a restricted namespace: the settings Longshore adds pass Kubernetes' admission", async () => {
    await label('restricted');
    // The façade knows a namespace's level from its watch of Namespaces, a few milliseconds
    // behind the label: ask until it has seen it (each try under a new name, since one made
    // before it had would exist; Kubernetes' own admission refuses that one's pods anyway).
    let tries = 0;
    const root = await waitFor('the façade to refuse uid 0 in the restricted namespace', 10_000, async () => {
      const reply = await call('POST', '/api/app/v1/stack/', {
        name: `root-${++tries}`,
        services: [{ name: 'web', image: 'nginx', user: '0' }],
      });
      return reply.status === 400 ? reply : undefined;
    });
    expect(String(root.json['error'])).toContain('running as uid 0 is forbidden');
    await stacks.create('plain', { desiredState: 'Running', services: [{ name: 'web', image: 'nginx', user: '101' }] });
    await stacks.waitForState('plain', 'Running', 90_000);
    const [pod] = await stacks.pods('plain');
    expect(pod?.spec?.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod?.spec?.containers[0]?.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
  });
});
