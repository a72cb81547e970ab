// Names resolved as a pod of a stack resolves them, without running a pod: the /etc/hosts
// entries, search list and ndots the kubelet gives a pod (pkg/kubelet/network/dns/dns.go), used
// as glibc's resolver uses them, with A queries sent to the cluster's DNS server. And where that
// server is for the cluster under test: the local control plane's CoreDNS, or a CoreDNS pod of
// another cluster (kind) reached through a port-forward.
import { createSocket } from 'node:dgram';
import { connect, createServer, type Socket } from 'node:net';
import {
  CoreV1Api,
  type KubeConfig,
  PortForward,
  type V1Pod,
  type V1PodSpec,
  type V1PodTemplateSpec,
} from '@kubernetes/client-node';
import { decode, encode, RECURSION_DESIRED } from 'dns-packet';
import { inject } from 'vitest';
import { clusterDir } from '../../../src/localcluster/cluster.ts';
import { dnsFile, readDnsAddress } from '../../../src/localcluster/coredns.ts';
import { atEnd } from './cleanup.ts';
import { kubeConfig } from './cluster.ts';

export const CLUSTER_DOMAIN = 'cluster.local';

export interface DnsServer {
  host: string;
  port: number;
  /** 'tcp' where only TCP reaches the server (a port-forward). */
  transport: 'udp' | 'tcp';
  /** Where it is, for messages: 'the local control plane's CoreDNS', 'kube-system/coredns-... (port-forward)'. */
  description: string;
}

// --- What the kubelet gives a pod.

/** What a pod's /etc/resolv.conf and /etc/hosts say, as far as name lookups go. */
export interface PodDnsSettings {
  searches: string[];
  ndots: number;
  /** /etc/hosts: the kubelet's localhost line, then the pod's hostAliases, in order. */
  hosts: { ip: string; hostnames: string[] }[];
}

// The kubelet's limits (pkg/apis/core/validation: MaxDNSSearchPaths, MaxDNSSearchListChars;
// a search path longer than a DNS-1123 subdomain is dropped).
const MAX_SEARCH_PATHS = 32;
const MAX_SEARCH_LINE_CHARS = 2048;
const MAX_SEARCH_PATH_CHARS = 253;
// glibc's RES_MAXNDOTS, and its default when resolv.conf sets no ndots.
const MAX_NDOTS = 15;
const LIBC_DEFAULT_NDOTS = 1;

type PodLike = V1PodSpec | V1PodTemplateSpec | V1Pod;
const specOf = (p: PodLike): V1PodSpec => {
  if ('containers' in p) return p;
  if (!p.spec) throw new Error('a pod template without a spec');
  return p.spec;
};

const unique = (xs: string[]) => [...new Set(xs)];

/** The kubelet's formDNSSearchFitsLimits: too many paths, too long a path, too long a line. */
function fitSearchLimits(searches: string[]): string[] {
  let s = searches.slice(0, MAX_SEARCH_PATHS).filter((d) => d.length <= MAX_SEARCH_PATH_CHARS);
  while (s.length > 0 && s.join(' ').length > MAX_SEARCH_LINE_CHARS) s = s.slice(0, -1);
  return s;
}

/**
 * The kubelet's GetPodDNS for a pod in `namespace`: with dnsPolicy ClusterFirst (the default)
 * or ClusterFirstWithHostNet, the search list is `<ns>.svc.<domain> svc.<domain> <domain>`,
 * then the node's own search domains (none modelled here), then `dnsConfig.searches`,
 * duplicates dropped; options `ndots:5` overridden by `dnsConfig.options`. With None, only
 * dnsConfig counts (and glibc's default ndots, 1). Default, or ClusterFirst on the host's
 * network, use the node's resolver, which the cluster does not define: an error.
 */
export function podDnsSettings(pod: PodLike, namespace: string, clusterDomain = CLUSTER_DOMAIN): PodDnsSettings {
  const spec = specOf(pod);
  const policy = spec.dnsPolicy ?? 'ClusterFirst';
  let searches: string[];
  const options = new Map<string, string>();
  if (policy === 'None') {
    searches = [];
  } else if (policy === 'ClusterFirstWithHostNet' || (policy === 'ClusterFirst' && !spec.hostNetwork)) {
    searches = [`${namespace}.svc.${clusterDomain}`, `svc.${clusterDomain}`, clusterDomain];
    options.set('ndots', '5');
  } else {
    throw new Error(
      `dnsPolicy ${policy}${spec.hostNetwork ? ' with hostNetwork' : ''}: the pod uses its node's resolver, not the cluster's DNS`,
    );
  }
  if (spec.dnsConfig) {
    searches = unique([...searches, ...(spec.dnsConfig.searches ?? [])]);
    for (const o of spec.dnsConfig.options ?? []) if (o.name) options.set(o.name, o.value ?? '');
  }
  const ndotsOption = Number.parseInt(options.get('ndots') ?? '', 10);
  const ndots = Number.isNaN(ndotsOption) ? LIBC_DEFAULT_NDOTS : Math.min(Math.max(ndotsOption, 0), MAX_NDOTS);
  // The kubelet writes /etc/hosts (hence hostAliases) only for pods off the host's network.
  const hosts = spec.hostNetwork
    ? []
    : [
        { ip: '127.0.0.1', hostnames: ['localhost'] },
        ...(spec.hostAliases ?? []).map((a) => ({ ip: a.ip, hostnames: a.hostnames ?? [] })),
      ];
  return { searches: fitSearchLimits(searches), ndots, hosts };
}

