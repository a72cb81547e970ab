// Kubernetes Services: one per stack service, named `<stack>-<service>` (serviceChildName), so
// that stacks in one namespace may share service names. It carries the service's ports (and
// publishes them); the names containers use are the stack's DNS names (discovery.ts).
import type { V1Service } from '@kubernetes/client-node';
import type { Problem } from '../model/problem.ts';
import type { ServiceSpec } from '../model/stack.ts';
import type { StackContext } from './context.ts';
import type { ServiceObject } from './kube-object.ts';
import { serviceLabels, serviceSelector } from './labels.ts';
import { serviceChildName } from './names.ts';
import { stackOwnerReference } from './owner.ts';
import { serviceShape } from './ports.ts';

export function serviceObject(ctx: StackContext, svc: ServiceSpec): { object: ServiceObject; problems: Problem[] } {
  const shape = serviceShape(svc, ctx.options);
  const object: ServiceObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: serviceChildName(ctx.stackName, svc.name),
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
 * Whether an existing Service must be deleted and created again to become `desired`: a
 * Service's clusterIP cannot change, so a service that gains its first port (headless to
 * ClusterIP) or loses its last one (ClusterIP to headless) cannot be applied in place.
 */
export function serviceNeedsRecreate(existing: V1Service, desired: ServiceObject): boolean {
  const wasHeadless = existing.spec?.clusterIP === 'None';
  const isHeadless = desired.spec?.clusterIP === 'None';
  return wasHeadless !== isHeadless;
}
