// The real StackWriter: Stacks written through the Kubernetes API with the façade's own
// credentials (the caller was authorized by SubjectAccessReview first). Patches are JSON merge
// patches; a metadata.resourceVersion in the patch makes the API server refuse (409 Conflict)
// a write based on an older version. API errors come out as KubeApiError.
import {
  ApiException,
  type CustomObjectsApi,
  CustomObjectsApi as CustomObjectsApiClass,
  type KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { GROUP, PLURAL, type Stack, VERSION } from '../model/stack.ts';
import { KubeApiError, type StackPatch, type StackWriter } from './deps.ts';

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
    throw err instanceof ApiException ? toKubeApiError(err) : err;
  }
}

/** The API server's Status (reason and message) out of a client-node exception. */
export function toKubeApiError(err: ApiException<unknown>): KubeApiError {
  let body: unknown = err.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      // not JSON: keep the text as the message
    }
  }
  const status = typeof body === 'object' && body !== null ? (body as { reason?: unknown; message?: unknown }) : {};
  const reason = typeof status.reason === 'string' ? status.reason : '';
  const message = typeof status.message === 'string' ? status.message : typeof body === 'string' ? body : `HTTP ${err.code}`;
  return new KubeApiError(err.code, reason, message);
}
