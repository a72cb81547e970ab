// Docker Cloud's defaults for service fields the user left out. The stored spec keeps fields
// absent (see src/model/stack.ts); the translation reads them through these functions only.
import type { ContainerPort, ServiceSpec } from '../model/stack.ts';

/** Docker Cloud: target_num_containers defaults to 1. */
export function targetNumContainers(svc: ServiceSpec): number {
  return svc.targetNumContainers ?? 1;
}

/** Docker Cloud: ports are tcp unless said otherwise. */
export function portProtocol(port: ContainerPort): 'tcp' | 'udp' {
  return port.protocol ?? 'tcp';
}

/** Docker Cloud: a port is not published unless said so. */
export function isPublished(port: ContainerPort): boolean {
  return port.published ?? false;
}

/** Docker Cloud: deployment_strategy defaults to EMPTIEST_NODE. */
export function deploymentStrategy(svc: ServiceSpec): NonNullable<ServiceSpec['deploymentStrategy']> {
  return svc.deploymentStrategy ?? 'EMPTIEST_NODE';
}

/** One container per node (EVERY_NODE) runs as a DaemonSet; everything else as a Deployment. */
export function workloadKind(svc: ServiceSpec): 'Deployment' | 'DaemonSet' {
  return deploymentStrategy(svc) === 'EVERY_NODE' ? 'DaemonSet' : 'Deployment';
}

/** The link alias: the name given, else the target service's name (as Docker does). */
export function linkAlias(link: { toService: string; name?: string | undefined }): string {
  return link.name ?? link.toService;
}
