// A stack's surroundings (what its translation may know beyond the Stack, see
// src/translate/surroundings.ts) as the controller sees them: other stacks, their Services'
// cluster IPs and their pods' addresses from the caches; plain Services of the namespace read
// from the API server, since Longshore caches only what it manages (and a link to one is rare).
import { CoreV1Api, type KubeConfig, type V1Service } from '@kubernetes/client-node';
import type { Stack } from '../model/stack.ts';
import { statusOf } from '../runtime/api-error.ts';
import type { NodePortHolder, PlainService, Surroundings } from '../translate/index.ts';
import {
  controlledBy,
  LABEL_STACK,
  MAX_PLAIN_LINK_TARGETS,
  plainLinkNames,
  plainServiceOf,
  serviceChildName,
} from '../translate/index.ts';
import { allBounded } from '../util/bounded.ts';
import { type Caches, SERVICE_LABEL } from './caches.ts';

/** Reads a Service of a namespace; undefined when there is none. */
export type ServiceReader = (namespace: string, name: string) => Promise<V1Service | undefined>;

export function serviceReader(kc: KubeConfig): ServiceReader {
  const core = kc.makeApiClient(CoreV1Api);
  return async (namespace, name) => {
    try {
      return await core.readNamespacedService({ namespace, name });
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw err;
    }
  };
}

/**
 * The Services of the whole cluster holding node ports, by port; undefined when Longshore may
 * not list Services cluster-wide (LONGSHORE_WATCH_NAMESPACE with namespaced rights): then a
 * port taken is known only when the API server refuses the Service.
 */
export type NodePortReader = () => Promise<ReadonlyMap<number, NodePortHolder> | undefined>;

export function nodePortReader(kc: KubeConfig): NodePortReader {
  const core = kc.makeApiClient(CoreV1Api);
  return async () => {
    let list: Awaited<ReturnType<CoreV1Api['listServiceForAllNamespaces']>>;
    try {
      // resourceVersion 0: from the API server's watch cache, not a quorum read of etcd.
      list = await core.listServiceForAllNamespaces({ resourceVersion: '0' });
    } catch (err) {
      if (statusOf(err) === 403) return undefined;
      throw err;
    }
    const holders = new Map<number, NodePortHolder>();
    for (const svc of list.items) {
      const stack = svc.metadata?.labels?.[LABEL_STACK];
      for (const p of svc.spec?.ports ?? []) {
        if (p.nodePort === undefined || p.nodePort === 0) continue;
        holders.set(p.nodePort, {
          namespace: svc.metadata?.namespace ?? '',
          name: svc.metadata?.name ?? '',
          ...(stack !== undefined && { stack }),
        });
      }
    }
    return holders;
  };
}

export async function observeSurroundings(stack: Stack, caches: Caches, readService: ServiceReader): Promise<Surroundings> {
  const { namespace } = stack.metadata;
  const plain = new Map<string, PlainService>();
  await allBounded(plainLinkNames(stack).slice(0, MAX_PLAIN_LINK_TARGETS), 4, async (name) => {
    const found = await readService(namespace, name);
    if (found !== undefined && !found.metadata?.deletionTimestamp) plain.set(name, plainServiceOf(found));
  });
  const stackOf = (name: string) => caches.stacks.get(`${namespace}/${name}`) as Stack | undefined;
  return {
    stack: (name) => stackOf(name),
    plainService: (name) => plain.get(name),
    serviceAddresses: (stackName, service) => {
      const owner = stackOf(stackName);
      if (owner === undefined) return [];
      const uid = owner.metadata.uid;
      const svc = caches.children.Service.get(`${namespace}/${serviceChildName(stackName, service)}`) as V1Service | undefined;
      const ip = svc?.spec?.clusterIP;
      if (controlledBy(svc, uid) && ip !== undefined && ip !== '' && ip !== 'None') return [ip];
      return caches.pods
        .byIndex('stack', `${namespace}/${stackName}`)
        .filter((p) => p.metadata?.labels?.[SERVICE_LABEL] === service && !p.metadata?.deletionTimestamp)
        .flatMap((p) => {
          const status = (p as { status?: { ready?: boolean; podIP?: string } }).status;
          return status?.ready && status.podIP ? [status.podIP] : [];
        })
        .sort();
    },
    ownsClaim: (name) => controlledBy(caches.children.PersistentVolumeClaim.get(`${namespace}/${name}`), stack.metadata.uid),
  };
}
