// What a stack's links name outside the stack, read from its spec alone: the controller uses
// these to know which stacks depend on which, and which plain Services to look up.
import type { Stack } from '../model/stack.ts';

/**
 * How many different plain Services a stack's links may name: each is a read of the API
 * server (façade and controller), so a request naming thousands would make thousands.
 */
export const MAX_PLAIN_LINK_TARGETS = 32;

/** The names the links give that are neither a sibling nor `service.stack`: plain Services, perhaps. */
export function plainLinkNames(stack: Stack): string[] {
  const siblings = new Set(stack.spec.services.map((s) => s.name));
  const names = new Set<string>();
  for (const svc of stack.spec.services)
    for (const link of svc.linkedToService ?? [])
      if (!link.toService.includes('.') && !siblings.has(link.toService)) names.add(link.toService);
  return [...names].sort();
}

/** The keys (namespace/name) of the other stacks the links name as `service.stack`. */
export function linkedStackKeys(stack: Stack): string[] {
  const keys = new Set<string>();
  for (const svc of stack.spec?.services ?? [])
    for (const link of svc.linkedToService ?? []) {
      const dot = link.toService.indexOf('.');
      const other = dot < 0 ? '' : link.toService.slice(dot + 1);
      if (other !== '' && other !== stack.metadata.name) keys.add(`${stack.metadata.namespace}/${other}`);
    }
  return [...keys].sort();
}
