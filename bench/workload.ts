// What the bench creates: stacks of three linked services (web → app → db), each with a port,
// so each stack becomes 3 Deployments + 3 Services. Service names carry the stack's name
// because a stack's children are named after its services, one namespace for all stacks.
import { serviceToApi } from '../src/model/dockercloud.ts';
import { API_VERSION, GROUP, KIND, PLURAL, type Stack, type StackSpec, VERSION } from '../src/model/stack.ts';
import type { KubeHttp } from './kube-http.ts';
import type { Deadline } from './phases.ts';

export const SERVICES_PER_STACK = 3;

export const stackNames = (prefix: string, from: number, count: number): string[] =>
  Array.from({ length: count }, (_, i) => `${prefix}${String(from + i).padStart(5, '0')}`);

export function stackSpec(name: string, started: boolean): StackSpec {
  return {
    ...(started ? { desiredState: 'Running' as const } : {}),
    services: [
      {
        name: `${name}-web`,
        image: 'nginx:1.27',
        containerPorts: [{ innerPort: 80 }],
        linkedToService: [{ toService: `${name}-app` }],
      },
      {
        name: `${name}-app`,
        image: 'example/app:1',
        containerPorts: [{ innerPort: 8080 }],
        containerEnvvars: [{ key: 'DB_HOST', value: `${name}-db` }],
        linkedToService: [{ toService: `${name}-db` }],
      },
      { name: `${name}-db`, image: 'postgres:16', containerPorts: [{ innerPort: 5432 }] },
    ],
  };
}

/** The same stack as a Docker Cloud client sends it to POST /stack/ (API field names). */
export function facadeCreateBody(name: string): Record<string, unknown> {
  return { name, services: stackSpec(name, false).services.map(serviceToApi) };
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
      const body = { apiVersion: API_VERSION, kind: KIND, metadata: { name, namespace }, spec: stackSpec(name, started) };
      created.push((await retrying(() => http.create(path, body))) as Stack);
    },
    'stack creation',
  );
  return created;
}
