// Conditions keep the time of their last change of status: a condition whose status stays the
// same keeps its lastTransitionTime even when its reason or message changes (Kubernetes API
// conventions). Conditions of other types (written by someone else) are kept as they are.
import type { Condition } from '../model/stack.ts';
import type { DerivedCondition } from './input.ts';

export function mergeConditions(
  old: readonly Condition[] | undefined,
  next: readonly DerivedCondition[],
  now: Date,
): Condition[] {
  const at = rfc3339(now);
  const merged = next.map((c): Condition => {
    const before = old?.find((o) => o.type === c.type);
    return {
      type: c.type,
      status: c.status,
      reason: c.reason,
      message: c.message,
      lastTransitionTime: before !== undefined && before.status === c.status ? before.lastTransitionTime : at,
      ...(c.observedGeneration !== undefined && { observedGeneration: c.observedGeneration }),
    };
  });
  const others = (old ?? []).filter((o) => !next.some((n) => n.type === o.type));
  return [...merged, ...others];
}

/** Kubernetes' time format: RFC 3339 in UTC, whole seconds. */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z');
}
