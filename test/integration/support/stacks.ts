// Stack helpers for integration tests: create and patch Stacks as a kubectl user would
// (straight through the API, no façade), and wait for what the controller reports.
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  Watch,
} from '@kubernetes/client-node';
import {
  API_VERSION,
  GROUP,
  KIND,
  PLURAL,
  type Stack,
  type StackSpec,
  type StackState,
  VERSION,
} from '../../../src/model/stack.ts';
import { waitFor } from './wait.ts';

export class StackClient {
  readonly custom: CustomObjectsApi;
  readonly apps: AppsV1Api;
  readonly core: CoreV1Api;
  readonly namespace: string;
  private readonly kc: KubeConfig;

  constructor(kc: KubeConfig, namespace: string) {
    this.kc = kc;
    this.custom = kc.makeApiClient(CustomObjectsApi);
    this.apps = kc.makeApiClient(AppsV1Api);
    this.core = kc.makeApiClient(CoreV1Api);
    this.namespace = namespace;
  }

  async create(name: string, spec: StackSpec): Promise<Stack> {
    return (await this.custom.createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      plural: PLURAL,
      namespace: this.namespace,
      body: { apiVersion: API_VERSION, kind: KIND, metadata: { name, namespace: this.namespace }, spec },
    })) as Stack;
  }

  async get(name: string): Promise<Stack | undefined> {
    try {
      return (await this.custom.getNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        plural: PLURAL,
        namespace: this.namespace,
        name,
      })) as Stack;
    } catch (err) {
      if ((err as { code?: number }).code === 404) return undefined;
      throw err;
    }
  }

  async patchSpec(name: string, spec: Partial<StackSpec> | Record<string, unknown>): Promise<Stack> {
    return (await this.custom.patchNamespacedCustomObject(
      { group: GROUP, version: VERSION, plural: PLURAL, namespace: this.namespace, name, body: { spec } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )) as Stack;
  }

  async delete(name: string): Promise<void> {
    await this.custom.deleteNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      plural: PLURAL,
      namespace: this.namespace,
      name,
    });
  }

  /** Waits until the Stack reports `state` for its current generation. */
  async waitForState(name: string, state: StackState, timeoutMs = 60_000): Promise<Stack> {
    return waitFor(`stack ${name} to be ${state}`, timeoutMs, async () => {
      const s = await this.get(name);
      return s?.status?.state === state && s.status.observedGeneration === s.metadata.generation ? s : undefined;
    });
  }

  /**
   * Every state the Stack reports, from `fromResourceVersion` on, until it reports `until` for
   * its current generation. A watch sees every status write, however short-lived the state.
   */
  async statesUntil(name: string, until: StackState, fromResourceVersion: string, timeoutMs = 60_000): Promise<StackState[]> {
    const seen: StackState[] = [];
    const watch = new Watch(this.kc);
    let controller: AbortController | undefined;
    try {
      return await new Promise<StackState[]>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(`timed out after ${timeoutMs} ms waiting for stack ${name} to reach ${until}; saw ${seen.join(' → ')}`),
            ),
          timeoutMs,
        );
        watch
          .watch(
            `/apis/${GROUP}/${VERSION}/namespaces/${this.namespace}/${PLURAL}`,
            { fieldSelector: `metadata.name=${name}`, resourceVersion: fromResourceVersion },
            (_type: string, obj: Stack) => {
              const st = obj.status?.state;
              if (st && seen[seen.length - 1] !== st) seen.push(st);
              if (st === until && obj.status?.observedGeneration === obj.metadata.generation) {
                clearTimeout(timer);
                resolve(seen);
              }
            },
            (err: unknown) => {
              if (err) {
                clearTimeout(timer);
                reject(err);
              }
            },
          )
          .then((c) => {
            controller = c;
          }, reject);
      });
    } finally {
      controller?.abort();
    }
  }

  async pods(stack: string, service?: string) {
    const selector = `longshore.io/stack=${stack}` + (service ? `,longshore.io/service=${service}` : '');
    return (await this.core.listNamespacedPod({ namespace: this.namespace, labelSelector: selector })).items;
  }

  async deployments(stack: string) {
    return (await this.apps.listNamespacedDeployment({ namespace: this.namespace, labelSelector: `longshore.io/stack=${stack}` }))
      .items;
  }

  async services(stack: string) {
    return (await this.core.listNamespacedService({ namespace: this.namespace, labelSelector: `longshore.io/stack=${stack}` }))
      .items;
  }

  async pvcs(stack: string) {
    return (
      await this.core.listNamespacedPersistentVolumeClaim({
        namespace: this.namespace,
        labelSelector: `longshore.io/stack=${stack}`,
      })
    ).items;
  }
}
