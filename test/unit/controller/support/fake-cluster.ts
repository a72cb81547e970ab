// In-memory stand-ins for a StackReconciler's dependencies: the caches (as informers would fill them,
// at once), child clients that apply into them (or fail as told), a status writer with
// resourceVersion preconditions, and an Event recorder. Every write and Event goes to one
// log, in order, so tests can say what happened before what.
import type { KubernetesObject, V1Secret } from '@kubernetes/client-node';
import pino from 'pino';
import type { Caches } from '../../../../src/controller/caches.ts';
import { stackKeyOf } from '../../../../src/controller/caches.ts';
import type { Recorder } from '../../../../src/controller/events.ts';
import type { ReconcileDeps } from '../../../../src/controller/reconcile-deps.ts';
import { StackReconciler } from '../../../../src/controller/stack-reconciler.ts';
import type { StatusWriter } from '../../../../src/controller/status-writer.ts';
import { CHILD_KINDS, type ChildClient, type ChildKind } from '../../../../src/kube/children.ts';
import type { Stack, StackStatus } from '../../../../src/model/stack.ts';
import type { Informer } from '../../../../src/runtime/informer.ts';
import { desiredObjects } from '../../../../src/translate/desired.ts';
import { defaultTranslateOptions } from '../../../../src/translate/options.ts';

const keyOf = (o: KubernetesObject) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

/** An informer's store, without the watch: what reconcile reads (get, byIndex, list). */
export class FakeStore<T extends KubernetesObject> {
  readonly objects = new Map<string, T>();
  get(key: string): T | undefined {
    return this.objects.get(key);
  }
  list(): IterableIterator<T> {
    return this.objects.values();
  }
  byIndex(index: string, value: string): T[] {
    if (index !== 'stack') return [];
    return [...this.objects.values()].filter((o) => stackKeyOf(o) === value);
  }
  put(o: T): void {
    this.objects.set(keyOf(o), o);
  }
  readonly #handlers: ((type: 'add' | 'update' | 'delete', obj: T, old: T | undefined) => void)[] = [];
  on(handler: (type: 'add' | 'update' | 'delete', obj: T, old: T | undefined) => void): void {
    this.#handlers.push(handler);
  }
  /** Removes an object as a watch's DELETED event does: the handlers hear of it. */
  remove(key: string): void {
    const old = this.objects.get(key);
    if (old === undefined) return;
    this.objects.delete(key);
    for (const h of this.#handlers) h('delete', old, old);
  }
}

export type LogEntry =
  | { what: 'event'; type: string; reason: string; message: string }
  | { what: 'status'; state: string | undefined; status: StackStatus }
  | { what: 'apply'; kind: string; name: string }
  | { what: 'create'; kind: string; name: string }
  | { what: 'delete'; kind: string; name: string };

/** An API error as client-node throws it: a code and the API server's Status as body. */
export function apiError(code: number, message: string): Error {
  return Object.assign(new Error(`HTTP-Code: ${code} Message: Unknown API Status Code!`), {
    code,
    body: JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, code }),
  });
}

export class FakeCluster {
  readonly stacks = new FakeStore<Stack & KubernetesObject>();
  readonly children = Object.fromEntries(CHILD_KINDS.map((k) => [k, new FakeStore<KubernetesObject>()])) as Record<
    ChildKind,
    FakeStore<KubernetesObject>
  >;
  readonly pods = new FakeStore<KubernetesObject>();
  readonly log: LogEntry[] = [];
  /** Errors the next applies of `Kind/name` answer with, by child; `persist` keeps answering it. */
  readonly refuse = new Map<string, { error: Error; persist: boolean }>();
  /** Called before a status write lands (throw to simulate a process dying before it). */
  beforeStatusWrite: (() => void) | undefined;
  /** Called after a status write landed (throw to simulate a process dying right after it). */
  afterStatusWrite: (() => void) | undefined;
  #revision = 1000;
  #uid = 0;

