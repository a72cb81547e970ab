// desiredObjects: everything a Stack should consist of in Kubernetes right now, as plain
// objects for server-side apply. Pure and deterministic: the same Stack and options give the
// same objects, fields and order, so applying them twice changes nothing.

import type { Problem } from '../model/problem.ts';
import type { ServiceSpec, Stack } from '../model/stack.ts';
import { lifecycle } from '../states/lifecycle.ts';
import { apiAccessObjects, apiTokenSecret, hasGlobalRole } from './api-access.ts';
import { type StackContext, stackContext } from './context.ts';
import { stackDomainObjects } from './discovery.ts';
import { compareObjects, type KubeObject, type SecretObject } from './kube-object.ts';
import { planLinks, type ResolvedLink } from './links.ts';
import { defaultTranslateOptions, type TranslateOptions } from './options.ts';
import { podTemplate } from './pod-template.ts';
import { serviceObject } from './service.ts';
import { EMPTY_SURROUNDINGS, type Surroundings } from './surroundings.ts';
import { type ServiceVolumes, serviceVolumes, volumeGroups } from './volumes.ts';
import { stackWarnings } from './warnings.ts';
import { workloadObject } from './workload.ts';

export interface Translation {
  /** Objects of the services that could be translated, claims first, workloads last. */
  objects: KubeObject[];
  /**
   * What could not be translated, in stack order. A service with a problem has no objects in
   * `objects`; its existing children must be left alone (not applied, not pruned), see
   * blockedServices. A problem with service '' concerns the whole stack: apply nothing.
   */
  problems: Problem[];
  /** What the user must know but blocks nothing (a linked stack that is stopped), in stack order. */
  notices: Problem[];
  /**
   * The token Secret of the stack's ServiceAccount, when a service has the global role: created
   * once, never applied or read (Longshore may not read Secrets; see api-access.ts).
   */
  tokenSecret?: SecretObject;
  /** What cannot be known from the spec (stackWarnings): shown in the Warnings condition, in stack order. */
  warnings: Problem[];
}

/**
 * Lifecycle: never started → workloads with no pods, Services and claims (definitions
 * exist); Running → pods at target; Stopped → no pods, definitions kept; Terminated or being
 * deleted → nothing at all (the controller prunes everything, claims included).
 */
export function desiredObjects(
  stack: Stack,
  options: TranslateOptions = defaultTranslateOptions,
  surroundings: Surroundings = EMPTY_SURROUNDINGS,
): Translation {
  if (lifecycle(stack) === 'terminated') return { objects: [], problems: [], notices: [], warnings: [] };
  const uid = stack.metadata.uid;
  if (uid === undefined || uid === '')
    return {
      objects: [],
      problems: [
        { service: '', field: 'metadata.uid', message: 'the Stack has no uid yet, so no child can name it as its owner' },
      ],
      notices: [],
      warnings: stackWarnings(stack.spec),
    };

  const ctx = stackContext(stack, uid, options, surroundings);
  const services = stack.spec.services;
  const problems = new Map<string, Problem[]>(services.map((s) => [s.name, []]));
  const report = (p: Problem) => problems.get(p.service)?.push(p);

  const links = planLinks(ctx);
  links.problems.forEach(report);
  const volumesOf = new Map(services.map((s) => [s.name, serviceVolumes(ctx, s)]));
  const groups = volumeGroups(new Map([...volumesOf].map(([name, v]) => [name, v.colocateWith])));
  const objectsOf = new Map<string, KubeObject[]>();
  for (const svc of services) {
    const translated = serviceObjects(
      ctx,
      svc,
      volumesOf.get(svc.name) ?? serviceVolumes(ctx, svc),
      links.links.filter((l) => l.linker === svc.name),
      groups.get(svc.name),
    );
    translated.problems.forEach(report);
    objectsOf.set(svc.name, translated.objects);
  }
  const blocked = blockVolumeDependents(services, problems);
  const apiAccess = services.some(hasGlobalRole);

  const objects: KubeObject[] = [
    ...(services.length > 0 ? stackDomainObjects(ctx, links.names) : []),
    ...(apiAccess ? apiAccessObjects(ctx) : []),
    ...services.filter((s) => !blocked.has(s.name)).flatMap((s) => objectsOf.get(s.name) ?? []),
  ];
  return {
    objects: objects.sort(compareObjects),
    problems: services.flatMap((s) => problems.get(s.name) ?? []),
    notices: links.notices,
    ...(apiAccess && { tokenSecret: apiTokenSecret(ctx) }),
    warnings: stackWarnings(stack.spec),
  };
}

/** The names of the services whose children must be neither applied nor pruned. */
export function blockedServices(translation: Translation): Set<string> {
  return new Set(translation.problems.map((p) => p.service));
}

/** One service's objects: its claims, its Service and its workload (a Job only while it is to run). */
function serviceObjects(
  ctx: StackContext,
  svc: ServiceSpec,
  volumes: ServiceVolumes,
  links: readonly ResolvedLink[],
  volumeGroup: string | undefined,
): { objects: KubeObject[]; problems: Problem[] } {
  const service = serviceObject(ctx, svc);
  const pod = podTemplate(ctx, svc, volumes, links, volumeGroup);
  const workload = workloadObject(ctx, svc, pod.template);
  return {
    objects: [...volumes.claims, service.object, ...(workload === undefined ? [] : [workload])],
    problems: [...volumes.problems, ...service.problems, ...pod.problems],
  };
}

/**
 * A service that takes volumes from a blocked service is blocked too: the claims it would
 * mount are not created. Repeats until nothing changes, so chains are followed.
 */
function blockVolumeDependents(services: readonly ServiceSpec[], problems: Map<string, Problem[]>): Set<string> {
  const blocked = new Set(services.filter((s) => (problems.get(s.name)?.length ?? 0) > 0).map((s) => s.name));
  let changed = true;
  while (changed) {
    changed = false;
    for (const svc of services) {
      if (blocked.has(svc.name)) continue;
      const j = svc.bindings?.findIndex((b) => b.volumesFrom !== undefined && blocked.has(b.volumesFrom)) ?? -1;
      if (j < 0) continue;
      const source = svc.bindings?.[j]?.volumesFrom;
      problems.get(svc.name)?.push({
        service: svc.name,
        field: `bindings[${j}].volumesFrom`,
        message: `takes volumes from "${source}", which cannot be deployed until its own problems are fixed`,
      });
      blocked.add(svc.name);
      changed = true;
    }
  }
  return blocked;
}
