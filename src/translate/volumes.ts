// Bindings: Docker volumes and bind mounts as Kubernetes volumes.
//
// - containerPath alone (a Docker volume) → a PersistentVolumeClaim owned by the Stack, named
//   per stack, path and volumes generation (volumeClaimName), so a redeploy that reuses volumes
//   finds the same claim and one with a new volumesRevision gets new, empty claims. A claim an
//   earlier release named without the stack (legacyVolumeClaimName) is kept under that name.
// - hostPath + containerPath (a bind mount) → a hostPath volume, when the namespace's Pod
//   Security level allows it (privileged; see pod-security.ts).
// - volumesFrom → the sibling's volumes (its own and those it takes from others) at the same
//   paths, read-only when the binding says rewritable false, else as the sibling has them;
//   the pods are placed on a node running the sibling, as Docker Cloud did, since its claims
//   are ReadWriteOnce.
// Own bindings win over volumes taken from siblings at the same path; among siblings the later
// binding wins (Docker's order). Volumes an image declares (VOLUME) are not known here: Docker
// made anonymous volumes for them, Kubernetes leaves those paths in the container's filesystem.
import { posix } from 'node:path';
import type { V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import type { Problem } from '../model/problem.ts';
import type { ServiceSpec } from '../model/stack.ts';
import type { StackContext } from './context.ts';
import type { PersistentVolumeClaimObject } from './kube-object.ts';
import { ANNOTATION_CONTAINER_PATH, serviceLabels } from './labels.ts';
import { hostPathVolumeName, legacyVolumeClaimName, volumeClaimName } from './names.ts';
import { stackOwnerReference } from './owner.ts';

interface Mount {
  mountPath: string;
  readOnly: boolean;
  volume: V1Volume;
  /** The binding it comes from, relative to the service: `bindings[0].hostPath`. */
  field: string;
}

export interface ServiceVolumes {
  /** Claims this service's own bindings need. */
  claims: PersistentVolumeClaimObject[];
  volumes: V1Volume[];
  mounts: V1VolumeMount[];
  /**
   * The binding each pod volume comes from, by volume name (`bindings[0].hostPath`, or
   * `bindings[1].volumesFrom` for a sibling's): where a problem with a volume points.
   */
  volumeFields: Record<string, string>;
  /** Siblings whose volumes are mounted: the pods must run on a node where these run. */
  colocateWith: string[];
  problems: Problem[];
}

export function serviceVolumes(ctx: StackContext, svc: ServiceSpec): ServiceVolumes {
  const problems: Problem[] = [];
  const own = ownMounts(ctx, svc, problems);
  const byPath = new Map<string, Mount>();
  const colocateWith: string[] = [];

  svc.bindings?.forEach((b, j) => {
    if (b.volumesFrom === undefined) return;
    const source = b.volumesFrom;
    const inherited = mountsOf(ctx, source, [svc.name]);
    if (inherited.cycle !== undefined) {
      problems.push({
        service: svc.name,
        field: `bindings[${j}].volumesFrom`,
        message: `volumes_from goes round in a circle: ${inherited.cycle.join(' → ')}`,
      });
      return;
    }
    if (inherited.mounts.length > 0 && !colocateWith.includes(source)) colocateWith.push(source);
    for (const m of inherited.mounts) {
      byPath.set(m.mountPath, {
        ...m,
        readOnly: b.rewritable === undefined ? m.readOnly : !b.rewritable,
        field: `bindings[${j}].volumesFrom`,
      });
    }
  });
  for (const m of own) byPath.set(m.mountPath, m);

  const mounts = [...byPath.values()].sort((a, b) => compare(a.mountPath, b.mountPath));
  const volumes = new Map<string, V1Volume>();
  const volumeFields: Record<string, string> = {};
  for (const m of mounts) {
    volumes.set(m.volume.name, m.volume);
    volumeFields[m.volume.name] ??= m.field;
  }
  return {
    claims: ownClaims(ctx, svc),
    volumes: [...volumes.values()].sort((a, b) => compare(a.name, b.name)),
    mounts: mounts.map((m) => ({ name: m.volume.name, mountPath: m.mountPath, ...(m.readOnly && { readOnly: true }) })),
    volumeFields,
    colocateWith: colocateWith.sort(compare),
    problems,
  };
}

/** The mounts of a service's own bindings (no volumesFrom); problems only when asked for. */
function ownMounts(ctx: StackContext, svc: ServiceSpec, problems?: Problem[]): Mount[] {
  const mounts: Mount[] = [];
  const seen = new Map<string, number>();
  svc.bindings?.forEach((b, j) => {
    if (b.volumesFrom !== undefined || b.containerPath === undefined) return;
    const field = `bindings[${j}]`;
    const readOnly = b.rewritable === false;
    const mountPath = cleanPath(b.containerPath);
    if (mountPath === '/') {
      problems?.push({
        service: svc.name,
        field: `${field}.containerPath`,
        message: 'cannot mount a volume over the whole filesystem ("/")',
      });
      return;
    }
    const first = seen.get(mountPath);
    if (first !== undefined) {
      problems?.push({
        service: svc.name,
        field: `${field}.containerPath`,
        message: `${mountPath} is already mounted by bindings[${first}]`,
      });
      return;
    }
    seen.set(mountPath, j);
    if (b.hostPath !== undefined) {
      // Whether the namespace allows it is the pod's Pod Security check (pod-template.ts).
      // No type: Docker checks nothing either (and a path may be a file or a socket).
      const path = cleanPath(b.hostPath);
      mounts.push({
        mountPath,
        readOnly,
        volume: { name: hostPathVolumeName(path), hostPath: { path } },
        field: `${field}.hostPath`,
      });
      return;
    }
    const legacy = legacyVolumeClaimName(svc.name, mountPath, ctx.volumesRevision);
    const claimName = ctx.surroundings.ownsClaim(legacy)
      ? legacy
      : volumeClaimName(ctx.stackName, svc.name, mountPath, ctx.volumesRevision);
    mounts.push({
      mountPath,
      readOnly,
      volume: { name: claimName, persistentVolumeClaim: { claimName } },
      field: `${field}.containerPath`,
    });
  });
  return mounts;
}

/** All mounts of a service, those it takes from siblings included; `cycle` when volumes_from loops. */
function mountsOf(ctx: StackContext, name: string, path: string[]): { mounts: Mount[]; cycle?: string[] } {
  if (path.includes(name)) return { mounts: [], cycle: [...path, name] };
  const svc = ctx.services.get(name);
  if (svc === undefined) return { mounts: [] };
  const byPath = new Map<string, Mount>();
  for (const b of svc.bindings ?? []) {
    if (b.volumesFrom === undefined) continue;
    const inherited = mountsOf(ctx, b.volumesFrom, [...path, name]);
    if (inherited.cycle !== undefined) return inherited;
    for (const m of inherited.mounts)
      byPath.set(m.mountPath, { ...m, readOnly: b.rewritable === undefined ? m.readOnly : !b.rewritable });
  }
  for (const m of ownMounts(ctx, svc)) byPath.set(m.mountPath, m);
  return { mounts: [...byPath.values()] };
}

/** A claim for each of the service's own volumes (bindings with a container path and no host path). */
function ownClaims(ctx: StackContext, svc: ServiceSpec): PersistentVolumeClaimObject[] {
  return ownMounts(ctx, svc).flatMap((m): PersistentVolumeClaimObject[] => {
    const claimName = m.volume.persistentVolumeClaim?.claimName;
    if (claimName === undefined) return [];
    return [
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: {
          name: claimName,
          namespace: ctx.namespace,
          labels: serviceLabels(ctx.stackName, svc.name),
          annotations: { [ANNOTATION_CONTAINER_PATH]: m.mountPath },
          ownerReferences: [stackOwnerReference(ctx.stack, ctx.uid)],
        },
        spec: {
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: ctx.options.volumeSize } },
          ...(ctx.options.storageClassName !== undefined && { storageClassName: ctx.options.storageClassName }),
        },
      },
    ];
  });
}

