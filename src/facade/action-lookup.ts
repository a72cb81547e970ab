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
  rememberedAt: number;
}

export interface ActionLookupOptions {
  /** Most actions indexed; the oldest goes first. */
  max?: number;
  /**
   * How long an action stays indexed. A live stack's actions are found in its annotation
   * anyway; past this, a gone stack's terminate is no longer known (the CLI polls for seconds).
   */
  ttlMs?: number;
  now?: () => number;
}

export type FoundAction =
  | { kind: 'live'; stack: Stack; record: ActionRecord; all: ActionRecord[] }
  | { kind: 'gone'; namespace: string; stackUid: string; record: ActionRecord };

export class ActionLookup {
  readonly #index = new Map<string, IndexEntry>();
  readonly #max: number;
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(options: ActionLookupOptions = {}) {
    this.#max = options.max ?? 10_000;
    this.#ttlMs = options.ttlMs ?? 60 * 60_000;
    this.#now = options.now ?? Date.now;
  }

  /** How many actions are indexed (for tests). */
  get size(): number {
    return this.#index.size;
  }

  /** Drops entries past the TTL; the map is in the order they were remembered. */
  #sweep(now: number): void {
    for (const [uuid, entry] of this.#index) {
      if (now - entry.rememberedAt < this.#ttlMs) break;
      this.#index.delete(uuid);
    }
  }

  remember(stack: Stack, record: ActionRecord): void {
    const uid = stack.metadata.uid;
    if (uid === undefined) return;
    const now = this.#now();
    this.#sweep(now);
    this.#index.delete(record.uuid);
    this.#index.set(record.uuid, {
      stackUid: uid,
      namespace: stack.metadata.namespace,
      action: record.action,
      record,
      rememberedAt: now,
    });
    if (this.#index.size > this.#max) {
      const oldest = this.#index.keys().next().value;
      if (oldest !== undefined) this.#index.delete(oldest);
    }
  }

  async find(view: StackView, uuid: string): Promise<FoundAction | undefined> {
    this.#sweep(this.#now());
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