  nextRevision(): string {
    this.#revision++;
    return String(this.#revision);
  }

  addStack(stack: Stack): void {
    this.stacks.put({
      ...structuredClone(stack),
      metadata: { ...stack.metadata, resourceVersion: this.nextRevision() },
    } as Stack & KubernetesObject);
  }

  stack(namespace: string, name: string): Stack {
    return this.stacks.get(`${namespace}/${name}`) as Stack;
  }

  caches(): Caches {
    const asInformer = <T extends KubernetesObject>(s: FakeStore<T>) => s as unknown as Informer<T>;
    return {
      stacks: asInformer(this.stacks),
      children: Object.fromEntries(CHILD_KINDS.map((k) => [k, asInformer(this.children[k])])) as Caches['children'],
      pods: asInformer(this.pods),
      all: [],
    };
  }

  client(kind: ChildKind): ChildClient {
    const store = this.children[kind];
    return {
      kind,
      path: '',
      list: async () => ({ items: [...store.list()] }),
      find: async (namespace, name) => store.get(`${namespace}/${name}`),
      apply: async (obj) => {
        const id = `${kind}/${obj.metadata?.name}`;
        const refusal = this.refuse.get(id);
        if (refusal !== undefined) {
          if (!refusal.persist) this.refuse.delete(id);
          throw refusal.error;
        }
        const existing = store.get(keyOf(obj));
        const applied = structuredClone({
          ...obj,
          metadata: {
            ...obj.metadata,
            uid: existing?.metadata?.uid ?? `uid-${++this.#uid}`,
            generation: (existing?.metadata?.generation ?? 0) + 1,
            resourceVersion: this.nextRevision(),
          },
          // A Service gets a cluster IP unless it is headless.
          ...(kind === 'Service'
            ? {
                spec: {
                  ...(obj as { spec?: object }).spec,
                  clusterIP: (obj as { spec?: { clusterIP?: string } }).spec?.clusterIP ?? `10.96.0.${this.#uid + 10}`,
                },
              }
            : {}),
          ...((existing as { status?: unknown } | undefined)?.status !== undefined
            ? { status: (existing as { status?: unknown }).status }
            : {}),
        }) as KubernetesObject;
        store.put(applied);
        this.log.push({ what: 'apply', kind, name: obj.metadata?.name ?? '' });
        return applied;
      },
      delete: async (namespace, name) => {
        store.objects.delete(`${namespace}/${name}`);
        this.log.push({ what: 'delete', kind, name });
      },
    };
  }

  /** Marks every Deployment of the stack (`namespace/name`) rolled out, all ready, as kube-controller-manager would. */
  rollOut(stackKey: string): void {
    for (const d of this.children.Deployment.byIndex('stack', stackKey)) {
      const replicas = (d as { spec?: { replicas?: number } }).spec?.replicas ?? 0;
      this.setWorkloadStatus('Deployment', d.metadata?.namespace ?? '', d.metadata?.name ?? '', {
        observedGeneration: d.metadata?.generation,
        replicas,
        readyReplicas: replicas,
        updatedReplicas: replicas,
        availableReplicas: replicas,
      });
    }
  }

  /** Sets what a workload's controller reports (status), as kube-controller-manager would. */
  setWorkloadStatus(kind: 'Deployment' | 'DaemonSet', namespace: string, name: string, status: object): void {
    const store = this.children[kind];
    const existing = store.get(`${namespace}/${name}`);
    if (existing === undefined) throw new Error(`no ${kind} ${name}`);
    store.put({ ...existing, status } as KubernetesObject);
  }

  writeStatus: StatusWriter = async (stack, status) => {
    const key = `${stack.metadata.namespace}/${stack.metadata.name}`;
    const current = this.stacks.get(key);
    if (current === undefined) throw Object.assign(new Error('not found'), { code: 404 });
    if (stack.metadata.resourceVersion !== undefined && stack.metadata.resourceVersion !== current.metadata.resourceVersion)
      throw apiError(409, 'the object has been modified; please apply your changes to the latest version and try again');
    this.beforeStatusWrite?.();
    const resourceVersion = this.nextRevision();
    this.stacks.put({ ...current, status: structuredClone(status), metadata: { ...current.metadata, resourceVersion } });
    this.log.push({ what: 'status', state: status.state, status: structuredClone(status) });
    this.afterStatusWrite?.();
    return resourceVersion;
  };

  /** Secrets created (create only, as the real client: never read back). */
  readonly secrets = new Map<string, V1Secret>();

  createSecret = async (secret: V1Secret): Promise<boolean> => {
    const key = `${secret.metadata?.namespace}/${secret.metadata?.name}`;
    if (this.secrets.has(key)) return false;
    this.secrets.set(key, structuredClone(secret));
    this.log.push({ what: 'create', kind: 'Secret', name: secret.metadata?.name ?? '' });
    return true;
  };

  record: Recorder = async (_stack, type, reason, message) => {
    this.log.push({ what: 'event', type, reason, message });
  };

  /** A process's dependencies over this cluster. */
  deps(over: Partial<ReconcileDeps> = {}): ReconcileDeps {
    return {
      caches: this.caches(),
      clients: Object.fromEntries(CHILD_KINDS.map((k) => [k, this.client(k)])) as ReconcileDeps['clients'],
      translate: (stack, surroundings) => desiredObjects(stack, defaultTranslateOptions, surroundings),
      readService: async () => undefined,
      writeStatus: this.writeStatus,
      record: this.record,
      logger: pino({ level: 'silent' }),
      now: () => new Date('2024-05-01T12:00:00Z'),
      terminatedRetentionMs: 3_600_000,
      deleteStack: async () => {},
      deletePod: async (namespace, name) => {
        this.pods.objects.delete(`${namespace}/${name}`);
        this.log.push({ what: 'delete', kind: 'Pod', name });
      },
      rules: { progressDeadlineSeconds: 600 },
      createSecret: this.createSecret,
      ...over,
    };
  }

  /** A fresh process's reconciler over this cluster (no memory of earlier applies or writes). */
  reconciler(over: Partial<ReconcileDeps> = {}): StackReconciler {
    return new StackReconciler(this.deps(over));
  }

  events(): { reason: string; message: string }[] {
    return this.log.flatMap((e) => (e.what === 'event' ? [{ reason: e.reason, message: e.message }] : []));
  }

  statusWrites(): StackStatus[] {
    return this.log.flatMap((e) => (e.what === 'status' ? [e.status] : []));
  }
}
