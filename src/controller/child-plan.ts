// Which of a stack's children to apply and which to prune: the translation's objects, less
// those whose name an object Longshore does not own holds (and the rest of their service: half
// a service is no service); the owned children the spec no longer wants, less those of a
// blocked or held service. Reads only: a name not in the label-selected caches is looked up.
import type { KubernetesObject, V1PodTemplateSpec } from '@kubernetes/client-node';
import { CHILD_KINDS, type ChildKind } from '../kube/children.ts';
import type { Stack } from '../model/stack.ts';
import type { Conflict } from '../states/input.ts';
import { controlledBy } from '../translate/index.ts';
import { allBounded } from '../util/bounded.ts';
import { SERVICE_LABEL } from './caches.ts';
import type { Plan } from './plan.ts';
import { CHILD_CONCURRENCY, type ReconcileDeps } from './reconcile-deps.ts';

/** A desired child and what holds its name now. */
export interface ChildApply {
  obj: KubernetesObject;
  kind: ChildKind;
  /** As the label-selected cache has it: absent for an object we have not applied (or not seen yet). */
  cached: KubernetesObject | undefined;
  /** The cached copy, or one found by name without our labels. */
  existing: KubernetesObject | undefined;
}

/** An owned child the spec no longer wants. */
export interface ChildPrune {
  kind: ChildKind;
  child: KubernetesObject;
  service: string;
}

export interface ChildPlan {
  applies: ChildApply[];
  /** Names held by objects Longshore does not own, left alone (reported in status and Events). */
  conflicts: Conflict[];
  prunes: ChildPrune[];
}

export async function planChildren(stack: Stack, plan: Plan, deps: ReconcileDeps): Promise<ChildPlan> {
  const { namespace } = stack.metadata;
  const key = `${namespace}/${stack.metadata.name}`;
  // First look at every name the stack wants: one held by an object Longshore does not own
  // is left alone, and so is the rest of that service (half a service is no service).
  const looked = await allBounded(plan.translation.objects, CHILD_CONCURRENCY, async (obj) => {
    const kind = obj.kind as ChildKind;
    const cached = deps.caches.children[kind].get(`${obj.metadata?.namespace}/${obj.metadata?.name}`);
    // Not in our label-selected cache: it may still exist without our labels.
    const existing = cached ?? (await deps.clients[kind].find(namespace, obj.metadata!.name!));
    return { obj, kind, cached, existing };
  });
  const desired = new Set<string>();
  const conflicts: Conflict[] = [];
  const conflicted = new Set<string>();
  // The services whose pods run as the stack's ServiceAccount: with any of its API access
  // objects held by someone else, they would run as, or with the rights of, a stranger.
  const accessUsers = looked.filter((p) => runsAsServiceAccount(p.obj)).map((p) => serviceOf(p.obj));
  for (const { obj, kind, existing } of looked) {
    desired.add(`${kind}/${obj.metadata?.namespace}/${obj.metadata?.name}`);
    if (existing && !controlledBy(existing, stack.metadata.uid)) {
      const name = obj.metadata?.name ?? '';
      const services = ACCESS_KINDS.has(kind) ? accessUsers : [serviceOf(obj)];
      for (const service of services) conflicts.push({ kind, name, service });
      for (const group of [...groupsOf(obj), ...services]) conflicted.add(group);
    }
  }
  const held = (obj: KubernetesObject) => groupsOf(obj).some((g) => conflicted.has(g));

  // Prune owned children the spec no longer wants (a removed service, old volumes, a stop of
  // a terminated stack's workloads); a stack-wide problem keeps every child.
  const pruneNothing = plan.blocked.has('');
  const prunes = (pruneNothing ? [] : CHILD_KINDS).flatMap((kind) =>
    deps.caches.children[kind].byIndex('stack', key).flatMap((child) => {
      if (!controlledBy(child, stack.metadata.uid) || child.metadata?.deletionTimestamp) return [];
      const service = serviceOf(child);
      if (plan.blocked.has(service) || held(child)) return [];
      if (desired.has(`${kind}/${namespace}/${child.metadata?.name}`)) return [];
      return [{ kind, child, service }];
    }),
  );
  return { applies: looked.filter((p) => !held(p.obj)), conflicts, prunes };
}

/** The kinds of a stack's API access (roles: [global]): stack-level, one group of their own. */
const ACCESS_KINDS: ReadonlySet<string> = new Set(['ServiceAccount', 'Role', 'RoleBinding']);
/** The conflict group of the API access objects: no service may be named so (not a DNS label). */
const ACCESS_GROUP = '#api-access';

export const serviceOf = (obj: KubernetesObject) => obj.metadata?.labels?.[SERVICE_LABEL] ?? '';

/** A workload whose pods run as a ServiceAccount of the stack's (the global role). */
function runsAsServiceAccount(obj: KubernetesObject): boolean {
  const template = (obj as { spec?: { template?: V1PodTemplateSpec } }).spec?.template;
  return template?.spec?.serviceAccountName !== undefined;
}

/**
 * What an object is left alone with when a name is held by someone else: its service (the
 * stack's own objects: ''), or the API access objects as one group, which the workloads that
 * run as its ServiceAccount also belong to.
 */
function groupsOf(obj: KubernetesObject): string[] {
  if (ACCESS_KINDS.has(obj.kind ?? '')) return [ACCESS_GROUP];
  return runsAsServiceAccount(obj) ? [serviceOf(obj), ACCESS_GROUP] : [serviceOf(obj)];
}
