// Writes a Stack's status by server-side apply on the status subresource, with the same
// field manager as the children: the controller owns status and nothing else writes it.
import { CustomObjectsApi, type KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { FIELD_MANAGER } from '../kube/children.ts';
import { API_VERSION, GROUP, KIND, PLURAL, type Stack, type StackStatus, VERSION } from '../model/stack.ts';

/**
 * Writes `status` for the Stack as `stack` shows it, and answers the Stack's new
 * resourceVersion. The write carries `stack`'s resourceVersion as a precondition: a status
 * derived from a copy that has changed since (a spec patched meanwhile) is refused with 409
 * Conflict and the reconcile runs again on the newer copy, so that a stale state is never
 * written over a newer spec.
 */
export type StatusWriter = (stack: Stack, status: StackStatus) => Promise<string | undefined>;

export function statusWriter(kc: KubeConfig): StatusWriter {
  const custom = kc.makeApiClient(CustomObjectsApi);
  const ssa = setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply);
  return async (stack, status) => {
    const { name, namespace, resourceVersion } = stack.metadata;
    const written = await custom.patchNamespacedCustomObjectStatus(
      {
        group: GROUP,
        version: VERSION,
        plural: PLURAL,
        namespace: stack.metadata.namespace,
        name: stack.metadata.name,
        body: {
          apiVersion: API_VERSION,
          kind: KIND,
          metadata: { name, namespace, ...(resourceVersion !== undefined ? { resourceVersion } : {}) },
          status,
        },
        fieldManager: FIELD_MANAGER,
        force: true,
      },
      ssa,
    );
    return (written as Stack).metadata?.resourceVersion;
  };
}