/** A path as Docker uses it: `//`, `.` and `..` resolved, no trailing "/" (so /data/ is /data). */
export function cleanPath(path: string): string {
  const normal = posix.normalize(path);
  return normal.length > 1 ? normal.replace(/\/+$/, '') : normal;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The services that share volumes, as groups that must run on one node (their claims are
 * ReadWriteOnce): the connected parts of the volumes_from graph, following only the links that
 * mount something. Each member is mapped to its group's name, the first member's name in
 * sorted order; a service that shares nothing is absent. One group label per pod, selected by
 * one affinity term, because the scheduler needs one pod to match all terms at once: a service
 * taking volumes from two siblings, with a term for each, could never be placed.
 */
export function volumeGroups(colocateWith: ReadonlyMap<string, readonly string[]>): Map<string, string> {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let root = x;
    while (parent.get(root) !== undefined && parent.get(root) !== root) root = parent.get(root) as string;
    return root;
  };
  for (const [service, sources] of colocateWith) {
    for (const source of sources) {
      const [a, b] = [find(service), find(source)].sort(compare) as [string, string];
      parent.set(a, a);
      if (a !== b) parent.set(b, a);
    }
  }
  const groups = new Map<string, string>();
  for (const member of parent.keys()) groups.set(member, find(member));
  return groups;
}
