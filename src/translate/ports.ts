// Container ports and the ports of a service's Kubernetes Service.
//
// Inside the cluster a service is reached as in Docker: on its container (inner) ports, by
// name. Published ports are also reachable from outside, by the publishing mode
// (options.publishMode):
// - NodePort: on every node, at the outerPort when it lies in the node port range (else at a
//   port the cluster picks);
// - LoadBalancer: at the outerPort on the balancer's address;
// - HostPort: on the node running the container, at the outerPort (the inner port when none
//   is given), as Docker Cloud published: the container port gets a hostPort, so the scheduler
//   keeps two containers of one host port on different nodes. The Service stays ClusterIP.
// One container port may be published on several outer ports ("80:80", "8080:80"): with a
// Service, as several Service ports with one target.
import type { V1ContainerPort, V1ServicePort } from '@kubernetes/client-node';
import { isPublished, portProtocol } from '../model/defaults.ts';
import type { Problem } from '../model/problem.ts';
import type { ContainerPort, ServiceSpec } from '../model/stack.ts';
import { servicePortName } from './names.ts';
import { DEFAULT_NODE_PORT_RANGE, type TranslateOptions } from './options.ts';

const lower = (s: string | undefined) => (s ?? '').toLowerCase();

function byPortThenTcpFirst(a: { port: number; proto: string }, b: { port: number; proto: string }): number {
  return a.port - b.port || (a.proto === b.proto ? 0 : a.proto === 'tcp' ? -1 : 1);
}

/** The host port a published port gets in HostPort mode: its outer port, else its inner port. */
export function hostPortOf(p: ContainerPort): number {
  return p.outerPort ?? p.innerPort;
}

/**
 * The container's ports, sorted, each container port once (server-side apply keys them by
 * number and protocol). Informational in Kubernetes, kept for `kubectl describe`, except in
 * HostPort mode, where a published port carries its hostPort.
 */
export function containerPortList(svc: ServiceSpec, options: Pick<TranslateOptions, 'publishMode'>): V1ContainerPort[] {
  const hostPorts = options.publishMode === 'HostPort';
  const byKey = new Map<string, { port: number; proto: string; hostPort?: number }>();
  for (const p of svc.containerPorts ?? []) {
    const proto = portProtocol(p);
    const key = `${p.innerPort}/${proto}`;
    const hostPort = hostPorts && isPublished(p) ? hostPortOf(p) : undefined;
    const existing = byKey.get(key);
    // The first published entry gives the host port (a second one is a problem: hostPortProblems).
    if (existing === undefined || (existing.hostPort === undefined && hostPort !== undefined))
      byKey.set(key, { port: p.innerPort, proto, ...(hostPort !== undefined && { hostPort }) });
  }
  return [...byKey.values()].sort(byPortThenTcpFirst).map((p) => ({
    containerPort: p.port,
    protocol: p.proto.toUpperCase(),
    ...(p.hostPort !== undefined && { hostPort: p.hostPort }),
  }));
}

/**
 * What HostPort mode cannot do: a container port on two host ports (Kubernetes keys a
 * container's ports by number and protocol, so one container port has one hostPort), and one
 * host port for two container ports.
 */
export function hostPortProblems(svc: ServiceSpec, options: Pick<TranslateOptions, 'publishMode'>): Problem[] {
  if (options.publishMode !== 'HostPort') return [];
  const problems: Problem[] = [];
  const byContainerPort = new Map<string, { index: number; hostPort: number }>();
  const byHostPort = new Map<string, number>();
  (svc.containerPorts ?? []).forEach((p, index) => {
    if (!isPublished(p)) return;
    const proto = portProtocol(p);
    const hostPort = hostPortOf(p);
    const field = `containerPorts[${index}].outerPort`;
    const first = byContainerPort.get(`${p.innerPort}/${proto}`);
    if (first !== undefined && first.hostPort !== hostPort) {
      problems.push({
        service: svc.name,
        field,
        message: `container port ${p.innerPort}/${proto} is already published on host port ${first.hostPort} (containerPorts[${first.index}]); with host ports (LONGSHORE_PUBLISHED_SERVICE_TYPE=HostPort) a container port has one host port`,
      });
      return;
    }
    const other = byHostPort.get(`${hostPort}/${proto}`);
    if (other !== undefined && first === undefined) {
      problems.push({
        service: svc.name,
        field,
        message: `host port ${hostPort}/${proto} is already published for containerPorts[${other}]`,
      });
      return;
    }
    byContainerPort.set(`${p.innerPort}/${proto}`, { index, hostPort });
    byHostPort.set(`${hostPort}/${proto}`, index);
  });
  return problems;
}

export interface ServiceShape {
  type: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  /** No ports at all: a headless Service (clusterIP None), so the name still resolves to the pods. */
  headless: boolean;
  ports: V1ServicePort[];
  /** For each published containerPorts entry (by index), the name of the Service port that publishes it. */
  outlets: ReadonlyMap<number, string>;
  problems: Problem[];
}

