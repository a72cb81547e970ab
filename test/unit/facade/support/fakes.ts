// In-memory stand-ins for the façade's dependencies: a tiny "API server" holding Stacks (with
// resourceVersions, generations and merge-patch semantics), the informer cache reading it
// (optionally lagging behind, as a real watch does), and Kubernetes auth.

import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import pino from 'pino';
import type {
  Authenticator,
  FacadeDeps,
  Identity,
  StackPatch,
  StackReader,
  StackWriter,
  Verb,
} from '../../../../src/facade/deps.ts';
import { sortByCreation } from '../../../../src/facade/stack-order.ts';
import { triggerIndex } from '../../../../src/facade/triggers.ts';
import { mergePatch } from '../../../../src/facade/writes.ts';
import type { Stack, StackStatus } from '../../../../src/model/stack.ts';
import { KubeApiError } from '../../../../src/runtime/api-error.ts';

export class FakeCluster implements StackWriter {
  /** What the API server holds, by namespace/name. */
  readonly objects = new Map<string, Stack>();
  #revision = 100;
  #clock = Date.parse('2024-03-01T12:00:00Z');
  /** Conflicts to answer on the next patches, as if someone else wrote first. */
  conflictsToInject = 0;
  /** An error the next create answers with. */
  createError: KubeApiError | undefined;
  /** Every patch received, in order. */
  readonly patches: { namespace: string; name: string; patch: StackPatch }[] = [];

