// The real StackWriter: Stacks written through the Kubernetes API with the façade's own
// credentials (the caller was authorized by SubjectAccessReview first). Patches are JSON merge
// patches; a metadata.resourceVersion in the patch makes the API server refuse (409 Conflict)
// a write based on an older version. API errors come out as KubeApiError.
import {
  type CustomObjectsApi,
  CustomObjectsApi as CustomObjectsApiClass,
  type KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { GROUP, PLURAL, type Stack, VERSION } from '../model/stack.ts';
import { asKubeApiError, KubeApiError } from '../runtime/api-error.ts';
import type { StackPatch, StackWriter } from './deps.ts';

const FIELD_MANAGER = 'longshore-facade';

export class KubeStackWriter implements StackWriter {
  readonly #api: CustomObjectsApi;

  constructor(kubeConfig: KubeConfig) {
    this.#api = kubeConfig.makeApiClient(CustomObjectsApiClass);
  }

  async create(namespace: string, stack: Stack): Promise<Stack> {
    return call(() =>
      this.#api.createNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace,
        plural: PLURAL,
        body: stack,
        fieldManager: FIELD_MANAGER,
      }),
    );
  }

  async patch(namespace: string, name: string, patch: StackPatch): Promise<Stack> {
    return call(() =>
      this.#api.patchNamespacedCustomObject(
        { group: GROUP, version: VERSION, namespace, plural: PLURAL, name, body: patch, fieldManager: FIELD_MANAGER },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    );
  }

  async get(namespace: string, name: string): Promise<Stack | undefined> {
    try {
      return await call(() =>
        this.#api.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: PLURAL, name }),
      );
    } catch (err) {
      if (err instanceof KubeApiError && err.code === 404) return undefined;
      throw err;
    }
  }
}

async function call(request: () => Promise<unknown>): Promise<Stack> {
  try {
    return (await request()) as Stack;
  } catch (err) {
    throw asKubeApiError(err) ?? err;
  }
}
