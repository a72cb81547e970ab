// Docker Cloud's defaults for service fields the user left out. The stored spec keeps fields
// absent (see src/model/stack.ts); the translation reads them through these functions only.
import type { ContainerPort, ServiceSpec } from './stack.ts';

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

/**
 * Whether a container that exits is started again. Absent, a service restarts ALWAYS
 * (Longshore's default since its first release, for the servers most stack files describe),
 * unless it asks for its ended containers to be removed (autodestroy ON_SUCCESS or ALWAYS):
 * such a service is meant to end, so it gets Docker Cloud's own default, OFF.
 */
export function restartPolicy(svc: ServiceSpec): NonNullable<ServiceSpec['autorestart']> {
  if (svc.autorestart !== undefined) return svc.autorestart;
  return svc.autodestroy === 'ON_SUCCESS' || svc.autodestroy === 'ALWAYS' ? 'OFF' : 'ALWAYS';
}

/** Docker Cloud: autodestroy defaults to OFF (ended containers stay). */
export function autodestroy(svc: ServiceSpec): NonNullable<ServiceSpec['autodestroy']> {
  return svc.autodestroy ?? 'OFF';
}

/**
 * A service always restarted runs as a Deployment (a DaemonSet for EVERY_NODE, one container
 * per node); one whose containers may end (autorestart OFF or ON_FAILURE) as a Job.
 */
export function workloadKind(svc: ServiceSpec): 'Deployment' | 'DaemonSet' | 'Job' {
  if (restartPolicy(svc) !== 'ALWAYS') return 'Job';
  return deploymentStrategy(svc) === 'EVERY_NODE' ? 'DaemonSet' : 'Deployment';
}

/** The link alias: the name given, else the target service's name (as Docker does). */
export function linkAlias(link: { toService: string; name?: string | undefined }): string {
  return link.name ?? link.toService;
}
