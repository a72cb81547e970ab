// Service discovery as on Docker Cloud: from every container of a stack, each service name and
// each link alias of that stack resolves to that stack's service, never another stack's, and
// `<service>.<stack>` reaches a service of another stack of the namespace.
//
// Mechanism: each stack has a DNS domain, a headless Service without selector named after the
// stack (stackDomainName), and one EndpointSlice of ours for it whose endpoints carry the
// stack's names as hostnames: cluster DNS (CoreDNS' kubernetes plugin, as kube-dns did) answers
// `<name>.<stack>.<namespace>.svc.<cluster domain>` with that endpoint's addresses. The pods
// search that domain first (see podDns), so `web` means this stack's web, and the namespace's
// domain next, so `web.other` means stack other's web. A name answers with the cluster IP of
// its service's Service when there is one (stable across pod restarts, so a client that caches
// DNS forever keeps working), else with the addresses of its ready pods, as a headless Service
// would. Why not per-stack Services plus hostAliases, or pod hostname/subdomain: see
// docs/naming-and-discovery.md.
import { isIPv4 } from 'node:net';
import type { V1PodDNSConfig } from '@kubernetes/client-node';
import type { StackContext } from './context.ts';
import type { EndpointSliceObject, ServiceObject } from './kube-object.ts';
import { stackLabels } from './labels.ts';
import type { DnsName } from './links.ts';
import { stackDomainName } from './names.ts';
import { stackOwnerReference } from './owner.ts';

/** The label that ties an EndpointSlice to its Service, and the one that says who manages it. */
export const LABEL_SLICE_SERVICE = 'kubernetes.io/service-name';
export const LABEL_SLICE_MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
/** Kubernetes' EndpointSlice controller leaves alone slices managed by anyone else. */
export const SLICE_MANAGER = 'longshore.io';
/** The API's limit of endpoints in one slice. */
const MAX_ENDPOINTS = 1000;

/** The stack's DNS domain: `<stack>.<namespace>.svc.<cluster domain>`. */
export function stackDomain(ctx: StackContext): string {
  return `${stackDomainName(ctx.stackName)}.${ctx.namespace}.svc.${ctx.options.clusterDomain}`;
}

/** The headless Service that is the stack's DNS domain, and the EndpointSlice of its names. */
export function stackDomainObjects(ctx: StackContext, names: readonly DnsName[]): [ServiceObject, EndpointSliceObject] {
  const name = stackDomainName(ctx.stackName);
  const labels = stackLabels(ctx.stackName);
  const owner = [stackOwnerReference(ctx.stack, ctx.uid)];
  const endpoints = names
    .flatMap(({ host, target }) => {
      const addresses =
        target.kind === 'plain'
          ? target.service.clusterIP === undefined
            ? []
            : [target.service.clusterIP]
          : ctx.surroundings.serviceAddresses(target.stack, target.service.name);
      return addresses.filter((ip) => isIPv4(ip)).map((ip) => ({ host, ip }));
    })
    .sort((a, b) => compare(a.host, b.host) || compare(a.ip, b.ip))
    .slice(0, MAX_ENDPOINTS)
    .map(({ host, ip }) => ({ addresses: [ip], hostname: host, conditions: { ready: true } }));
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: ctx.namespace, labels, ownerReferences: owner },
      // No selector: the names are ours to publish. No ports: DNS only.
      spec: { type: 'ClusterIP', clusterIP: 'None' },
    },
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name,
        namespace: ctx.namespace,
        labels: { ...labels, [LABEL_SLICE_SERVICE]: name, [LABEL_SLICE_MANAGED_BY]: SLICE_MANAGER },
        ownerReferences: owner,
      },
      addressType: 'IPv4',
      endpoints,
    },
  ];
}

/**
 * The pod's DNS settings. With the cluster's DNS address known (clusterDnsIp), dnsPolicy None
 * and the search list kubelet would write with the stack's domain first: `web` is this stack's
 * web even when the namespace holds a Service or a stack named web. Without it, cluster DNS
 * (ClusterFirst) with the stack's domain appended, after the namespace's: a Service of the
 * namespace named like a service of the stack then wins (documented). The user's `dns`
 * replaces the nameservers (Docker's --dns); `dns_search` comes after the stack's domains.
 */
export function podDns(
  ctx: StackContext,
  user: { dns?: readonly string[] | undefined; dnsSearch?: readonly string[] | undefined },
  hostNetwork: boolean,
): { policy?: string; config: V1PodDNSConfig } {
  const domain = ctx.options.clusterDomain;
  const clusterSearches = [stackDomain(ctx), `${ctx.namespace}.svc.${domain}`, `svc.${domain}`, domain];
  const searches = [...new Set([...clusterSearches, ...(user.dnsSearch ?? [])])];
  const ndots = [{ name: 'ndots', value: '5' }];
  if (user.dns !== undefined && user.dns.length > 0)
    return { policy: 'None', config: { nameservers: [...user.dns], searches, options: ndots } };
  if (ctx.options.clusterDnsIp !== undefined)
    return { policy: 'None', config: { nameservers: [ctx.options.clusterDnsIp], searches, options: ndots } };
  return {
    ...(hostNetwork && { policy: 'ClusterFirstWithHostNet' }),
    config: { searches: [stackDomain(ctx), ...(user.dnsSearch ?? [])] },
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