/**
 * The names glibc's res_search asks for, in order: a name ending in a dot only as it is; one
 * with at least ndots dots as it is first, then with each search domain; otherwise with each
 * search domain, then as it is.
 */
export function queryNames(name: string, settings: Pick<PodDnsSettings, 'searches' | 'ndots'>): string[] {
  if (name.endsWith('.')) return [name.slice(0, -1)];
  const dots = name.split('.').length - 1;
  const searched = settings.searches.map((d) => `${name}.${d}`);
  return dots >= settings.ndots ? [name, ...searched] : [...searched, name];
}

// --- Asking the server.

export interface Answer {
  rcode: string;
  addresses: string[];
}

/** IPv4 addresses in numeric order. */
export function sortIPv4(ips: string[]): string[] {
  const key = (ip: string) => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
  return [...ips].sort((a, b) => key(a) - key(b));
}

function query(name: string): { id: number; packet: Buffer } {
  const id = Math.floor(Math.random() * 65_536);
  return { id, packet: encode({ type: 'query', id, flags: RECURSION_DESIRED, questions: [{ type: 'A', name }] }) };
}

function answerOf(buf: Buffer): Answer & { id: number; truncated: boolean } {
  const p = decode(buf);
  const addresses = (p.answers ?? []).flatMap((a) => (a.type === 'A' ? [a.data] : []));
  const rcode = (p as { rcode?: string }).rcode ?? 'NOERROR';
  return { id: p.id ?? -1, rcode, addresses: sortIPv4(addresses), truncated: p.flag_tc };
}

function queryUdp(server: DnsServer, name: string, timeoutMs: number): Promise<Answer & { truncated: boolean }> {
  const { id, packet } = query(name);
  const sock = createSocket('udp4');
  return new Promise<Answer & { truncated: boolean }>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new Error(
            `no answer for ${name} from ${server.description} (udp ${server.host}:${server.port}) within ${timeoutMs} ms`,
          ),
        ),
      timeoutMs,
    );
    sock.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    sock.on('message', (msg) => {
      const a = answerOf(msg);
      if (a.id !== id) return; // a late answer to an earlier query
      clearTimeout(timer);
      resolve(a);
    });
    sock.send(packet, server.port, server.host);
  }).finally(() => sock.close());
}

function queryTcp(server: DnsServer, name: string, timeoutMs: number): Promise<Answer> {
  const { id, packet } = query(name);
  const framed = Buffer.concat([Buffer.from([packet.length >> 8, packet.length & 0xff]), packet]);
  return new Promise<Answer>((resolve, reject) => {
    const sock = connect(server.port, server.host);
    let received = Buffer.alloc(0);
    const timer = setTimeout(() => {
      sock.destroy();
      reject(
        new Error(`no answer for ${name} from ${server.description} (tcp ${server.host}:${server.port}) within ${timeoutMs} ms`),
      );
    }, timeoutMs);
    const fail = (err: Error) => {
      clearTimeout(timer);
      sock.destroy();
      reject(err);
    };
    sock.on('error', fail);
    sock.on('close', () => fail(new Error(`${server.description} closed the connection before answering ${name}`)));
    sock.on('data', (d: Buffer) => {
      received = Buffer.concat([received, d]);
      if (received.length < 2 || received.length < 2 + received.readUInt16BE(0)) return;
      const a = answerOf(received.subarray(2, 2 + received.readUInt16BE(0)));
      clearTimeout(timer);
      sock.removeAllListeners('close');
      sock.destroy();
      if (a.id !== id) reject(new Error(`${server.description} answered ${name} with a different query id`));
      else resolve({ rcode: a.rcode, addresses: a.addresses });
    });
    sock.write(framed);
  });
}

/** One A query, over UDP (then TCP if the answer was truncated) or TCP alone. */
export async function queryA(server: DnsServer, name: string, timeoutMs = 3_000): Promise<Answer> {
  if (server.transport === 'tcp') return queryTcp(server, name, timeoutMs);
  const a = await queryUdp(server, name, timeoutMs);
  return a.truncated ? queryTcp(server, name, timeoutMs) : { rcode: a.rcode, addresses: a.addresses };
}

// --- Resolving as a pod.

export interface Lookup {
  /** Sorted IPv4 addresses; [] when nothing answered (NXDOMAIN, no A record, REFUSED). */
  addresses: string[];
  /** 'hosts' when /etc/hosts answered, else the name that DNS answered, or undefined. */
  answeredBy: string | undefined;
  /** Every DNS query made, in order, with its outcome. */
  tried: { name: string; rcode: string; addresses: string[] }[];
}

