// What the operator will rely on from cluster DNS, checked by resolving names exactly as a pod
// of a stack would (support/dns.ts: the kubelet's search list and ndots, /etc/hosts first,
// glibc's order of queries) against the cluster's own DNS server:
// - a selector-less headless Service with EndpointSlices written by us answers
//   `<hostname>.<service>` with the addresses of the endpoints carrying that hostname, so a pod
//   whose dnsConfig searches `<service>.<ns>.svc.cluster.local` resolves a bare `<hostname>`;
// - another Service's slice gives the same hostname other addresses, seen by pods searching it;
// - an endpoint may be another Service's ClusterIP; endpoints not ready are left out;
// - kwok gives Pods an IP, which the EndpointSlice controller and DNS carry like any other.
// On a cluster whose DNS cannot be reached the DNS tests are skipped, saying why.
import { AppsV1Api, CoreV1Api, DiscoveryV1Api, type V1EndpointSlice, type V1PodSpec } from '@kubernetes/client-node';
import { describe, expect, inject, it, type TestContext } from 'vitest';
import { createTestNamespace, kubeConfig } from './support/cluster.ts';
import { clusterDns, type Lookup, PodResolver, podDnsSettings, queryNames, sortIPv4 } from './support/dns.ts';
import { waitFor } from './support/wait.ts';

const kc = kubeConfig();
const core = kc.makeApiClient(CoreV1Api);
const apps = kc.makeApiClient(AppsV1Api);
const discovery = kc.makeApiClient(DiscoveryV1Api);
const ns = await createTestNamespace('dns');
const dns = await clusterDns(kc);
const resolver = 'server' in dns ? new PodResolver(dns.server) : undefined;
if (!resolver && 'unavailable' in dns) process.stderr.write(`cluster-dns: DNS tests skipped: ${dns.unavailable}\n`);

const DNS_DEADLINE_MS = 30_000;
const svcDomain = (service: string) => `${service}.${ns}.svc.cluster.local`;

/** The resolver, or the test skipped with the reason (never a silent pass). */
function needDns(ctx: TestContext): PodResolver {
  if (!resolver) return ctx.skip(`no cluster DNS to query: ${'unavailable' in dns ? dns.unavailable : ''}`);
  return resolver;
}

/** A pod of a stack: one container, its dnsConfig searching the given Services' domains. */
function podSearching(...services: string[]): V1PodSpec {
  return {
    containers: [{ name: 'app', image: 'busybox' }],
    dnsConfig: { searches: services.map(svcDomain) },
  };
}

/**
 * Asks as the pod until the answer is `expected` (DNS follows the API server by a watch, so a
 * fresh object is answered a moment later), or fails at the deadline with the queries made.
 */
async function expectResolves(r: PodResolver, pod: V1PodSpec, name: string, expected: string[]): Promise<Lookup> {
  const want = sortIPv4(expected);
  return waitFor(
    `${name} to resolve to [${want.join(', ')}] from a pod searching ${pod.dnsConfig?.searches?.join(' ')}`,
    DNS_DEADLINE_MS,
    async () => {
      const l = await r.lookupAsPod(pod, ns, name);
      if (JSON.stringify(l.addresses) === JSON.stringify(want)) return l;
      throw new Error(
        `got [${l.addresses.join(', ')}]; queries: ${l.tried.map((t) => `${t.name} ${t.rcode} [${t.addresses.join(', ')}]`).join('; ')}`,
      );
    },
  );
}

async function headlessService(name: string, publishNotReadyAddresses = false): Promise<void> {
  // No selector: the EndpointSlice controller leaves it alone and its slices are ours.
  await core.createNamespacedService({
    namespace: ns,
    body: { metadata: { name }, spec: { clusterIP: 'None', ...(publishNotReadyAddresses ? { publishNotReadyAddresses } : {}) } },
  });
}

interface Endpoint {
  ip: string;
  hostname?: string;
  ready?: boolean;
  serving?: boolean;
}

function slice(name: string, service: string, endpoints: Endpoint[]): V1EndpointSlice {
  return {
    metadata: {
      name,
      labels: { 'kubernetes.io/service-name': service, 'endpointslice.kubernetes.io/managed-by': 'longshore.io' },
    },
    addressType: 'IPv4',
    endpoints: endpoints.map((e) => ({
      addresses: [e.ip],
      ...(e.hostname ? { hostname: e.hostname } : {}),
      ...(e.ready === undefined
        ? {}
        : { conditions: { ready: e.ready, ...(e.serving === undefined ? {} : { serving: e.serving }) } }),
    })),
  };
}

