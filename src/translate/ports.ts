// Container ports and the ports of a service's Kubernetes Service.
//
// Inside the cluster a service is reached as in Docker: on its container (inner) ports, by
// name. Published ports are also reachable from outside: with NodePort on every node, at the
// outerPort when it lies in the node port range (else at a port the cluster picks); with
// LoadBalancer at the outerPort on the balancer's address.
import type { V1ContainerPort, V1ServicePort } from '@kubernetes/client-node';
import type { ContainerPort, ServiceSpec } from '../model/stack.ts';
import { isPublished, portProtocol } from './defaults.ts';
import { servicePortName } from './names.ts';
import { DEFAULT_NODE_PORT_RANGE, type TranslateOptions } from './options.ts';
import type { Problem } from './problem.ts';

const lower = (s: string | undefined) => (s ?? '').toLowerCase();

function byPortThenTcpFirst(a: { port: number; proto: string }, b: { port: number; proto: string }): number {
  return a.port - b.port || (a.proto === b.proto ? 0 : a.proto === 'tcp' ? -1 : 1);
}

/** The container's ports, sorted: informational in Kubernetes, but kept for `kubectl describe`. */
export function containerPortList(svc: ServiceSpec): V1ContainerPort[] {
  return (svc.containerPorts ?? [])
    .map((p) => ({ port: p.innerPort, proto: portProtocol(p) }))
    .sort(byPortThenTcpFirst)
    .map((p) => ({ containerPort: p.port, protocol: p.proto.toUpperCase() }));
}

export interface ServiceShape {
  type: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  /** No ports at all: a headless Service (clusterIP None), so the name still resolves to the pods. */
  headless: boolean;
  ports: V1ServicePort[];
  problems: Problem[];
}

/** The Service a service gets: published ports decide its type, its ports come from containerPorts. */
export function serviceShape(svc: ServiceSpec, options: TranslateOptions): ServiceShape {
  const ports = svc.containerPorts ?? [];
  if (ports.length === 0) return { type: 'ClusterIP', headless: true, ports: [], problems: [] };
  const published = ports.some(isPublished);
  const type = published ? options.publishedServiceType : 'ClusterIP';
  const problems: Problem[] = [];
  const entries = new Map<string, V1ServicePort & { index: number }>();
  const nodePorts = new Map<string, number>();

  const add = (index: number, p: ContainerPort, port: number, nodePort?: number) => {
    const proto = portProtocol(p);
    const key = `${port}/${proto}`;
    const existing = entries.get(key);
    if (existing !== undefined) {
      if (existing.targetPort !== p.innerPort)
        problems.push({
          service: svc.name,
          field: `containerPorts[${index}].outerPort`,
          message: `port ${key} would lead both to container port ${existing.targetPort} and to ${p.innerPort}; a Service port has one target`,
        });
      return;
    }
    if (nodePort !== undefined) {
      const nodeKey = `${nodePort}/${proto}`;
      const other = nodePorts.get(nodeKey);
      if (other !== undefined) {
        problems.push({
          service: svc.name,
          field: `containerPorts[${index}].outerPort`,
          message: `outer port ${nodeKey} is already published for containerPorts[${other}]`,
        });
        return;
      }
      nodePorts.set(nodeKey, index);
    }
    entries.set(key, {
      index,
      name: servicePortName(port, proto),
      protocol: proto.toUpperCase(),
      port,
      targetPort: p.innerPort,
      ...(nodePort !== undefined && { nodePort }),
    });
  };

  ports.forEach((p, i) => {
    if (!isPublished(p)) {
      add(i, p, p.innerPort);
    } else if (type === 'NodePort') {
      const outer = p.outerPort;
      const range = options.nodePortRange ?? DEFAULT_NODE_PORT_RANGE;
      const inRange = outer !== undefined && outer >= range.min && outer <= range.max;
      add(i, p, p.innerPort, inRange ? outer : undefined);
    } else {
      // LoadBalancer: the balancer listens on the Service port, so that is the outer port; the
      // inner port is kept as well so that siblings reach the service as they did in Docker.
      add(i, p, p.outerPort ?? p.innerPort);
      if (p.outerPort !== undefined && p.outerPort !== p.innerPort) add(i, p, p.innerPort);
    }
  });

  const sorted = [...entries.values()]
    .sort((a, b) => byPortThenTcpFirst({ port: a.port, proto: lower(a.protocol) }, { port: b.port, proto: lower(b.protocol) }))
    .map(({ index: _index, ...port }) => port);
  return { type, headless: false, ports: sorted, problems };
}