  async create(namespace: string, stack: Stack): Promise<Stack> {
    if (this.createError !== undefined) {
      const err = this.createError;
      this.createError = undefined;
      throw err;
    }
    const key = `${namespace}/${stack.metadata.name}`;
    this.#clock += 1000; // creation times one second apart: lists order by them
    if (this.objects.has(key))
      throw new KubeApiError(409, 'AlreadyExists', `stacks.longshore.io "${stack.metadata.name}" already exists`);
    const stored: Stack = structuredClone({
      ...stack,
      metadata: {
        ...stack.metadata,
        namespace,
        uid: randomUUID(),
        generation: 1,
        resourceVersion: this.#nextRevision(),
        creationTimestamp: new Date(this.#clock).toISOString(),
      },
    });
    this.objects.set(key, stored);
    return structuredClone(stored);
  }

  async patch(namespace: string, name: string, patch: StackPatch): Promise<Stack> {
    this.patches.push({ namespace, name, patch: structuredClone(patch) });
    const key = `${namespace}/${name}`;
    const current = this.objects.get(key);
    if (current === undefined) throw new KubeApiError(404, 'NotFound', `stacks.longshore.io "${name}" not found`);
    if (this.conflictsToInject > 0) {
      this.conflictsToInject--;
      this.touch(current.metadata.uid ?? '', (s) => s); // someone else wrote: a new resourceVersion
      throw conflictError(name);
    }
    const precondition = patch.metadata?.resourceVersion;
    if (precondition !== undefined && precondition !== current.metadata.resourceVersion) throw conflictError(name);
    const spec = patch.spec === undefined ? current.spec : (mergePatch(current.spec, patch.spec) as Stack['spec']);
    const annotations = mergePatch(current.metadata.annotations ?? {}, patch.metadata?.annotations ?? {}) as Record<
      string,
      string
    >;
    const next: Stack = {
      ...current,
      metadata: {
        ...current.metadata,
        annotations,
        resourceVersion: this.#nextRevision(),
        generation: (current.metadata.generation ?? 1) + (isDeepStrictEqual(spec, current.spec) ? 0 : 1),
      },
      spec,
    };
    this.objects.set(key, next);
    return structuredClone(next);
  }

  async get(namespace: string, name: string): Promise<Stack | undefined> {
    const found = this.objects.get(`${namespace}/${name}`);
    return found === undefined ? undefined : structuredClone(found);
  }

  byUidNow(uid: string): Stack | undefined {
    return [...this.objects.values()].find((s) => s.metadata.uid === uid);
  }

  /** What the controller would do: change the stored object (status), with a new resourceVersion. */
  touch(uid: string, change: (s: Stack) => Stack): Stack {
    const current = this.byUidNow(uid);
    if (current === undefined) throw new Error(`no stack ${uid}`);
    const next = change(structuredClone(current));
    next.metadata.resourceVersion = this.#nextRevision();
    this.objects.set(`${current.metadata.namespace}/${current.metadata.name}`, next);
    return next;
  }

  /** Reports a status as the controller would, for the current generation unless told otherwise. */
  report(uid: string, status: StackStatus & { observedGeneration?: number }): Stack {
    return this.touch(uid, (s) => ({ ...s, status: { observedGeneration: s.metadata.generation, ...status } }));
  }

  remove(uid: string): void {
    const s = this.byUidNow(uid);
    if (s !== undefined) this.objects.delete(`${s.metadata.namespace}/${s.metadata.name}`);
  }

  /** The resourceVersion of the latest write. */
  get revision(): string {
    return String(this.#revision);
  }

  #nextRevision(): string {
    this.#revision += 1;
    return String(this.#revision);
  }
}

function conflictError(name: string): KubeApiError {
  return new KubeApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on stacks.longshore.io "${name}": the object has been modified; please apply your changes to the latest version and try again`,
  );
}

/**
 * The informer cache over a FakeCluster. Live by default; `freeze()` makes it lag (it keeps
 * what it had until `sync()`), as a watch that has not delivered an event yet.
 */
export class FakeCache implements StackReader {
  readonly #cluster: FakeCluster;
  #snapshot: Stack[] | undefined;
  #snapshotRevision = '';
  /** Whether resourceVersion() tells how far the cache has read (the real informer's can). */
  reportsVersion = false;

  constructor(cluster: FakeCluster) {
    this.#cluster = cluster;
  }

  freeze(): void {
    this.#snapshot = this.#all().map((s) => structuredClone(s));
    this.#snapshotRevision = this.#cluster.revision;
  }

  sync(): void {
    this.#snapshot = undefined;
  }

  resourceVersion(): string | undefined {
    if (!this.reportsVersion) return undefined;
    return this.#snapshot === undefined ? this.#cluster.revision : this.#snapshotRevision;
  }

  #all(): Stack[] {
    return this.#snapshot ?? [...this.#cluster.objects.values()];
  }

  list(namespace: string): readonly Stack[] {
    return sortByCreation(this.#all().filter((s) => s.metadata.namespace === namespace));
  }

  /** How often a request looked through every stack. */
  listAllCalls = 0;

  listAll(): readonly Stack[] {
    this.listAllCalls++;
    return this.#all();
  }

  /** The informer's trigger index (main declares it on the real cache). */
  byTrigger(uuid: string): readonly Stack[] {
    return this.#all().filter((s) => triggerIndex(s)?.includes(uuid));
  }

  byUid(uid: string): Stack | undefined {
    return this.#all().find((s) => s.metadata.uid === uid);
  }
}

export const ALICE: Identity = { username: 'alice', groups: ['system:authenticated'] };
export const ROBOT: Identity = { username: 'system:serviceaccount:robots:deployer', groups: ['system:serviceaccounts'] };

/** Tokens and RBAC in a table: `grant(user, namespace, ...verbs)`. */
export class FakeAuthenticator implements Authenticator {
  readonly tokens = new Map<string, Identity>([
    ['alice-token', ALICE],
    ['robot-token', ROBOT],
  ]);
  readonly #grants = new Set<string>();
  authenticateCalls = 0;
  authorizeCalls: { username: string; namespace: string; verb: Verb }[] = [];
  failWith: Error | undefined;

  grant(username: string, namespace: string, ...verbs: Verb[]): this {
    for (const verb of verbs) this.#grants.add(`${username}|${namespace}|${verb}`);
    return this;
  }

  grantAll(username: string, namespace: string): this {
    return this.grant(username, namespace, 'get', 'list', 'create', 'patch', 'delete');
  }

  async authenticate(token: string): Promise<Identity | null> {
    this.authenticateCalls++;
    if (this.failWith) throw this.failWith;
    return this.tokens.get(token) ?? null;
  }

  async authorize(identity: Identity, namespace: string, verb: Verb): Promise<boolean> {
    this.authorizeCalls.push({ username: identity.username, namespace, verb });
    if (this.failWith) throw this.failWith;
    return this.#grants.has(`${identity.username}|${namespace}|${verb}`);
  }
}

/** Log lines the façade wrote, parsed. */
export function memoryLogger(): { logger: FacadeDeps['logger']; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = pino(
    { level: 'debug' },
    {
      write(line: string) {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      },
    },
  );
  return { logger, lines };
}