export class PodResolver {
  readonly server: DnsServer;
  readonly clusterDomain: string;

  constructor(server: DnsServer, clusterDomain = CLUSTER_DOMAIN) {
    this.server = server;
    this.clusterDomain = clusterDomain;
  }

  /** What `getaddrinfo(name, AF_INET)` in a pod with this spec, in `namespace`, returns. */
  async resolveAsPod(pod: PodLike, namespace: string, name: string): Promise<string[]> {
    return (await this.lookupAsPod(pod, namespace, name)).addresses;
  }

  /**
   * /etc/hosts first (the name exactly, case aside: no search list applies there), then DNS
   * names in res_search's order until one has A records. Any negative answer (NXDOMAIN, no A
   * record, REFUSED or SERVFAIL) moves on to the next name, as glibc does.
   */
  async lookupAsPod(pod: PodLike, namespace: string, name: string): Promise<Lookup> {
    const settings = podDnsSettings(pod, namespace, this.clusterDomain);
    const lower = name.toLowerCase();
    const fromHosts = settings.hosts
      .filter((h) => h.hostnames.some((n) => n.toLowerCase() === lower) && /^\d+\.\d+\.\d+\.\d+$/.test(h.ip))
      .map((h) => h.ip);
    if (fromHosts.length > 0) return { addresses: sortIPv4(unique(fromHosts)), answeredBy: 'hosts', tried: [] };
    const tried: Lookup['tried'] = [];
    for (const candidate of queryNames(name, settings)) {
      const a = await queryA(this.server, candidate);
      tried.push({ name: candidate, ...a });
      if (a.addresses.length > 0) return { addresses: a.addresses, answeredBy: candidate, tried };
    }
    return { addresses: [], answeredBy: undefined, tried };
  }
}

// --- Where the cluster's DNS server is.

export type ClusterDns = { server: DnsServer } | { unavailable: string };

/**
 * The DNS server of the cluster under test. The local control plane: the address its CoreDNS
 * was started on (the `dns` file beside its kubeconfig). Any other cluster: a port-forward to
 * a Ready CoreDNS pod of kube-system (label k8s-app=kube-dns) on 53/TCP, checked by asking for
 * kubernetes.default.svc.cluster.local. When neither works, why not, for the tests to skip with.
 */
export async function clusterDns(kc: KubeConfig = kubeConfig()): Promise<ClusterDns> {
  if (inject('localCluster')) {
    const dir = clusterDir();
    const address = await readDnsAddress(dir);
    if (!address)
      return {
        unavailable:
          `the local control plane has no cluster DNS (${dnsFile(dir)} is missing: a cluster started before CoreDNS ` +
          'was added, reused; npm run cluster:down, then run the tests again)',
      };
    const [host, port] = address.split(':');
    return { server: { host: host!, port: Number(port), transport: 'udp', description: "the local control plane's CoreDNS" } };
  }
  return portForwardedDns(kc);
}

async function portForwardedDns(kc: KubeConfig): Promise<ClusterDns> {
  let podName: string | undefined;
  try {
    const pods = await kc
      .makeApiClient(CoreV1Api)
      .listNamespacedPod({ namespace: 'kube-system', labelSelector: 'k8s-app=kube-dns' });
    podName = pods.items.find(
      (p) => p.status?.phase === 'Running' && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
    )?.metadata?.name;
  } catch (err) {
    return { unavailable: `could not list the cluster's DNS pods (kube-system, k8s-app=kube-dns): ${(err as Error).message}` };
  }
  if (!podName) return { unavailable: 'the cluster has no Ready DNS pod in kube-system with label k8s-app=kube-dns' };

  // Each TCP connection to this local port is one port-forward stream to the pod's port 53.
  const forward = new PortForward(kc);
  const sockets = new Set<Socket>();
  const local = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    forward.portForward('kube-system', podName, [53], socket, null, socket).then(
      (ws) => {
        const w = typeof ws === 'function' ? ws() : ws;
        w?.on('close', () => socket.end());
        socket.on('close', () => w?.close());
      },
      (err: Error) => socket.destroy(err),
    );
  });
  await new Promise<void>((r) => local.listen(0, '127.0.0.1', r));
  atEnd(
    () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        local.close(() => r());
      }),
  );
  const server: DnsServer = {
    host: '127.0.0.1',
    port: (local.address() as { port: number }).port,
    transport: 'tcp',
    description: `kube-system/${podName} (port-forward)`,
  };
  try {
    const a = await queryA(server, `kubernetes.default.svc.${CLUSTER_DOMAIN}`, 10_000);
    if (a.addresses.length === 0)
      return { unavailable: `${server.description} does not answer kubernetes.default.svc.${CLUSTER_DOMAIN} (${a.rcode})` };
  } catch (err) {
    return { unavailable: `could not query ${server.description}: ${(err as Error).message}` };
  }
  return { server };
}
