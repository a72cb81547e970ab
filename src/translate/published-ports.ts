// Where a service's published ports are reachable from outside, and whether that is the port
// the user asked for. Docker Cloud published on the node's own port; Kubernetes does that in
// HostPort mode only: a NodePort Service keeps an outer port inside the node port range and
// the cluster picks one for any other; a LoadBalancer keeps it on the balancer's address.
// Whenever the reachable port differs from the requested one, the user is told: in `convert`'s
// warnings (portWarnings), in the service's JSON and in the Stack's status (publishedPorts,
// from the Service the cluster reports).

import { isPublished, portProtocol } from '../model/defaults.ts';
import type { PublishedPortStatus, ServiceSpec } from '../model/stack.ts';
import { DEFAULT_NODE_PORT_RANGE, type TranslateOptions } from './options.ts';
import { hostPortOf, serviceShape } from './ports.ts';

/** A published port as the Stack's status shows it (see the model). */
export type PublishedPort = PublishedPortStatus;

/** What the cluster reports of a service's Service: its ports' numbers and node ports, by name. */
export interface ObservedService {
  ports: readonly { name?: string | undefined; port: number; nodePort?: number | undefined }[];
  /** A LoadBalancer's address (status.loadBalancer.ingress[0]'s IP or host name). */
  address?: string | undefined;
}

type Options = Pick<TranslateOptions, 'publishMode' | 'nodePortRange'>;

/**
 * Every published port of the service (containerPorts order), reachable where `observed` (the
 * Service the cluster reports) says; without it, where the translation plans it.
 */
export function publishedPorts(svc: ServiceSpec, options: Options, observed?: ObservedService): PublishedPort[] {
  const mode = options.publishMode;
  const range = options.nodePortRange ?? DEFAULT_NODE_PORT_RANGE;
  const shape = serviceShape(svc, options);
  const out: PublishedPort[] = [];
  (svc.containerPorts ?? []).forEach((p, index) => {
    if (!isPublished(p)) return;
    const base = {
      protocol: portProtocol(p),
      innerPort: p.innerPort,
      ...(p.outerPort !== undefined && { requestedOuterPort: p.outerPort }),
      via: mode,
    };
    if (mode === 'HostPort') {
      out.push({ ...base, outerPort: hostPortOf(p) });
      return;
    }
    const name = shape.outlets.get(index);
    if (name === undefined) return; // not published: a problem says why
    const planned = shape.ports.find((s) => s.name === name);
    const seen = observed?.ports.find((s) => s.name === name);
    // What the cluster reports, once asked (a Service not made yet publishes nothing); else the plan.
    const from = observed === undefined ? planned : seen;
    const outerPort = mode === 'NodePort' ? from?.nodePort : from?.port;
    const entry: PublishedPort = {
      ...base,
      ...(outerPort !== undefined && { outerPort }),
      ...(mode === 'LoadBalancer' && observed?.address !== undefined && { address: observed.address }),
    };
    if (p.outerPort !== undefined && outerPort !== p.outerPort) {
      const reached = outerPort === undefined ? 'the cluster picks a node port' : `reachable on node port ${outerPort}`;
      entry.message =
        mode === 'NodePort' && (p.outerPort < range.min || p.outerPort > range.max)
          ? `outer port ${p.outerPort} lies outside the node port range ${range.min}-${range.max}: ${reached} (LONGSHORE_PUBLISHED_SERVICE_TYPE=HostPort or LoadBalancer keeps it)`
          : `outer port ${p.outerPort} is not kept: ${outerPort === undefined ? 'not allocated yet' : `reachable on port ${outerPort}`}`;
    }
    out.push(entry);
  });
  return out;
}

/**
 * `convert`'s warnings about ports: one line per published port whose outer port will not be
 * the one asked for, naming the service and the stack-file entry.
 */
export function portWarnings(
  services: readonly ServiceSpec[],
  options: Options,
): { service: string; field: string; message: string }[] {
  return services.flatMap((svc) =>
    publishedPorts(svc, options)
      .filter((p) => p.message !== undefined)
      .map((p) => ({
        service: svc.name,
        field: 'containerPorts',
        message: `port ${p.requestedOuterPort}:${p.innerPort}/${p.protocol}: ${p.message}`,
      })),
  );
}
