// Issue #10, items 2 and 4, on the real cluster: tags place services on the nodes that carry
// them all; published ports keep their numbers (a node port in range, a host port) or the
// Stack's status and the service JSON say where they are reachable instead; two containers of
// one host port never share a node, and a container no node can take leaves its service
// Partly running with the scheduler's reason.
//
// Cluster-agnostic: the test labels an existing schedulable node for the tags (and removes the
// label at the end), and counts the schedulable nodes it finds.
import { PatchStrategy, setHeaderOptions, type V1Node } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { Stack } from '../../src/model/stack.ts';
import { TAG_LABEL_PREFIX } from '../../src/translate/tags.ts';
import { serviceAccountApiKey } from '../clients/api-key.ts';
import { atEnd } from './support/cleanup.ts';
import { createTestNamespace, kubeConfig } from './support/cluster.ts';
import { runLongshore } from './support/longshore.ts';
import { StackClient } from './support/stacks.ts';
import { waitFor } from './support/wait.ts';

const kc = kubeConfig();
const ns = await createTestNamespace('publish');
const longshore = await runLongshore(ns);
const stacks = new StackClient(kc, ns);
const token = await serviceAccountApiKey(kc, ns, 'publisher');

// Host ports need the privileged Pod Security level, which an administrator grants by label.
const hostNs = await createTestNamespace('hostports', kc, { 'pod-security.kubernetes.io/enforce': 'privileged' });
await runLongshore(hostNs, { LONGSHORE_PUBLISHED_SERVICE_TYPE: 'HostPort' });
const hostStacks = new StackClient(kc, hostNs);
// The same mode where the namespace has the default level (baseline), which forbids host ports.
const baselineNs = await createTestNamespace('hostports-baseline', kc);
const baselineLongshore = await runLongshore(baselineNs, { LONGSHORE_PUBLISHED_SERVICE_TYPE: 'HostPort' });
const baselineStacks = new StackClient(kc, baselineNs);
const baselineToken = await serviceAccountApiKey(kc, baselineNs, 'publisher');

