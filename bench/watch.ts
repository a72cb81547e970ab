// What the bench knows about a namespace, learned from watches (never by polling): when each
// child first appeared, when each stack first had every child it should have (its Deployments,
// its Services, and its EndpointSlice listing every DNS name with an address), when each
// Deployment first reached its target, when each Stack first reported a service Running and
// when it settled. Times are the moments the watch events reached this process
// (performance.now(), ms).
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  DiscoveryV1Api,
  type KubeConfig,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { pino } from 'pino';
import { collection } from '../src/kube/children.ts';
import { GROUP, PLURAL, type StackState, VERSION } from '../src/model/stack.ts';
import { Informer } from '../src/runtime/informer.ts';
import {
  LABEL_SLICE_MANAGED_BY,
  LABEL_STACK,
  MANAGED_BY_SELECTOR,
  SLICE_MANAGER,
  serviceChildName,
} from '../src/translate/index.ts';
import type { Deadline } from './phases.ts';
import type { ChildCounts } from './workload.ts';

interface Meta {
  name?: string;
  namespace?: string;
  generation?: number;
  /** The longshore.io/stack label: the stack a child belongs to. */
  stack?: string;
}
interface TrackedDeployment extends KubernetesObject {
  metadata: Meta;
  spec: { replicas?: number };
  status: { observedGeneration?: number; replicas?: number; updatedReplicas?: number; readyReplicas?: number };
}
interface TrackedStack extends KubernetesObject {
  metadata: Meta;
  spec: { desiredState?: string };
  status: { state?: StackState; observedGeneration?: number; services?: { name: string; state: string }[] };
}

interface TrackedSlice extends KubernetesObject {
  metadata: Meta;
  /** Endpoints with at least one address: the DNS names that answer. */
  addressed: number;
}

const meta = (o: KubernetesObject): Meta => ({
  name: o.metadata?.name,
  namespace: o.metadata?.namespace,
  ...(o.metadata?.generation !== undefined ? { generation: o.metadata.generation } : {}),
  ...(o.metadata?.labels?.[LABEL_STACK] !== undefined ? { stack: o.metadata.labels[LABEL_STACK] } : {}),
});

/** A stack's children as the watch has shown them so far (first sightings; deletions not counted). */
interface StackChildren {
  deployments: Set<string>;
  services: Set<string>;
  /** Its EndpointSlices that have listed every DNS name of the stack with an address. */
  slices: Set<string>;
}

/** The state a stack settles in: Running when started, Not Running when never started. */
function settledState(spec: { desiredState?: string }): StackState {
  return spec.desiredState === 'Running' ? 'Running' : spec.desiredState === 'Stopped' ? 'Stopped' : 'Not Running';
}

export class NamespaceTracker {
  /** First time each child was seen, by name. */
  readonly deploymentSeen = new Map<string, number>();
  readonly serviceSeen = new Map<string, number>();
  /** Longshore's EndpointSlices only (the ones kube-controller-manager makes for the stack's Services are not children). */
  readonly sliceSeen = new Map<string, number>();
  /** First time each EndpointSlice listed every DNS name of its stack with an address. */
  readonly sliceComplete = new Map<string, number>();
  /**
   * First time each stack (by name) had every child it should have: `expected` Deployments and
   * Services, and EndpointSlices complete as above. This is "every child applied".
   */
  readonly stackApplied = new Map<string, number>();
  /** First time each Deployment had observed its spec and had every replica updated and ready (target > 0). */
  readonly deploymentReady = new Map<string, number>();
  /** First time the owning Stack's status said the service (named as its Deployment) was Running. */
  readonly serviceRunning = new Map<string, number>();
  /** First time each Stack reported its settled state for its current generation. */
  readonly stackSettled = new Map<string, number>();
  /** First time each Stack was seen at all. */
  readonly stackSeen = new Map<string, number>();
  readonly events = { Stack: 0, Deployment: 0, Service: 0, EndpointSlice: 0 };
  /** The names that exist now (added by any event but a deletion, removed by a deletion). */
  readonly live = { Stack: new Set<string>(), Deployment: new Set<string>(), Service: new Set<string>() };
  lastEventAt = 0;
  /** What every stack consists of (see childrenPerStack). */
  readonly expected: ChildCounts;
  private readonly children = new Map<string, StackChildren>();
  private readonly informers: Informer<KubernetesObject>[];
  private readonly stacks: Informer<KubernetesObject>;
  private readonly waiters = new Set<(at: number) => void>();

