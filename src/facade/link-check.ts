// Links checked before a write, as the controller will resolve them: a link to another stack's
// service (`db.other`) needs that stack, with that service, in the namespace; a link to a name
// outside the stack needs a Service of that name there; aliases must not collide inside the
// stack. A request that fails gets a 400 naming the link, instead of a stack that can never
// run. Other stacks come from the cache; a plain Service is read from the API server (with
// Longshore's rights: the answer says only whether a Service of that name exists).
import type { FieldError } from '../model/errors.ts';
import { API_VERSION, KIND, type Stack, type StackSpec } from '../model/stack.ts';
import { stackContext } from '../translate/context.ts';
import { defaultTranslateOptions, MAX_PLAIN_LINK_TARGETS, type PlainService, plainLinkNames } from '../translate/index.ts';
import { planLinks } from '../translate/links.ts';

/** Reads a Service of a namespace as a link target; undefined when there is none. */
export type ServiceLookup = (namespace: string, name: string) => Promise<PlainService | undefined>;

export async function linkErrors(
  namespace: string,
  stackName: string,
  spec: StackSpec,
  stacks: readonly Stack[],
  lookupService: ServiceLookup,
): Promise<FieldError[]> {
  const stack: Stack = { apiVersion: API_VERSION, kind: KIND, metadata: { name: stackName, namespace }, spec };
  const plain = new Map<string, PlainService>();
  const names = plainLinkNames(stack);
  if (names.length > MAX_PLAIN_LINK_TARGETS)
    return [
      {
        field: 'services',
        message: `the links name ${names.length} different Services outside the stack; at most ${MAX_PLAIN_LINK_TARGETS} are allowed`,
      },
    ];
  for (const name of names) {
    const found = await lookupService(namespace, name);
    if (found !== undefined) plain.set(name, found);
  }
  const byName = new Map(stacks.map((s) => [s.metadata.name, s]));
  const ctx = stackContext(stack, '', defaultTranslateOptions, {
    stack: (name) => byName.get(name),
    plainService: (name) => plain.get(name),
    serviceAddresses: () => [],
    ownsClaim: () => false,
  });
  const index = new Map(spec.services.map((s, i) => [s.name, i]));
  return planLinks(ctx).problems.map((p) => ({ field: apiField(index.get(p.service) ?? 0, p.field), message: p.message }));
}

/** `linkedToService[1].toService` of service 2 → `services[2].linked_to_service[1].to_service`. */
function apiField(service: number, field: string): string {
  const api = field.replace('linkedToService', 'linked_to_service').replace('.toService', '.to_service');
  return `services[${service}].${api}`;
}