/** The Service a service gets: published ports decide its type, its ports come from containerPorts. */
export function serviceShape(svc: ServiceSpec, options: Pick<TranslateOptions, 'publishMode' | 'nodePortRange'>): ServiceShape {
  const ports = svc.containerPorts ?? [];
  const outlets = new Map<number, string>();
  if (ports.length === 0) return { type: 'ClusterIP', headless: true, ports: [], outlets, problems: [] };
  const published = ports.some(isPublished);
  const mode = options.publishMode;
  const type = published && mode !== 'HostPort' ? mode : 'ClusterIP';
  const problems: Problem[] = [];
  const entries = new Map<string, V1ServicePort & { index: number; publishes: boolean }>();
  const nodePorts = new Map<string, number>();
  const range = options.nodePortRange ?? DEFAULT_NODE_PORT_RANGE;

  const problem = (index: number, message: string) =>
    problems.push({ service: svc.name, field: `containerPorts[${index}].outerPort`, message });

  /** Adds a Service port; false when its number is taken already. */
  const add = (index: number, p: ContainerPort, port: number, publishes: boolean, nodePort?: number): boolean => {
    const proto = portProtocol(p);
    const key = `${port}/${proto}`;
    const existing = entries.get(key);
    if (existing !== undefined) {
      if (existing.targetPort !== p.innerPort)
        problem(
          index,
          `port ${key} would lead both to container port ${existing.targetPort} and to ${p.innerPort}; a Service port has one target`,
        );
      return false;
    }
    if (nodePort !== undefined) {
      const nodeKey = `${nodePort}/${proto}`;
      const other = nodePorts.get(nodeKey);
      if (other !== undefined) {
        problem(index, `outer port ${nodeKey} is already published for containerPorts[${other}]`);
        return true;
      }
      nodePorts.set(nodeKey, index);
    }
    const name = servicePortName(port, proto);
    entries.set(key, {
      index,
      publishes,
      name,
      protocol: proto.toUpperCase(),
      port,
      targetPort: p.innerPort,
      ...(nodePort !== undefined && { nodePort }),
    });
    if (publishes) outlets.set(index, name);
    return true;
  };

  /**
   * Publishes entry `index` on the first of `numbers` free as a Service port (or held by an
   * unpublished entry of the same container port, which this one then stands for).
   */
  const publish = (index: number, p: ContainerPort, numbers: readonly number[], nodePort?: number): boolean => {
    const proto = portProtocol(p);
    for (const port of numbers) {
      const existing = entries.get(`${port}/${proto}`);
      if (existing === undefined) return add(index, p, port, true, nodePort);
      if (existing.targetPort === p.innerPort && !existing.publishes) {
        entries.delete(`${port}/${proto}`);
        return add(index, p, port, true, nodePort);
      }
    }
    return false;
  };

  /**
   * NodePort: the Service port is the inner port (siblings reach it as in Docker). A second
   * outer port for the same container port needs a Service port of its own: its outer port's
   * number, else the next free one (Service ports are internal here; the node port is outside).
   */
  const publishOnNode = (index: number, p: ContainerPort) => {
    const outer = p.outerPort;
    const nodePort = outer !== undefined && outer >= range.min && outer <= range.max ? outer : undefined;
    const from = outer ?? p.innerPort;
    const spare = Array.from({ length: 64 }, (_, k) => ((from - 1 + k) % 65535) + 1);
    if (!publish(index, p, [p.innerPort, ...spare], nodePort))
      problem(index, `no free Service port is left to publish container port ${p.innerPort}/${portProtocol(p)} again`);
  };

  // Published entries first, so that an unpublished repetition of a container port (expose
  // next to ports) never takes the Service port a published one needs.
  const order = ports.map((p, i) => ({ p, i })).sort((a, b) => Number(isPublished(b.p)) - Number(isPublished(a.p)));
  for (const { p, i } of order) {
    if (!isPublished(p) || type === 'ClusterIP') {
      add(i, p, p.innerPort, false);
    } else if (type === 'NodePort') {
      publishOnNode(i, p);
    } else {
      // LoadBalancer: the balancer listens on the Service port, so that is the outer port; the
      // inner port is kept as well so that siblings reach the service as they did in Docker.
      const outer = p.outerPort ?? p.innerPort;
      if (!publish(i, p, [outer])) {
        const taken = entries.get(`${outer}/${portProtocol(p)}`);
        if (taken?.targetPort === p.innerPort) problem(i, `outer port ${outer}/${portProtocol(p)} is published twice`);
        else
          problem(
            i,
            `the balancer's port ${outer}/${portProtocol(p)} would lead both to container port ${taken?.targetPort} and to ${p.innerPort}; with LoadBalancer a Service port is reached from outside and inside alike`,
          );
      }
      if (outer !== p.innerPort) add(i, p, p.innerPort, false);
    }
  }

  const sorted = [...entries.values()]
    .sort((a, b) => byPortThenTcpFirst({ port: a.port, proto: lower(a.protocol) }, { port: b.port, proto: lower(b.protocol) }))
    .map(({ index: _index, publishes: _publishes, ...port }) => port);
  return { type, headless: false, ports: sorted, outlets, problems };
}
