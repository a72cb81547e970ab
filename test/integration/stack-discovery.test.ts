// Stacks are independent name scopes, as on Docker Cloud: two stacks made from one definition
// run side by side in one namespace; from a stack's pods each service name and link alias
// resolves to that stack's service, `service.stack` to another stack's; links across stacks and
// to plain Services work and say so when their target does not run; a link to nothing is a
// problem in status. Names are resolved as a pod of the stack would (its dnsConfig, ndots)
// against the cluster's real DNS server (support/dns.ts); skipped, saying why, where there is none.
import { CoreV1Api, type V1Deployment } from '@kubernetes/client-node';
import { describe, expect, it, type TestContext } from 'vitest';
import type { StackSpec } from '../../src/model/stack.ts';
import { createTestNamespace, kubeConfig } from './support/cluster.ts';
import { clusterDns, PodResolver, sortIPv4 } from './support/dns.ts';
import { runLongshore } from './support/longshore.ts';
import { StackClient } from './support/stacks.ts';
import { waitFor } from './support/wait.ts';

const kc = kubeConfig();
const ns = await createTestNamespace('discover');
// Pods name the cluster DNS server (dnsPolicy None, the stack's domain searched first). The
// address itself is never used here: the resolver asks the cluster's DNS server directly.
await runLongshore(ns, { LONGSHORE_CLUSTER_DNS: '10.96.0.10' });
const stacks = new StackClient(kc, ns);
const core = kc.makeApiClient(CoreV1Api);
const dns = await clusterDns(kc);
const resolver = 'server' in dns ? new PodResolver(dns.server) : undefined;

function needDns(ctx: TestContext): PodResolver {
  if (!resolver) return ctx.skip(`no cluster DNS to query: ${'unavailable' in dns ? dns.unavailable : ''}`);
  return resolver;
}

/** The same definition for both stacks: lb → web → db (aliased), db without ports. */
const definition = (): StackSpec => ({
  desiredState: 'Running',
  services: [
    { name: 'lb', image: 'haproxy:2.9', containerPorts: [{ innerPort: 80 }], linkedToService: [{ toService: 'web' }] },
    {
      name: 'web',
      image: 'nginx:1.27',
      containerPorts: [{ innerPort: 8080 }],
      linkedToService: [{ toService: 'db', name: 'database' }],
    },
    { name: 'db', image: 'redis:7' },
  ],
});

async function deployment(stack: string, service: string): Promise<V1Deployment> {
  const found = (await stacks.deployments(stack)).find((d) => d.metadata?.labels?.['longshore.io/service'] === service);
  if (!found) throw new Error(`no Deployment for service ${service} of stack ${stack}`);
  return found;
}

async function clusterIP(stack: string, service: string): Promise<string> {
  const svc = (await stacks.services(stack)).find((s) => s.metadata?.labels?.['longshore.io/service'] === service);
  const ip = svc?.spec?.clusterIP;
  if (!ip || ip === 'None') throw new Error(`no cluster IP for service ${service} of stack ${stack}`);
  return ip;
}

async function podIPs(stack: string, service: string): Promise<string[]> {
  return sortIPv4(
    (await stacks.pods(stack, service)).flatMap((p) =>
      p.status?.podIP && !p.metadata?.deletionTimestamp ? [p.status.podIP] : [],
    ),
  );
}

/** Resolves `name` from a pod of `stack`'s `service` until it gives `expected`, or fails at the deadline. */
async function expectResolves(r: PodResolver, stack: string, service: string, name: string, expected: string[]) {
  const pod = (await deployment(stack, service)).spec!.template.spec!;
  const want = sortIPv4(expected);
  return waitFor(`${name} to resolve to [${want}] from ${stack}/${service}`, 30_000, async () => {
    const l = await r.lookupAsPod(pod, ns, name);
    if (JSON.stringify(l.addresses) === JSON.stringify(want)) return l;
    throw new Error(`got [${l.addresses}] via ${l.tried.map((t) => `${t.name} ${t.rcode}`).join(', ')}`);
  });
}

