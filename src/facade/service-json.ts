// A stack's service as Docker Cloud's (read-only here) Service API shows it: the service's API
// fields from the model's conversion, plus identity, state and counts. `docker-cloud service ps`
// reads name, uuid, state, synchronized, current_num_containers, image_name,
// deployed_datetime, public_dns and stack; Go decodes tags as `[{"name": ...}]`.

import { serviceToApi } from '../dockercloud/api-fields.ts';
import { isPublished, portProtocol } from '../model/defaults.ts';
import type { PublishedPortStatus, ServiceSpec, Stack } from '../model/stack.ts';
import { isSynchronized, reportedServiceState } from '../states/presented.ts';
import { stackDomainName } from '../translate/names.ts';
import { dockerCloudDate } from './dates.ts';
import { serviceUri, stackUri } from './paths.ts';
import { serviceUuid } from './uuid5.ts';

export type ServiceJson = Record<string, unknown> & {
  uuid: string;
  name: string;
  state: string;
  resource_uri: string;
  stack: string;
};

export function serviceToJson(stack: Stack, svc: ServiceSpec): ServiceJson {
  const namespace = stack.metadata.namespace;
  const uid = stack.metadata.uid ?? '';
  const status = stack.status?.services?.find((s) => s.name === svc.name);
  const api = serviceToApi(svc) as Record<string, unknown>;
  const uriOf = (name: string) => serviceUri(namespace, serviceUuid(uid, name));
  return {
    ...api,
    tags: (svc.tags ?? []).map((name) => ({ name })),
    ...(svc.containerPorts !== undefined && { container_ports: containerPortsJson(svc, status?.publishedPorts ?? []) }),
    uuid: serviceUuid(uid, svc.name),
    resource_uri: uriOf(svc.name),
    name: svc.name,
    image_name: svc.image,
    image_tag: imageTag(svc.image),
    state: reportedServiceState(status),
    synchronized: isSynchronized(stack),
    current_num_containers: status?.currentContainers ?? 0,
    running_num_containers: status?.readyContainers ?? 0,
    // Containers that exited and were not restarted (a one-shot's, kept unless autodestroy).
    stopped_num_containers: status?.endedContainers ?? 0,
    target_num_containers: svc.targetNumContainers ?? 1,
    deployed_datetime: dockerCloudDate(stack.status?.deployedAt),
    started_datetime: dockerCloudDate(stack.status?.deployedAt),
    stopped_datetime: null,
    destroyed_datetime: dockerCloudDate(stack.status?.destroyedAt),
    // The service's name in its stack's DNS domain (translate/discovery.ts), as Docker Cloud's
    // <service>.<stack>.<...>.svc.dockerapp.io.
    public_dns: `${svc.name}.${stackDomainName(stack.metadata.name)}.${namespace}.svc`,
    stack: stackUri(namespace, uid),
    containers: [],
    link_variables: {},
    linked_from_service: stack.spec.services.flatMap((from) =>
      (from.linkedToService ?? [])
        .filter((link) => link.toService === svc.name)
        .map((link) => ({ from_service: uriOf(from.name), to_service: uriOf(svc.name), name: link.name ?? link.toService })),
    ),
  };
}

/**
 * Docker Cloud's container_ports: a published port's outer_port is where it is reachable (the
 * node port the cluster allocated, from the Stack's status), not merely the one asked for;
 * endpoint_uri is `tcp://address:port/` where one address reaches it (a balancer's), else
 * null (NodePort: any node's address; HostPort: the node running the container).
 */
function containerPortsJson(svc: ServiceSpec, reachable: readonly PublishedPortStatus[]): Record<string, unknown>[] {
  const left = [...reachable];
  return (svc.containerPorts ?? []).map((p) => {
    const protocol = portProtocol(p);
    const published = isPublished(p);
    const at = published
      ? left.findIndex((r) => r.protocol === protocol && r.innerPort === p.innerPort && r.requestedOuterPort === p.outerPort)
      : -1;
    const seen = at >= 0 ? left.splice(at, 1)[0] : undefined;
    const outer = seen?.outerPort ?? p.outerPort ?? null;
    return {
      protocol,
      inner_port: p.innerPort,
      outer_port: published ? outer : null,
      published,
      endpoint_uri: seen?.address !== undefined && outer !== null ? `${protocol}://${seen.address}:${outer}/` : null,
    };
  });
}

/** The tag of an image reference ("latest" when it names none; a digest counts as none). */
export function imageTag(image: string): string {
  const lastPart = image.slice(image.lastIndexOf('/') + 1);
  if (lastPart.includes('@')) return '';
  const colon = lastPart.lastIndexOf(':');
  return colon === -1 ? 'latest' : lastPart.slice(colon + 1);
}
