// What a stack's translation may know beyond the Stack itself: the other stacks of its
// namespace (links to `service.stack`), the plain Kubernetes Services there (links to a service
// outside any stack, Docker Cloud's standalone services), the addresses its DNS names answer
// with, and the claims it already owns. The controller answers from its caches; tests answer
// with plain maps. Lookups only: the translation stays pure.
import type { V1Service } from '@kubernetes/client-node';
import type { Stack } from '../model/stack.ts';
import type { PodSecurityLevel } from './pod-security.ts';

/** A Service of the namespace that is no stack's service: a standalone link target. */
export interface PlainService {
  name: string;
  /** Its cluster IP; absent for a headless Service. */
  clusterIP?: string;
  ports: { port: number; protocol: 'tcp' | 'udp' }[];
}

export interface Surroundings {
  /** Another Stack of the namespace, by name. */
  stack(name: string): Stack | undefined;
  /** A Service of the namespace that no stack made, by name. */
  plainService(name: string): PlainService | undefined;
  /**
   * What a DNS name for service `service` of stack `stack` answers with: the cluster IP of its
   * Service when it has one, else the addresses of its ready pods. Empty while not known.
   */
  serviceAddresses(stack: string, service: string): readonly string[];
  /** Whether this Stack already owns a claim of this name (one made by an earlier release). */
  ownsClaim(name: string): boolean;
  /**
   * The Pod Security level of the stack's namespace (its pod-security.kubernetes.io/enforce
   * label, else the operator's default): no pod template may ask for more. Absent: baseline,
   * the default out of the box.
   */
  podSecurityLevel?: PodSecurityLevel;
  /**
   * How many nodes pods may be scheduled on: the containers of an EVERY_NODE service that runs
   * once (a Job, one container per node). Absent while unknown: no such Job is made.
   */
  schedulableNodes?: number;
  /**
   * The digest a service's image runs at (`sha256:...`), resolved by the controller from the
   * registry; its pods then run `repository@digest`. Absent, or undefined for a service: the
   * image as the stack writes it.
   */
  imageDigest?: (service: string) => string | undefined;
}

/**
 * Surroundings with nothing in them: no other stack, no plain Service, no address, no claim;
 * the default Pod Security level (baseline).
 */
export const EMPTY_SURROUNDINGS: Surroundings = Object.freeze({
  stack: () => undefined,
  plainService: () => undefined,
  serviceAddresses: () => [],
  ownsClaim: () => false,
});

/** A Service as a link target sees it: its cluster IP (none when headless) and its ports. */
export function plainServiceOf(svc: V1Service): PlainService {
  const ip = svc.spec?.clusterIP;
  return {
    name: svc.metadata?.name ?? '',
    ...(ip !== undefined && ip !== '' && ip !== 'None' ? { clusterIP: ip } : {}),
    ports: (svc.spec?.ports ?? []).map((p) => ({ port: p.port, protocol: p.protocol === 'UDP' ? 'udp' : 'tcp' })),
  };
}
