// What the bench creates: stacks of three linked services (web → app → db), each with a port.
// Children are named `<stack>-<service>` (src/translate/names.ts), so every stack has the same
// service names in one namespace, as Docker Cloud allowed. What one stack becomes is read from
// Longshore's own translation (childrenPerStack): 3 Deployments, 3 ClusterIP Services, the
// stack's DNS domain (a headless Service without selector) and its EndpointSlice of names.
import { serviceToApi } from '../src/dockercloud/api-fields.ts';
import { API_VERSION, GROUP, KIND, PLURAL, type Stack, type StackSpec, VERSION } from '../src/model/stack.ts';
import { defaultTranslateOptions, desiredObjects, EMPTY_SURROUNDINGS } from '../src/translate/index.ts';
import type { KubeHttp } from './kube-http.ts';
import type { Deadline } from './phases.ts';

export const SERVICES = ['web', 'app', 'db'] as const;

/** What one stack's children are, by kind, and how many DNS names its EndpointSlice lists. */
export interface ChildCounts {
  Deployment: number;
  Service: number;
  EndpointSlice: number;
  /** Endpoints of the stack's EndpointSlice once every Service has its cluster IP (one per name). */
  dnsNames: number;
}

/**
 * Counted from the translation of a stack of the bench (started or not: the same objects), with
 * a cluster IP for every Service, so the waits follow what the translation makes today.
 */
export function childrenPerStack(): ChildCounts {
  const name = 'count';
  const stack: Stack = {
    apiVersion: API_VERSION,
    kind: KIND,
    metadata: { name, namespace: 'bench', uid: '00000000-0000-0000-0000-000000000000' },
    spec: stackSpec(true),
  } as Stack;
  const t = desiredObjects(stack, defaultTranslateOptions, { ...EMPTY_SURROUNDINGS, serviceAddresses: () => ['10.0.0.1'] });
  if (t.problems.length) throw new Error(`the bench's stack has problems: ${JSON.stringify(t.problems)}`);
  const of = (kind: string) => t.objects.filter((o) => o.kind === kind);
  const unexpected = t.objects.find((o) => !['Deployment', 'Service', 'EndpointSlice'].includes(o.kind));
  if (unexpected) throw new Error(`the bench does not track ${unexpected.kind} children`);
  return {
    Deployment: of('Deployment').length,
    Service: of('Service').length,
    EndpointSlice: of('EndpointSlice').length,
    dnsNames: of('EndpointSlice').reduce((sum, o) => sum + ((o as { endpoints?: unknown[] }).endpoints?.length ?? 0), 0),
  };
}

/** "3 Deployments + 4 Services + 1 EndpointSlice", for labels. */
export function describeChildren(c: ChildCounts): string {
  const part = (n: number, kind: string) => `${n} ${kind}${n === 1 ? '' : 's'}`;
  return [part(c.Deployment, 'Deployment'), part(c.Service, 'Service'), part(c.EndpointSlice, 'EndpointSlice')].join(' + ');
}

export const stackNames = (prefix: string, from: number, count: number): string[] =>
  Array.from({ length: count }, (_, i) => `${prefix}${String(from + i).padStart(5, '0')}`);

export function stackSpec(started: boolean): StackSpec {
  return {
    ...(started ? { desiredState: 'Running' as const } : {}),
    services: [
      { name: 'web', image: 'nginx:1.27', containerPorts: [{ innerPort: 80 }], linkedToService: [{ toService: 'app' }] },
      {
        name: 'app',
        image: 'example/app:1',
        containerPorts: [{ innerPort: 8080 }],
        containerEnvvars: [{ key: 'DB_HOST', value: 'db' }],
        linkedToService: [{ toService: 'db' }],
      },
      { name: 'db', image: 'postgres:16', containerPorts: [{ innerPort: 5432 }] },
    ],
  };
}

/** The same stack as a Docker Cloud client sends it to POST /stack/ (API field names). */
export function facadeCreateBody(name: string): Record<string, unknown> {
  return { name, services: stackSpec(false).services.map(serviceToApi) };
}

/** Runs fn over items with at most `limit` in flight; stops taking items past the deadline. */
export async function mapLimit<T>(
  items: readonly T[],
  limit: number,
  deadline: Deadline | undefined,
  fn: (item: T, index: number) => Promise<void>,
  what = 'requests',
): Promise<void> {
  let next = 0;
  let failed: unknown;
  const worker = async () => {
    while (next < items.length && failed === undefined) {
      deadline?.check(what, () => `${next} of ${items.length} started`);
      const i = next++;
      try {
        await fn(items[i] as T, i);
      } catch (err) {
        failed ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failed !== undefined) throw failed;
}

/** Retries a request that failed for a reason that is not the request's fault. */
export async function retrying<T>(fn: () => Promise<T>, attempts = 4): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      const transient = typeof code !== 'number' || code === 429 || code >= 500;
      if (!transient || i >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 200 * i));
    }
  }
}

/** Creates Stacks straight through the Kubernetes API, as `kubectl create` would. */
export async function createStacks(
  http: KubeHttp,
  namespace: string,
  names: readonly string[],
  started: boolean,
  concurrency: number,
  deadline: Deadline,
): Promise<Stack[]> {
  const path = `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/${PLURAL}`;
  const created: Stack[] = [];
  await mapLimit(
    names,
    concurrency,
    deadline,
    async (name) => {
      const body = { apiVersion: API_VERSION, kind: KIND, metadata: { name, namespace }, spec: stackSpec(started) };
      created.push((await retrying(() => http.create(path, body))) as Stack);
    },
    'stack creation',
  );
  return created;
}