describe('stacks in one namespace', () => {
  it('run the same definition twice, side by side, each with children of its own', async () => {
    await Promise.all([stacks.create('staging', definition()), stacks.create('production', definition())]);
    await Promise.all([stacks.waitForState('staging', 'Running', 90_000), stacks.waitForState('production', 'Running', 90_000)]);
    const names = (await stacks.deployments('staging')).map((d) => d.metadata?.name).sort();
    expect(names).toEqual(['staging-db', 'staging-lb', 'staging-web']);
    expect((await stacks.deployments('production')).map((d) => d.metadata?.name).sort()).toEqual([
      'production-db',
      'production-lb',
      'production-web',
    ]);
    const staging = await stacks.get('staging');
    expect(staging?.status?.conditions?.find((c) => c.type === 'Degraded')?.status).toBe('False');
  });

  it("resolve every service name and alias to their own stack's service, and service.stack to the other's", async (ctx) => {
    const r = needDns(ctx);
    const [stagingWeb, productionWeb] = await Promise.all([clusterIP('staging', 'web'), clusterIP('production', 'web')]);
    expect(stagingWeb).not.toBe(productionWeb);
    await expectResolves(r, 'staging', 'lb', 'web', [stagingWeb]);
    await expectResolves(r, 'production', 'lb', 'web', [productionWeb]);
    await expectResolves(r, 'staging', 'lb', 'web.production', [productionWeb]);
    // db has no ports: its names answer with the addresses of its ready pods.
    const stagingDb = await waitFor('staging db pods with addresses', 30_000, async () => {
      const ips = await podIPs('staging', 'db');
      return ips.length > 0 ? ips : undefined;
    });
    await expectResolves(r, 'staging', 'web', 'database', stagingDb);
    await expectResolves(r, 'staging', 'web', 'db', stagingDb);
    await expectResolves(r, 'production', 'web', 'database', await podIPs('production', 'db'));
  });

  it('give link variables that point at the names that resolve', async () => {
    const env = (await deployment('staging', 'lb')).spec?.template.spec?.containers[0]?.env ?? [];
    expect(env.find((e) => e.name === 'WEB_PORT_8080_TCP_ADDR')?.value).toBe('web');
  });
});

describe('links across stacks', () => {
  it("reach another stack's service by service.stack, and say so when that stack stops", async (ctx) => {
    await stacks.create('cache', {
      desiredState: 'Running',
      services: [{ name: 'redis', image: 'redis:7', containerPorts: [{ innerPort: 6379 }] }],
    });
    await stacks.waitForState('cache', 'Running', 60_000);
    await stacks.create('app', {
      desiredState: 'Running',
      services: [{ name: 'api', image: 'nginx:1.27', linkedToService: [{ toService: 'redis.cache', name: 'redis' }] }],
    });
    const app = await stacks.waitForState('app', 'Running', 60_000);
    expect(app.status?.conditions?.find((c) => c.type === 'Degraded')?.status).toBe('False');
    const env = (await deployment('app', 'api')).spec?.template.spec?.containers[0]?.env ?? [];
    expect(env.find((e) => e.name === 'REDIS_PORT_6379_TCP')?.value).toBe('tcp://redis:6379');
    if (resolver) await expectResolves(needDns(ctx), 'app', 'api', 'redis', [await clusterIP('cache', 'redis')]);

    await stacks.patchSpec('cache', { desiredState: 'Stopped' });
    const degraded = await waitFor('app to report that cache does not run', 60_000, async () => {
      const c = (await stacks.get('app'))?.status?.conditions?.find((x) => x.type === 'Degraded');
      return c?.status === 'True' && c.reason === 'LinkTargetNotRunning' ? c : undefined;
    });
    expect(degraded.message).toContain('links to "redis.cache", whose stack is stopped');
    await stacks.patchSpec('cache', { desiredState: 'Running' });
    await waitFor('app to be Degraded=False again', 60_000, async () => {
      const c = (await stacks.get('app'))?.status?.conditions?.find((x) => x.type === 'Degraded');
      return c?.status === 'False';
    });
  });

  it('link to a plain Service of the namespace with its ports as variables, and report a link to nothing', async () => {
    await core.createNamespacedService({
      namespace: ns,
      body: { metadata: { name: 'couchdb' }, spec: { ports: [{ name: 'http', port: 5984 }] } },
    });
    await stacks.create('chat', {
      desiredState: 'Running',
      services: [
        { name: 'web', image: 'nginx:1.27', linkedToService: [{ toService: 'couchdb' }] },
        { name: 'worker', image: 'nginx:1.27', linkedToService: [{ toService: 'queue.nowhere' }] },
      ],
    });
    const chat = await waitFor('chat to report its broken link', 60_000, async () => {
      const s = await stacks.get('chat');
      const web = s?.status?.services?.find((x) => x.name === 'web');
      return web?.state === 'Running' && s?.status?.observedGeneration === s?.metadata.generation ? s : undefined;
    });
    const env = (await deployment('chat', 'web')).spec?.template.spec?.containers[0]?.env ?? [];
    expect(env.find((e) => e.name === 'COUCHDB_PORT_5984_TCP')?.value).toBe('tcp://couchdb:5984');
    expect(chat.status?.services?.find((x) => x.name === 'worker')?.state).toBe('Not running');
    const degraded = chat.status?.conditions?.find((c) => c.type === 'Degraded');
    expect(degraded).toMatchObject({ status: 'True', reason: 'UntranslatableService' });
    expect(degraded?.message).toContain(
      `worker: linkedToService[0].toService: links to service "queue" of stack "nowhere", but namespace "${ns}" has no stack "nowhere"`,
    );
    // The stack appears: the link is resolved without a change to the linking one.
    await stacks.create('nowhere', { desiredState: 'Running', services: [{ name: 'queue', image: 'rabbitmq:3' }] });
    await stacks.waitForState('chat', 'Running', 60_000);
  });
});
