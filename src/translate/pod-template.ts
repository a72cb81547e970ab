// The pod template of a service's workload: its container, volumes, networking, scheduling,
// and the Docker Cloud settings Kubernetes has no field for, recorded as annotations. The
// template is checked against the Pod Security level of the stack's namespace: a service whose
// pods that level forbids is a problem, and nothing is applied for it.

import { isIP } from 'node:net';
import type { V1Affinity, V1HostAlias, V1PodSpec, V1PodTemplateSpec, V1TopologySpreadConstraint } from '@kubernetes/client-node';
import { deploymentStrategy, workloadKind } from '../model/defaults.ts';
import type { Problem } from '../model/problem.ts';
import type { ServiceSpec } from '../model/stack.ts';
import { pinnedReference } from '../registry/reference.ts';
import { podTemplateRevision } from '../states/revision.ts';
import { apiEnvironment, hasGlobalRole } from './api-access.ts';
import { container } from './container.ts';
import type { StackContext } from './context.ts';
import { podDns } from './discovery.ts';
import { containerEnvironment } from './environment.ts';
import {
  ANNOTATION_AUTODESTROY,
  ANNOTATION_AUTOREDEPLOY,
  ANNOTATION_AUTORESTART,
  ANNOTATION_REDEPLOY_REVISION,
  ANNOTATION_ROLES,
  ANNOTATION_TAGS,
  LABEL_STACK,
  LABEL_STOPPED_NODE,
  LABEL_VOLUME_GROUP,
  serviceLabels,
  serviceSelector,
} from './labels.ts';
import type { ResolvedLink } from './links.ts';
import { apiAccessName } from './names.ts';
import {
  DEFAULT_POD_SECURITY_LEVEL,
  levelAllowing,
  POD_SECURITY_ENFORCE_LABEL,
  type PodSecurityLevel,
  type PodSecurityViolation,
  podSecurityViolations,
  restrictedDefaults,
} from './pod-security.ts';
import { tagNodeSelector } from './tags.ts';
import { userPodMetadata } from './user-labels.ts';
import type { ServiceVolumes } from './volumes.ts';

const HOSTNAME_TOPOLOGY = 'kubernetes.io/hostname';
const ZONE_TOPOLOGY = 'topology.kubernetes.io/zone';

export function podTemplate(
  ctx: StackContext,
  svc: ServiceSpec,
  volumes: ServiceVolumes,
  links: readonly ResolvedLink[],
  /** The group of services sharing volumes this one belongs to (volumeGroups), if any. */
  volumeGroup?: string,
): { template: V1PodTemplateSpec; problems: Problem[] } {
  const problems: Problem[] = [];
  const api = hasGlobalRole(svc);
  const environment = containerEnvironment(svc, links, api ? apiEnvironment(ctx) : []);
  problems.push(...environment.problems);
  const digest = ctx.surroundings.imageDigest?.(svc.name);
  const image = digest === undefined ? svc.image : pinnedReference(svc.image, digest);
  const main = container(svc, ctx.options, environment.env, volumes.mounts, image);
  problems.push(...main.problems);
  const user = userPodMetadata(svc);
  problems.push(...user.problems);

  const level = ctx.surroundings.podSecurityLevel ?? DEFAULT_POD_SECURITY_LEVEL;
  const hostNetwork = svc.net === 'host';
  const hostPID = svc.pid === 'host';
  const dns = podDns(ctx, svc, hostNetwork);
  const hostAliases = extraHosts(svc, problems);
  const stoppedDaemonSet = workloadKind(svc) === 'DaemonSet' && !ctx.running;
  const tags = tagNodeSelector(svc);
  problems.push(...tags.problems);
  const nodeSelector = { ...tags.selector, ...(stoppedDaemonSet && { [LABEL_STOPPED_NODE]: 'true' }) };
  const affinity = volumeGroup === undefined ? undefined : colocation(ctx, volumeGroup);
  const spread = deploymentStrategy(svc) === 'HIGH_AVAILABILITY' ? highAvailabilitySpread(ctx, svc) : [];

  const asked: V1PodSpec = {
    // What Deployments and DaemonSets allow; a service whose containers may end runs as a Job,
    // which sets its own (see workload.ts).
    restartPolicy: 'Always',
    containers: [main.container],
    ...(volumes.volumes.length > 0 && { volumes: volumes.volumes }),
    ...(svc.hostname !== undefined && { hostname: svc.hostname }),
    ...(hostNetwork && { hostNetwork: true }),
    ...(hostPID && { hostPID: true }),
    ...(dns.policy !== undefined && { dnsPolicy: dns.policy }),
    dnsConfig: dns.config,
    ...(hostAliases.length > 0 && { hostAliases }),
    // Docker set link variables for linked services only; Kubernetes would add variables for
    // every Service of the namespace, which can clash with the link variables.
    enableServiceLinks: false,
    // The global role: the pods run as the stack's ServiceAccount, which may read the
    // namespace's Stacks (api-access.ts), and get its projected token; other pods get no token.
    ...(api && { serviceAccountName: apiAccessName(ctx.stackName) }),
    automountServiceAccountToken: api,
    // Tags (tags.ts): only nodes carrying every tag take the pods.
    ...(Object.keys(nodeSelector).length > 0 && { nodeSelector }),
    ...(affinity !== undefined && { affinity }),
    ...(spread.length > 0 && { topologySpreadConstraints: spread }),
  };
  // Restricted namespaces: the settings that level requires, where the service does not say
  // otherwise, so that an ordinary service runs there.
  const spec = level === 'restricted' ? restrictedDefaults(asked) : asked;
  const annotations = sortKeys({ ...user.annotations, ...settingAnnotations(ctx, svc) });
  for (const v of podSecurityViolations(spec, level, annotations)) problems.push(podSecurityProblem(ctx, svc, volumes, level, v));

  return {
    template: {
      metadata: {
        // Docker labels are annotations (user-labels.ts): a stack's pods carry no label that a
        // selector it does not own could match.
        labels: {
          ...serviceLabels(ctx.stackName, svc.name),
          ...(volumeGroup !== undefined && { [LABEL_VOLUME_GROUP]: volumeGroup }),
        },
        annotations,
      },
      spec,
    },
    problems,
  };
}

