// Owner references: every child names its Stack as controller, so Kubernetes' garbage
// collector removes children with the Stack and the controller can tell its children from
// objects someone else made with the same name.
import type { V1OwnerReference } from '@kubernetes/client-node';
import { API_VERSION, KIND, type Stack } from '../model/stack.ts';

export function stackOwnerReference(stack: Stack, uid: string): V1OwnerReference {
  return {
    apiVersion: API_VERSION,
    kind: KIND,
    name: stack.metadata.name,
    uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}
