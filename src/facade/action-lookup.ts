// Finding an action by uuid. Action URIs carry no namespace or stack (the CLI polls
// `/api/audit/v1/action/<uuid>/`), so the action is looked up in the stacks' annotations.
// Actions written by this process are indexed (uuid → stack uid) so the common case, a CLI
// polling what it just did, is one map look-up; others (written by another replica or before a
// restart) are found by scanning the cache. The index also remembers what a terminate was
// for: once the controller removes a terminated stack, its terminate action still reads Success.
import type { Stack } from '../model/stack.ts';
import { ACTIONS_ANNOTATION, type ActionKind, type ActionRecord, readActions } from './actions.ts';
import type { StackView } from './stack-view.ts';

interface IndexEntry {
  stackUid: string;
  namespace: string;
  action: ActionKind;
  record: ActionRecord;
}

export type FoundAction =
  | { kind: 'live'; stack: Stack; record: ActionRecord; all: ActionRecord[] }
  | { kind: 'gone'; namespace: string; stackUid: string; record: ActionRecord };

export class ActionLookup {
  readonly #index = new Map<string, IndexEntry>();
  readonly #max: number;

  constructor(max = 10_000) {
    this.#max = max;
  }

  remember(stack: Stack, record: ActionRecord): void {
    const uid = stack.metadata.uid;
    if (uid === undefined) return;
    this.#index.delete(record.uuid);
    this.#index.set(record.uuid, { stackUid: uid, namespace: stack.metadata.namespace, action: record.action, record });
    if (this.#index.size > this.#max) {
      const oldest = this.#index.keys().next().value;
      if (oldest !== undefined) this.#index.delete(oldest);
    }
  }

  async find(view: StackView, uuid: string): Promise<FoundAction | undefined> {
    const entry = this.#index.get(uuid);
    if (entry !== undefined) {
      const stack = await view.byUid(entry.stackUid);
      if (stack === undefined)
        return { kind: 'gone', namespace: entry.namespace, stackUid: entry.stackUid, record: entry.record };
      const found = inStack(stack, uuid);
      if (found !== undefined) return found;
    }
    for (const stack of await view.listAll()) {
      // Cheap test before parsing: most stacks do not mention the uuid at all.
      if (!stack.metadata.annotations?.[ACTIONS_ANNOTATION]?.includes(uuid)) continue;
      const found = inStack(stack, uuid);
      if (found !== undefined) return found;
    }
    return undefined;
  }
}

function inStack(stack: Stack, uuid: string): FoundAction | undefined {
  const all = readActions(stack);
  const record = all.find((r) => r.uuid === uuid);
  return record === undefined ? undefined : { kind: 'live', stack, record, all };
}