/**
 * A Pod Security violation as a problem of the service: the service's own field that asked
 * for it (`privileged`, `bindings[0].hostPath`, `net`, ...), the rule, the namespace's level,
 * and what a cluster administrator would do to allow it.
 */
function podSecurityProblem(
  ctx: StackContext,
  svc: ServiceSpec,
  volumes: ServiceVolumes,
  level: PodSecurityLevel,
  v: PodSecurityViolation,
): Problem {
  return {
    service: svc.name,
    field: serviceField(v.field, volumes, svc),
    message:
      `${v.rule} ${ctx.namespace === '' ? 'in a namespace' : `in namespace "${ctx.namespace}",`} whose Pod Security level is "${level}" (${v.field}); ` +
      `a cluster administrator can allow it by labelling the namespace ${POD_SECURITY_ENFORCE_LABEL}=${levelAllowing(v)}`,
  };
}

/** The service field a pod template field comes from. */
function serviceField(podField: string, volumes: ServiceVolumes, svc: ServiceSpec): string {
  if (podField === 'spec.hostNetwork') return 'net';
  if (podField === 'spec.hostPID') return 'pid';
  const volume = /^spec\.volumes\[(\d+)\]/.exec(podField);
  if (volume !== null) {
    const name = volumes.volumes[Number(volume[1])]?.name;
    return (name !== undefined ? volumes.volumeFields[name] : undefined) ?? 'bindings';
  }
  const container =
    /^spec\.(?:containers\[0\]\.)?securityContext\.(privileged|capabilities\.add|capabilities\.drop|runAsUser|runAsNonRoot)$/.exec(
      podField,
    );
  switch (container?.[1]) {
    case 'privileged':
      return 'privileged';
    case 'capabilities.add':
      return 'capAdd';
    case 'capabilities.drop':
      return 'capDrop';
    case 'runAsUser':
    case 'runAsNonRoot':
      return svc.user !== undefined ? 'user' : podField;
  }
  if (/^spec\.containers\[0\]\.ports\[/.test(podField)) return 'containerPorts';
  return podField;
}

/** Annotations for what Kubernetes cannot act on, and the redeploy revision that forces a rollout. */
function settingAnnotations(ctx: StackContext, svc: ServiceSpec): Record<string, string> {
  const sorted = (values: readonly string[]) => [...new Set(values)].sort().join(',');
  return {
    [ANNOTATION_REDEPLOY_REVISION]: podTemplateRevision(ctx.redeployRevision, ctx.serviceRevisions[svc.name]),
    ...(svc.autorestart !== undefined && { [ANNOTATION_AUTORESTART]: svc.autorestart }),
    ...(svc.autodestroy !== undefined && { [ANNOTATION_AUTODESTROY]: svc.autodestroy }),
    ...(svc.autoredeploy !== undefined && { [ANNOTATION_AUTOREDEPLOY]: String(svc.autoredeploy) }),
    ...(svc.tags !== undefined && svc.tags.length > 0 && { [ANNOTATION_TAGS]: sorted(svc.tags) }),
    ...(svc.roles !== undefined && svc.roles.length > 0 && { [ANNOTATION_ROLES]: sorted(svc.roles) }),
  };
}

/** extraHosts "name:ip" → hostAliases, one per address (sorted), names in the order given. */
function extraHosts(svc: ServiceSpec, problems: Problem[]): V1HostAlias[] {
  const byIp = new Map<string, string[]>();
  svc.extraHosts?.forEach((entry, i) => {
    const colon = entry.indexOf(':');
    const hostname = entry.slice(0, colon);
    const ip = entry.slice(colon + 1);
    if (isIP(ip) === 0) {
      problems.push({
        service: svc.name,
        field: `extraHosts[${i}]`,
        message: `"${ip}" is not an IP address (Kubernetes host aliases need one)`,
      });
      return;
    }
    const names = byIp.get(ip) ?? [];
    if (!names.includes(hostname)) names.push(hostname);
    byIp.set(ip, names);
  });
  return [...byIp.keys()].sort().map((ip) => ({ ip, hostnames: byIp.get(ip) ?? [] }));
}

/**
 * volumes_from: every service of a group sharing (ReadWriteOnce) volumes runs on one node. One
 * term on the group's label: the first pod of the group goes anywhere (a pod that matches its
 * own term may start the group), the others follow it.
 */
function colocation(ctx: StackContext, volumeGroup: string): V1Affinity {
  return {
    podAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [
        {
          labelSelector: { matchLabels: { [LABEL_STACK]: ctx.stackName, [LABEL_VOLUME_GROUP]: volumeGroup } },
          topologyKey: HOSTNAME_TOPOLOGY,
        },
      ],
    },
  };
}

/** HIGH_AVAILABILITY: spread over nodes and zones, as a preference (Docker Cloud never refused to deploy). */
function highAvailabilitySpread(ctx: StackContext, svc: ServiceSpec): V1TopologySpreadConstraint[] {
  return [HOSTNAME_TOPOLOGY, ZONE_TOPOLOGY].map((topologyKey) => ({
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable: 'ScheduleAnyway',
    labelSelector: { matchLabels: serviceSelector(ctx.stackName, svc.name) },
  }));
}

function sortKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
