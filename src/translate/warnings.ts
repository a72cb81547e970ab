// What cannot be known from a stack, said rather than left to surprise: things a stack relied
// on from its images on Docker Cloud (VOLUME and EXPOSE lines), which Longshore never reads.
// Derived from the spec alone, so `longshore convert` prints the same warnings that the
// controller shows in the Stack's Warnings condition and Events. A warning blocks nothing.

import { linkAlias } from '../model/defaults.ts';
import type { Problem } from '../model/problem.ts';
import type { ServiceSpec, StackSpec } from '../model/stack.ts';
import { linkVariablePrefix } from './links.ts';

/** Whether a service has volumes to give: its own, or a sibling's it takes (cycles give none). */
function hasVolumes(byName: ReadonlyMap<string, ServiceSpec>, svc: ServiceSpec, seen: Set<string> = new Set()): boolean {
  if (seen.has(svc.name)) return false;
  seen.add(svc.name);
  return (svc.bindings ?? []).some((b) => {
    if (b.volumesFrom === undefined) return b.containerPath !== undefined;
    const sibling = byName.get(b.volumesFrom);
    return sibling !== undefined && hasVolumes(byName, sibling, seen);
  });
}

/**
 * The stack's warnings, in stack order, each naming the service and the spec field:
 * - volumes_from a sibling that declares no volumes mounts nothing (on Docker Cloud its
 *   image's VOLUME lines gave it some);
 * - a link to a sibling that lists no ports sets none of Docker's `ALIAS_PORT_*` variables
 *   (Docker set them for the ports its image EXPOSEs).
 * Links to another stack or to a plain Service are not judged here: their ports are known only
 * in the namespace.
 */
export function stackWarnings(spec: Pick<StackSpec, 'services'>): Problem[] {
  const byName = new Map(spec.services.map((s) => [s.name, s]));
  return spec.services.flatMap((svc) => {
    const out: Problem[] = [];
    svc.linkedToService?.forEach((link, j) => {
      const target = byName.get(link.toService);
      if (target === undefined || (target.containerPorts ?? []).length > 0) return;
      const prefix = linkVariablePrefix(linkAlias(link));
      out.push({
        service: svc.name,
        field: `linkedToService[${j}]`,
        message:
          `"${target.name}" lists no ports, so the link sets no ${prefix}_PORT_* variables ` +
          `(Docker set them for the ports its image EXPOSEs, which Longshore cannot read): ` +
          `list the ports "${target.name}" listens on (expose) if its users read those variables`,
      });
    });
    svc.bindings?.forEach((b, j) => {
      if (b.volumesFrom === undefined) return;
      const source = byName.get(b.volumesFrom);
      if (source === undefined || hasVolumes(byName, source)) return;
      out.push({
        service: svc.name,
        field: `bindings[${j}].volumesFrom`,
        message:
          `"${source.name}" declares no volumes, so nothing is mounted from it ` +
          `(on Docker Cloud they came from the VOLUME lines of its image, which Longshore cannot read): ` +
          `list those paths as volumes of "${source.name}"`,
      });
    });
    return out;
  });
}
