// A service's workload: a Deployment, or a DaemonSet for EVERY_NODE. Stopped and never-started
// stacks keep their workloads with no pods: a Deployment at 0 replicas; a DaemonSet cannot be
// scaled, so its pods select a node label no node has (see podTemplate).
import type { V1PodTemplateSpec } from '@kubernetes/client-node';
import type { ServiceSpec } from '../model/stack.ts';
import type { StackContext } from './context.ts';
import { isPublished, targetNumContainers, workloadKind } from './defaults.ts';
import type { DaemonSetObject, DeploymentObject } from './kube-object.ts';
import { serviceLabels, serviceSelector } from './labels.ts';
import { serviceChildName } from './names.ts';
import type { TranslateOptions } from './options.ts';
import { stackOwnerReference } from './owner.ts';

export function workloadObject(
  ctx: StackContext,
  svc: ServiceSpec,
  template: V1PodTemplateSpec,
): DeploymentObject | DaemonSetObject {
  const metadata = {
    name: serviceChildName(ctx.stackName, svc.name),
    namespace: ctx.namespace,
    labels: serviceLabels(ctx.stackName, svc.name),
    ownerReferences: [stackOwnerReference(ctx.stack, ctx.uid)],
  };
  const selector = { matchLabels: serviceSelector(ctx.stackName, svc.name) };
  if (workloadKind(svc) === 'DaemonSet') {
    // sequentialDeployment needs nothing: a DaemonSet already replaces one pod at a time.
    return { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata, spec: { selector, template } };
  }
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata,
    spec: {
      replicas: ctx.running ? targetNumContainers(svc) : 0,
      selector,
      // sequentialDeployment: one pod at a time, never more than the target. Deployments have
      // no podManagementPolicy (a StatefulSet field), so the first start is not sequential.
      // Host ports: a new pod cannot start on a node whose old pod holds its host port, so
      // an old pod goes before a new one comes (else a rollout on a full cluster never ends).
      ...((svc.sequentialDeployment === true || holdsHostPorts(svc, ctx.options)) && {
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } },
      }),
      progressDeadlineSeconds: ctx.options.progressDeadlineSeconds,
      template,
    },
  };
}

/** Whether the service's pods take host ports (HostPort mode, a published port). */
function holdsHostPorts(svc: ServiceSpec, options: TranslateOptions): boolean {
  return options.publishMode === 'HostPort' && (svc.containerPorts ?? []).some(isPublished);
}
