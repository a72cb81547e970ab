// Kubernetes Services: one per stack service, named exactly as the service, so every service
// resolves by name whether or not it has ports; and one per link alias that names something
// else than its target.
import type { V1Service } from '@kubernetes/client-node';
import type { ServiceSpec } from '../model/stack.ts';
import type { StackContext } from './context.ts';
import type { ServiceObject } from './kube-object.ts';
import { LABEL_LINK_TARGET, serviceLabels, serviceSelector } from './labels.ts';
import type { LinkAliasService } from './links.ts';
import { stackOwnerReference } from './owner.ts';
import { internalServicePorts, serviceShape } from './ports.ts';
import type { Problem } from './problem.ts';

export function serviceObject(ctx: StackContext, svc: ServiceSpec): { object: ServiceObject; problems: Problem[] } {
  const shape = serviceShape(svc, ctx.options);
  const object: ServiceObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: svc.name,
      namespace: ctx.namespace,
      labels: serviceLabels(ctx.stackName, svc.name),
      ownerReferences: [stackOwnerReference(ctx.stack, ctx.uid)],
    },
    spec: {
      type: shape.type,
      ...(shape.headless && { clusterIP: 'None' }),
      selector: serviceSelector(ctx.stackName, svc.name),
      ...(shape.ports.length > 0 && { ports: shape.ports }),
    },
  };
  return { object, problems: shape.problems };
}

/**
 * The Service that makes a link alias resolve: the target's selector and container ports
 * (headless when it has none). It belongs to the first linking service, whose labels it
 * carries, so that it is kept or pruned with that service; LABEL_LINK_TARGET names the target.
 */
export function aliasServiceObject(
  ctx: StackContext,
  alias: LinkAliasService,
  linker: string,
  target: ServiceSpec,
): ServiceObject {
  const ports = internalServicePorts(target);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: alias.name,
      namespace: ctx.namespace,
      labels: { ...serviceLabels(ctx.stackName, linker), [LABEL_LINK_TARGET]: target.name },
      ownerReferences: [stackOwnerReference(ctx.stack, ctx.uid)],
    },
    spec: {
      type: 'ClusterIP',
      ...(ports.length === 0 && { clusterIP: 'None' }),
      selector: serviceSelector(ctx.stackName, target.name),
      ...(ports.length > 0 && { ports }),
    },
  };
}

/**
 * Whether an existing Service must be deleted and created again to become `desired`: a
 * Service's clusterIP cannot change, so a service that gains its first port (headless to
 * ClusterIP) or loses its last one (ClusterIP to headless) cannot be applied in place.
 */
export function serviceNeedsRecreate(existing: V1Service, desired: ServiceObject): boolean {
  const wasHeadless = existing.spec?.clusterIP === 'None';
  const isHeadless = desired.spec?.clusterIP === 'None';
  return wasHeadless !== isHeadless;
}
