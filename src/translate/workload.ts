// A service's workload: a Deployment, or a DaemonSet for EVERY_NODE, for a service always
// restarted; a Job for one whose containers may end (autorestart OFF or ON_FAILURE). Stopped
// and never-started stacks keep their Deployments and DaemonSets with no pods: a Deployment at
// 0 replicas; a DaemonSet cannot be scaled, so its pods select a node label no node has (see
// podTemplate). A Job exists only while the stack is meant to run: each Job is one run, so
// stopping deletes it (its pods with it) and starting creates a fresh one, which runs again.
import type { V1PodTemplateSpec } from '@kubernetes/client-node';
import { deploymentStrategy, isPublished, restartPolicy, targetNumContainers, workloadKind } from '../model/defaults.ts';
import type { ServiceSpec } from '../model/stack.ts';
import type { StackContext } from './context.ts';
import type { DaemonSetObject, DeploymentObject, JobObject } from './kube-object.ts';
import { serviceLabels, serviceSelector } from './labels.ts';
import { serviceChildName } from './names.ts';
import type { TranslateOptions } from './options.ts';
import { stackOwnerReference } from './owner.ts';

/**
 * A Job's retries per container for ON_FAILURE, which Docker retries without a limit: the
 * largest backoffLimitPerIndex the API server takes. The Job controller waits between retries
 * (10 s doubling to 6 min), as the kubelet does between restarts of a crashing container.
 */
export const UNLIMITED_RETRIES = 2_147_483_647;

export function workloadObject(
  ctx: StackContext,
  svc: ServiceSpec,
  template: V1PodTemplateSpec,
): DeploymentObject | DaemonSetObject | JobObject | undefined {
  const metadata = {
    name: serviceChildName(ctx.stackName, svc.name),
    namespace: ctx.namespace,
    labels: serviceLabels(ctx.stackName, svc.name),
    ownerReferences: [stackOwnerReference(ctx.stack, ctx.uid)],
  };
  const selector = { matchLabels: serviceSelector(ctx.stackName, svc.name) };
  const kind = workloadKind(svc);
  if (kind === 'Job') return ctx.running ? jobObject(ctx, svc, metadata, template) : undefined;
  if (kind === 'DaemonSet') {
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

/**
 * One run of a service whose containers may end: an Indexed Job, one index per container
 * (parallelism and completions the target), each index retried on its own (backoffLimitPerIndex:
 * none for OFF; for ON_FAILURE the limit asked, on-failure:N, else unlimited), so one container failing ends no other, as on
 * Docker Cloud. Pods are never restarted in place (restartPolicy Never): a retry is a new Pod.
 * The Job stays once it has finished, as the record of the run (autodestroy removes its pods,
 * see the controller); nothing is left to run for a target of 0.
 *
 * EVERY_NODE: one container per schedulable node, each on a node of its own (a required pod
 * anti-affinity on the hostname among the service's pods), so every such node runs it once. A
 * node joining or leaving changes the count, and so the run: the Job is replaced and runs on
 * every node again (the one-shots this serves, installing keys or swap, are idempotent).
 */
function jobObject(
  ctx: StackContext,
  svc: ServiceSpec,
  metadata: JobObject['metadata'],
  template: V1PodTemplateSpec,
): JobObject | undefined {
  const perNode = deploymentStrategy(svc) === 'EVERY_NODE';
  const target = perNode ? (ctx.surroundings.schedulableNodes ?? 0) : targetNumContainers(svc);
  if (target === 0) return undefined;
  const spread = perNode
    ? {
        affinity: {
          ...template.spec?.affinity,
          podAntiAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: [
              {
                labelSelector: { matchLabels: serviceSelector(ctx.stackName, svc.name) },
                topologyKey: 'kubernetes.io/hostname',
              },
            ],
          },
        },
      }
    : {};
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata,
    spec: {
      completionMode: 'Indexed',
      completions: target,
      parallelism: target,
      backoffLimitPerIndex: restartPolicy(svc) === 'OFF' ? 0 : (svc.autorestartRetries ?? UNLIMITED_RETRIES),
      template: { ...template, spec: { ...template.spec!, ...spread, restartPolicy: 'Never' } },
    },
  };
}