const schedulable = (n: V1Node) =>
  !n.spec?.unschedulable &&
  !n.spec?.taints?.some((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute') &&
  n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
const nodes = (await stacks.core.listNode()).items.filter(schedulable);

const labelNode = (name: string, key: string, value: string | null) =>
  stacks.core.patchNode(
    { name, body: { metadata: { labels: { [key]: value } } } },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );

async function serviceJson(name: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${longshore.facadeUrl}/api/app/v1/${ns}/service/?name=${name}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { objects: Record<string, unknown>[] };
  expect(body.objects).toHaveLength(1);
  return body.objects[0]!;
}

/** A node port free right now: allocated by the cluster for a moment, then given back. */
async function freeNodePort(): Promise<number> {
  const holder = await stacks.core.createNamespacedService({
    namespace: ns,
    body: { metadata: { name: 'port-finder' }, spec: { type: 'NodePort', selector: { app: 'none' }, ports: [{ port: 80 }] } },
  });
  await stacks.core.deleteNamespacedService({ namespace: ns, name: 'port-finder' });
  return holder.spec!.ports![0]!.nodePort!;
}

const serviceStatus = (s: Stack | undefined, name: string) => s?.status?.services?.find((x) => x.name === name);

describe('tags place services (issue #10, item 2)', () => {
  it('runs a tagged service only on a node carrying all its tags; one no node carries leaves it Partly running, saying why', async () => {
    const node = nodes[0]!.metadata!.name!;
    const tag = `zone-${ns}`.slice(0, 63);
    await labelNode(node, `${TAG_LABEL_PREFIX}${tag}`, 'true');
    atEnd(() => labelNode(node, `${TAG_LABEL_PREFIX}${tag}`, null));

    await stacks.create('placed', {
      desiredState: 'Running',
      services: [
        { name: 'here', image: 'nginx:1.27', targetNumContainers: 2, tags: [tag] },
        { name: 'nowhere', image: 'nginx:1.27', tags: [tag, 'no-node-has-this'] },
      ],
    });
    const s = await stacks.waitForState('placed', 'Partly running', 90_000);
    expect(serviceStatus(s, 'here')).toMatchObject({ state: 'Running', readyContainers: 2 });
    expect(serviceStatus(s, 'nowhere')?.readyContainers).toBe(0);
    const message = (serviceStatus(s, 'nowhere') as { message?: string } | undefined)?.message;
    expect(message).toMatch(/^Unschedulable: 0\/\d+ nodes are available/);
    expect(s.status?.conditions?.find((c) => c.type === 'Degraded')?.message).toMatch(/nowhere: Unschedulable/);

    const pods = (await stacks.pods('placed')).filter((p) => p.metadata?.labels?.['longshore.io/service'] === 'here');
    expect(pods.map((p) => p.spec?.nodeName)).toEqual([node, node]);
  });
});

describe('published ports keep their numbers, or the user is told (issue #10, item 4)', () => {
  it('keeps a node port in range; one outside gets a node port the status and the service JSON report', async () => {
    const kept = await freeNodePort();
    await stacks.create('ports', {
      desiredState: 'Running',
      services: [
        {
          name: 'web',
          image: 'nginx:1.27',
          containerPorts: [
            { innerPort: 80, outerPort: 80, published: true },
            { innerPort: 80, outerPort: 8080, published: true },
            { innerPort: 443, outerPort: kept, published: true },
          ],
        },
      ],
    });
    const s = await waitFor('published ports in status, every node port allocated', 90_000, async () => {
      const st = await stacks.get('ports');
      const ports = serviceStatus(st, 'web')?.publishedPorts;
      return st?.status?.state === 'Running' && ports?.length === 3 && ports.every((p) => p.outerPort !== undefined)
        ? st
        : undefined;
    });
    const svc = await stacks.core.readNamespacedService({ namespace: ns, name: 'ports-web' });
    const nodePortOf = (name: string) => svc.spec?.ports?.find((p) => p.name === name)?.nodePort;
    const [p80, p8080, p443] = serviceStatus(s, 'web')!.publishedPorts!;
    expect(p80).toMatchObject({ innerPort: 80, requestedOuterPort: 80, outerPort: nodePortOf('tcp-80'), via: 'NodePort' });
    expect(p80?.message).toMatch(/outer port 80 lies outside the node port range/);
    expect(p8080).toMatchObject({ innerPort: 80, requestedOuterPort: 8080, outerPort: nodePortOf('tcp-8080') });
    expect(p443).toEqual({ protocol: 'tcp', innerPort: 443, requestedOuterPort: kept, outerPort: kept, via: 'NodePort' });
    expect(nodePortOf('tcp-443')).toBe(kept);

    const json = await serviceJson('web');
    expect((json['container_ports'] as { outer_port: number }[]).map((p) => p.outer_port)).toEqual([
      nodePortOf('tcp-80'),
      nodePortOf('tcp-8080'),
      kept,
    ]);
  });

  it("publishes on the node's own port with host ports: never two containers of one port on a node, the one left over Pending and its service Partly running", async () => {
    // A host port no other test uses: 40000 and up, from the namespace's random (hex) suffix.
    const port = 40000 + (Number.parseInt(hostNs.slice(-6), 16) % 20000);
    await hostStacks.create('hp', {
      desiredState: 'Running',
      services: [
        {
          name: 'web',
          image: 'nginx:1.27',
          targetNumContainers: nodes.length + 1,
          containerPorts: [{ innerPort: 80, outerPort: port, published: true }],
        },
      ],
    });
    const s = await hostStacks.waitForState('hp', 'Partly running', 90_000);
    expect(serviceStatus(s, 'web')).toMatchObject({ readyContainers: nodes.length, targetContainers: nodes.length + 1 });
    expect(serviceStatus(s, 'web')?.publishedPorts).toEqual([
      { protocol: 'tcp', innerPort: 80, requestedOuterPort: port, outerPort: port, via: 'HostPort' },
    ]);
    expect((serviceStatus(s, 'web') as { message?: string } | undefined)?.message).toMatch(/Unschedulable: .*free ports/);

    const pods = (await hostStacks.pods('hp')).filter((p) => !p.metadata?.deletionTimestamp);
    expect(pods.every((p) => p.spec?.containers[0]?.ports?.[0]?.hostPort === port)).toBe(true);
    const placed = pods.map((p) => p.spec?.nodeName).filter((n): n is string => n !== undefined && n !== '');
    expect(placed).toHaveLength(nodes.length);
    expect(new Set(placed).size).toBe(nodes.length);
    const svc = await hostStacks.core.readNamespacedService({ namespace: hostNs, name: 'hp-web' });
    expect(svc.spec?.type).toBe('ClusterIP');
  });

  it('refuses host ports where the Pod Security level forbids them, naming the level and the remedy', async () => {
    const response = await fetch(`${baselineLongshore.facadeUrl}/api/app/v1/${baselineNs}/stack/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${baselineToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'hp', services: [{ name: 'web', image: 'nginx:1.27', ports: ['8080:80'] }] }),
    });
    expect(response.status).toBe(400);
    const error = String(((await response.json()) as Record<string, unknown>)['error']);
    expect(error).toContain('services[0] (web).containerPorts: host ports are forbidden in namespace');
    expect(error).toContain('whose Pod Security level is "baseline"');
    expect(error).toContain('pod-security.kubernetes.io/enforce=privileged');

    // Written with kubectl: nothing applied, the refusal in status.
    await baselineStacks.create('hp', {
      desiredState: 'Running',
      services: [{ name: 'web', image: 'nginx:1.27', containerPorts: [{ innerPort: 80, outerPort: 8080, published: true }] }],
    });
    const refused = await waitFor('the stack to report the refusal', 60_000, async () => {
      const st = await baselineStacks.get('hp');
      const degraded = st?.status?.conditions?.find((c) => c.type === 'Degraded');
      return degraded?.reason === 'UntranslatableService' && /host ports are forbidden/.test(degraded.message) ? st : undefined;
    });
    expect(refused.status?.state).toBe('Not Running');
    expect(await baselineStacks.deployments('hp')).toEqual([]);
  });
});