  constructor(kc: KubeConfig, namespace: string, expected: ChildCounts) {
    this.expected = expected;
    const logger = pino({ level: 'warn', base: { component: 'bench-watch' } }, pino.destination(2));
    const apps = kc.makeApiClient(AppsV1Api);
    const core = kc.makeApiClient(CoreV1Api);
    const discovery = kc.makeApiClient(DiscoveryV1Api);
    const custom = kc.makeApiClient(CustomObjectsApi);
    const selector = { labelSelector: MANAGED_BY_SELECTOR };
    const deployments = new Informer<KubernetesObject>({
      name: 'bench-deployments',
      kubeConfig: kc,
      logger,
      path: collection('/apis/apps/v1', 'deployments', namespace),
      ...selector,
      list: (o) => apps.listNamespacedDeployment({ namespace, ...o }),
      transform: (d) =>
        ({
          metadata: meta(d),
          spec: { replicas: (d as TrackedDeployment).spec?.replicas },
          status: (d as TrackedDeployment).status ?? {},
        }) as TrackedDeployment,
    });
    const services = new Informer<KubernetesObject>({
      name: 'bench-services',
      kubeConfig: kc,
      logger,
      path: collection('/api/v1', 'services', namespace),
      ...selector,
      list: (o) => core.listNamespacedService({ namespace, ...o }),
      transform: (s) => ({ metadata: meta(s) }),
    });
    // kube-controller-manager's slices of the stack's Services carry the Services' labels, ours
    // included: select Longshore's by their manager label.
    const slices = new Informer<KubernetesObject>({
      name: 'bench-endpointslices',
      kubeConfig: kc,
      logger,
      path: collection('/apis/discovery.k8s.io/v1', 'endpointslices', namespace),
      labelSelector: `${MANAGED_BY_SELECTOR},${LABEL_SLICE_MANAGED_BY}=${SLICE_MANAGER}`,
      list: (o) => discovery.listNamespacedEndpointSlice({ namespace, ...o }),
      transform: (s) =>
        ({
          metadata: meta(s),
          addressed: ((s as { endpoints?: { addresses?: string[] }[] }).endpoints ?? []).filter(
            (e) => (e.addresses?.length ?? 0) > 0,
          ).length,
        }) as TrackedSlice,
    });
    const stacks = new Informer<KubernetesObject>({
      name: 'bench-stacks',
      kubeConfig: kc,
      logger,
      path: collection(`/apis/${GROUP}/${VERSION}`, PLURAL, namespace),
      list: async (o) =>
        (await custom.listNamespacedCustomObject({ group: GROUP, version: VERSION, plural: PLURAL, namespace, ...o })) as {
          items: KubernetesObject[];
        },
      transform: (s) => {
        const t = s as TrackedStack;
        const st = t.status ?? {};
        return {
          metadata: meta(s),
          spec: { desiredState: t.spec?.desiredState },
          status: {
            state: st.state,
            observedGeneration: st.observedGeneration,
            services: st.services?.map((x) => ({ name: x.name, state: x.state })),
          },
        } as TrackedStack;
      },
    });
    deployments.on((type, o) => this.onDeployment(type, o as TrackedDeployment));
    services.on((type, o) => this.onService(type, o as KubernetesObject & { metadata: Meta }));
    slices.on((type, o) => this.onSlice(type, o as TrackedSlice));
    stacks.on((type, o) => this.onStack(type, o as TrackedStack));
    this.informers = [deployments, services, slices, stacks];
    this.stacks = stacks;
  }

