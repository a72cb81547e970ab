// The order in which the façade lists stacks: oldest first, then by name (then namespace), so
// that pages do not shift between requests.
import type { Stack } from '../model/stack.ts';

/** Stacks in creation order, then by name: each date parsed once, not once per comparison. */
export function sortByCreation(stacks: readonly Stack[]): Stack[] {
  return stacks
    .map((stack) => ({ stack, at: createdAt(stack) }))
    .sort(
      (x, y) =>
        x.at - y.at ||
        compare(x.stack.metadata.name, y.stack.metadata.name) ||
        compare(x.stack.metadata.namespace, y.stack.metadata.namespace),
    )
    .map((x) => x.stack);
}

// Names are DNS labels (ASCII): code-unit order, without localeCompare's cost.
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function createdAt(stack: Stack): number {
  const t = stack.metadata.creationTimestamp;
  return t === undefined ? 0 : new Date(t).getTime() || 0;
}