describe('the pod resolver follows the kubelet and glibc', () => {
  it('searches <ns>.svc, svc, the cluster domain, then dnsConfig.searches, with ndots 5', () => {
    const s = podDnsSettings(podSearching('s1'), ns);
    expect(s.searches).toEqual([`${ns}.svc.cluster.local`, 'svc.cluster.local', 'cluster.local', svcDomain('s1')]);
    expect(s.ndots).toBe(5);
    expect(queryNames('web', s)).toEqual([...s.searches.map((d) => `web.${d}`), 'web']);
    // Five dots or more: as it is first; a trailing dot: only as it is.
    expect(queryNames('a.b.c.d.e.f', s)[0]).toBe('a.b.c.d.e.f');
    expect(queryNames('web.', s)).toEqual(['web']);
  });

  it('takes ndots from dnsConfig.options, drops duplicate searches, and with dnsPolicy None uses dnsConfig alone', () => {
    const s = podDnsSettings(
      {
        containers: [],
        dnsConfig: { searches: ['svc.cluster.local', 'x.example'], options: [{ name: 'ndots', value: '1' }] },
      },
      ns,
    );
    expect(s.searches).toEqual([`${ns}.svc.cluster.local`, 'svc.cluster.local', 'cluster.local', 'x.example']);
    expect(queryNames('web.s1', s)).toEqual(['web.s1', ...s.searches.map((d) => `web.s1.${d}`)]);
    const none = podDnsSettings(
      { containers: [], dnsPolicy: 'None', dnsConfig: { nameservers: ['10.0.0.10'], searches: ['a.b'] } },
      ns,
    );
    expect(none).toMatchObject({ searches: ['a.b'], ndots: 1 });
    expect(() => podDnsSettings({ containers: [], dnsPolicy: 'Default' }, ns)).toThrow(/node's resolver/);
  });
});

// s1: `web` on two addresses, `db` on one. Made once, by whichever test needs it first, so each
// test stands on its own.
let s1: Promise<void> | undefined;
const withS1 = () =>
  (s1 ??= (async () => {
    await headlessService('s1');
    await discovery.createNamespacedEndpointSlice({
      namespace: ns,
      body: slice('s1-a', 's1', [
        { ip: '10.244.100.1', hostname: 'web', ready: true },
        { ip: '10.244.100.2', hostname: 'web', ready: true },
        { ip: '10.244.100.3', hostname: 'db', ready: true },
      ]),
    });
  })());

describe('cluster DNS as a pod of a stack resolves names', () => {
  it('answers a hostname of a selector-less headless Service from EndpointSlices we write', async (ctx) => {
    const r = needDns(ctx);
    await withS1();
    const pod = podSearching('s1');
    const web = await expectResolves(r, pod, 'web', ['10.244.100.1', '10.244.100.2']);
    // Asked in the pod's order: the cluster's three domains first (nothing there), then s1's.
    expect(web.tried.map((t) => t.name)).toEqual([
      `web.${ns}.svc.cluster.local`,
      'web.svc.cluster.local',
      'web.cluster.local',
      `web.${svcDomain('s1')}`,
    ]);
    expect(web.tried.slice(0, 3).map((t) => t.rcode)).toEqual(['NXDOMAIN', 'NXDOMAIN', 'NXDOMAIN']);
    await expectResolves(r, pod, 'db', ['10.244.100.3']);
    // `web.s1` through the first search entry, <ns>.svc.cluster.local: no dnsConfig needed.
    const dotted = await expectResolves(r, podSearching(), 'web.s1', ['10.244.100.1', '10.244.100.2']);
    expect(dotted.answeredBy).toBe(`web.${svcDomain('s1')}`);
    // The Service's own name: every ready endpoint.
    await expectResolves(r, pod, 's1', ['10.244.100.1', '10.244.100.2', '10.244.100.3']);
    // A name nobody has: every search domain asked, then the bare name, and nothing.
    const missing = await r.lookupAsPod(pod, ns, 'nosuch');
    expect(missing.addresses).toEqual([]);
    expect(missing.tried.map((t) => t.name)).toEqual(queryNames('nosuch', podDnsSettings(pod, ns)));
  });

  it("gives the same hostname another Service's addresses to a pod searching that Service", async (ctx) => {
    const r = needDns(ctx);
    await withS1();
    await headlessService('s2');
    await discovery.createNamespacedEndpointSlice({
      namespace: ns,
      body: slice('s2-a', 's2', [
        { ip: '10.244.200.1', hostname: 'web' },
        { ip: '10.244.200.2', hostname: 'web' },
      ]),
    });
    await expectResolves(r, podSearching('s2'), 'web', ['10.244.200.1', '10.244.200.2']);
    await expectResolves(r, podSearching('s1'), 'web', ['10.244.100.1', '10.244.100.2']);
    // Searching both: the first listed wins for `web`; `db`, only in s1, falls through to it.
    await expectResolves(r, podSearching('s2', 's1'), 'web', ['10.244.200.1', '10.244.200.2']);
    await expectResolves(r, podSearching('s2', 's1'), 'db', ['10.244.100.3']);
    // A slice rewritten (a service scaled): DNS follows.
    const current = await discovery.readNamespacedEndpointSlice({ name: 's2-a', namespace: ns });
    await discovery.replaceNamespacedEndpointSlice({
      name: 's2-a',
      namespace: ns,
      body: { ...current, endpoints: slice('s2-a', 's2', [{ ip: '10.244.200.3', hostname: 'web' }]).endpoints },
    });
    await expectResolves(r, podSearching('s2'), 'web', ['10.244.200.3']);
  });

  it("answers an endpoint whose address is another Service's ClusterIP, from a second slice of the Service", async (ctx) => {
    const r = needDns(ctx);
    await withS1();
    const backend = await core.createNamespacedService({
      namespace: ns,
      body: { metadata: { name: 'backend' }, spec: { type: 'ClusterIP', ports: [{ name: 'http', port: 80 }] } },
    });
    const clusterIP = backend.spec?.clusterIP;
    expect(clusterIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    await discovery.createNamespacedEndpointSlice({
      namespace: ns,
      body: slice('s1-aliases', 's1', [{ ip: clusterIP!, hostname: 'api', ready: true }]),
    });
    await expectResolves(r, podSearching('s1'), 'api', [clusterIP!]);
    // Both of s1's slices count: its first slice's names still answer.
    await expectResolves(r, podSearching('s1'), 'db', ['10.244.100.3']);
  });

  it('leaves out endpoints whose conditions.ready is false, even serving and published; no conditions counts as ready', async (ctx) => {
    const r = needDns(ctx);
    // publishNotReadyAddresses is for the EndpointSlice controller (it then writes ready: true);
    // CoreDNS reads conditions.ready alone.
    await headlessService('s3', true);
    await discovery.createNamespacedEndpointSlice({
      namespace: ns,
      body: slice('s3-a', 's3', [
        { ip: '10.244.30.1', hostname: 'up', ready: true },
        { ip: '10.244.30.2', hostname: 'down', ready: false, serving: true },
        { ip: '10.244.30.3', hostname: 'web', ready: true },
        { ip: '10.244.30.4', hostname: 'web', ready: false },
        { ip: '10.244.30.5', hostname: 'unknown' },
      ]),
    });
    const pod = podSearching('s3');
    // Once `up` answers, CoreDNS has this very slice: what it leaves out is left out for good.
    await expectResolves(r, pod, 'up', ['10.244.30.1']);
    expect(await r.resolveAsPod(pod, ns, 'down')).toEqual([]);
    expect(await r.resolveAsPod(pod, ns, 'web')).toEqual(['10.244.30.3']);
    expect(await r.resolveAsPod(pod, ns, 'unknown')).toEqual(['10.244.30.5']);
    expect(await r.resolveAsPod(pod, ns, 's3')).toEqual(['10.244.30.1', '10.244.30.3', '10.244.30.5']);
  });

  it('reads /etc/hosts (hostAliases) before DNS, the name exactly as given', async (ctx) => {
    const r = needDns(ctx);
    await withS1();
    const pod: V1PodSpec = { ...podSearching('s1'), hostAliases: [{ ip: '10.1.2.3', hostnames: ['web'] }] };
    const l = await r.lookupAsPod(pod, ns, 'web');
    expect(l).toMatchObject({ addresses: ['10.1.2.3'], answeredBy: 'hosts', tried: [] });
    // No search list in /etc/hosts: `web.s1` goes to DNS.
    await expectResolves(r, pod, 'web.s1', ['10.244.100.1', '10.244.100.2']);
  });
});

describe('pod IPs', () => {
  let podIPs: string[] = [];

  it('are given to Pods (by kwok on the local control plane), each its own', async () => {
    await apps.createNamespacedDeployment({
      namespace: ns,
      body: {
        metadata: { name: 'ips' },
        spec: {
          replicas: 3,
          selector: { matchLabels: { app: 'ips' } },
          template: { metadata: { labels: { app: 'ips' } }, spec: { containers: [{ name: 'app', image: 'busybox' }] } },
        },
      },
    });
    const ips = await waitFor('3 Running pods with an IP', 60_000, async () => {
      const pods = (await core.listNamespacedPod({ namespace: ns, labelSelector: 'app=ips' })).items;
      const withIp = pods.filter((p) => p.status?.phase === 'Running' && p.status.podIP).map((p) => p.status!.podIP!);
      return withIp.length === 3 ? sortIPv4(withIp) : undefined;
    });
    for (const ip of ips) expect(ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(new Set(ips).size).toBe(3);
    // The local control plane's kwok hands them out of --cidr=10.244.0.1/16 (one pool for
    // both nodes, from 10.244.0.2 up; an IP is reused once its Pod is gone).
    if (inject('localCluster')) for (const ip of ips) expect(ip).toMatch(/^10\.244\.\d+\.\d+$/);
    podIPs = ips;
  });

  it('are answered by DNS for a headless Service selecting the Pods (through the EndpointSlice controller)', async (ctx) => {
    const r = needDns(ctx);
    expect(podIPs).toHaveLength(3);
    await core.createNamespacedService({
      namespace: ns,
      body: { metadata: { name: 'ips' }, spec: { clusterIP: 'None', selector: { app: 'ips' } } },
    });
    await expectResolves(r, podSearching(), 'ips', podIPs);
  });
});