  /** How many Stacks report each state right now (from the watch's cache). */
  stateCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const s of this.stacks.list() as IterableIterator<TrackedStack>) {
      const state = s.status.state ?? '(none)';
      counts[state] = (counts[state] ?? 0) + 1;
    }
    return counts;
  }

  async start(): Promise<void> {
    for (const i of this.informers) i.start();
    await Promise.all(this.informers.map((i) => i.waitForSync()));
  }

  stop(): void {
    for (const i of this.informers) i.stop();
  }

  private event(kind: keyof NamespaceTracker['events']): number {
    this.events[kind]++;
    this.lastEventAt = performance.now();
    return this.lastEventAt;
  }

  private onDeployment(type: string, d: TrackedDeployment): void {
    const at = this.event('Deployment');
    const name = d.metadata.name ?? '';
    if (type === 'delete') {
      this.live.Deployment.delete(name);
      this.check(at);
      return;
    }
    this.live.Deployment.add(name);
    if (!this.deploymentSeen.has(name)) this.deploymentSeen.set(name, at);
    this.childrenOf(d.metadata).deployments.add(name);
    this.noteApplied(d.metadata.stack, at);
    const target = d.spec.replicas ?? 1;
    const s = d.status;
    const ready =
      target > 0 &&
      (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0) &&
      s.replicas === target &&
      s.updatedReplicas === target &&
      s.readyReplicas === target;
    if (ready && !this.deploymentReady.has(name)) this.deploymentReady.set(name, at);
    this.check(at);
  }

  private onService(type: string, s: KubernetesObject & { metadata: Meta }): void {
    const at = this.event('Service');
    const name = s.metadata.name ?? '';
    if (type === 'delete') this.live.Service.delete(name);
    else {
      this.live.Service.add(name);
      if (!this.serviceSeen.has(name)) this.serviceSeen.set(name, at);
      this.childrenOf(s.metadata).services.add(name);
      this.noteApplied(s.metadata.stack, at);
    }
    this.check(at);
  }

  private onSlice(type: string, s: TrackedSlice): void {
    const at = this.event('EndpointSlice');
    const name = s.metadata.name ?? '';
    if (type !== 'delete') {
      if (!this.sliceSeen.has(name)) this.sliceSeen.set(name, at);
      if (s.addressed >= this.expected.dnsNames) {
        if (!this.sliceComplete.has(name)) this.sliceComplete.set(name, at);
        this.childrenOf(s.metadata).slices.add(name);
        this.noteApplied(s.metadata.stack, at);
      }
    }
    this.check(at);
  }

  private childrenOf(m: Meta): StackChildren {
    const stack = m.stack ?? '';
    let c = this.children.get(stack);
    if (!c) {
      c = { deployments: new Set(), services: new Set(), slices: new Set() };
      this.children.set(stack, c);
    }
    return c;
  }

  /** Marks the stacks that now have every child (called on each child event, before the waiters). */
  private noteApplied(stack: string | undefined, at: number): void {
    if (stack === undefined || this.stackApplied.has(stack)) return;
    const c = this.children.get(stack);
    const e = this.expected;
    if (c && c.deployments.size >= e.Deployment && c.services.size >= e.Service && c.slices.size >= e.EndpointSlice)
      this.stackApplied.set(stack, at);
  }

  /** Progress of "every child applied", for timeouts and the periodic log. */
  childProgress(stacks?: number): string {
    return (
      `${this.deploymentSeen.size} Deployments, ${this.serviceSeen.size} Services, ` +
      `${this.sliceSeen.size} EndpointSlices (${this.sliceComplete.size} with every name addressed), ` +
      `${this.stackApplied.size}${stacks === undefined ? '' : `/${stacks}`} stacks with every child`
    );
  }

  private onStack(type: string, s: TrackedStack): void {
    const at = this.event('Stack');
    if (type === 'delete') {
      this.live.Stack.delete(s.metadata.name ?? '');
      this.check(at);
      return;
    }
    this.live.Stack.add(s.metadata.name ?? '');
    if (!this.stackSeen.has(s.metadata.name ?? '')) this.stackSeen.set(s.metadata.name ?? '', at);
    const name = s.metadata.name ?? '';
    for (const svc of s.status.services ?? []) {
      // Keyed as the service's Deployment is named, `<stack>-<service>`.
      const child = serviceChildName(name, svc.name);
      if (svc.state === 'Running' && !this.serviceRunning.has(child)) this.serviceRunning.set(child, at);
    }
    const current = s.status.observedGeneration !== undefined && s.status.observedGeneration === s.metadata.generation;
    if (current && s.status.state === settledState(s.spec) && !this.stackSettled.has(name)) this.stackSettled.set(name, at);
    this.check(at);
  }

  private check(at: number): void {
    for (const w of this.waiters) w(at);
  }

  /**
   * Resolves with the receipt time of the event after which `done()` holds (or now, if it
   * holds already); rejects with the phase's timeout, progress included, at the deadline.
   */
  until(what: string, done: () => boolean, deadline: Deadline, progress: () => string): Promise<number> {
    if (done()) return Promise.resolve(performance.now());
    return new Promise((resolve, reject) => {
      const waiter = (at: number) => {
        if (!done()) return;
        finish();
        resolve(at);
      };
      const timer = setTimeout(
        () => {
          finish();
          reject(deadline.timeout(what, progress));
        },
        Math.max(0, deadline.left()),
      );
      const finish = () => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
      };
      this.waiters.add(waiter);
    });
  }

  /** `until` every named stack has reported its settled state (Running, for started ones). */
  untilSettled(what: string, names: readonly string[], deadline: Deadline): Promise<number> {
    return this.until(
      what,
      () => names.every((n) => this.stackSettled.has(n)),
      deadline,
      () => `${names.filter((n) => this.stackSettled.has(n)).length} of ${names.length} settled`,
    );
  }

  /** Resolves once no watch event has arrived for quietMs, counted from `from` at the earliest. */
  async quiet(quietMs: number, deadline: Deadline, from = 0): Promise<void> {
    for (;;) {
      const since = performance.now() - Math.max(this.lastEventAt, from);
      if (since >= quietMs) return;
      deadline.check(`${quietMs} ms without watch events`);
      await new Promise((r) => setTimeout(r, Math.min(quietMs - since + 5, Math.max(1, deadline.left()))));
    }
  }
}
