// Writes a Stack's status by server-side apply on the status subresource, with the same
// field manager as the children: the controller owns status and nothing else writes it.
import { CustomObjectsApi, type KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { FIELD_MANAGER } from '../kube/children.ts';
import { API_VERSION, GROUP, KIND, PLURAL, type Stack, type StackStatus, VERSION } from '../model/stack.ts';

export type StatusWriter = (stack: Stack, status: StackStatus) => Promise<void>;

export function statusWriter(kc: KubeConfig): StatusWriter {
  const custom = kc.makeApiClient(CustomObjectsApi);
  const ssa = setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply);
  return async (stack, status) => {
    await custom.patchNamespacedCustomObjectStatus(
      {
        group: GROUP,
        version: VERSION,
        plural: PLURAL,
        namespace: stack.metadata.namespace,
        name: stack.metadata.name,
        body: {
          apiVersion: API_VERSION,
          kind: KIND,
          metadata: { name: stack.metadata.name, namespace: stack.metadata.namespace },
          status,
        },
        fieldManager: FIELD_MANAGER,
        force: true,
      },
      ssa,
    );
  };
}
