// roles: [global]. On Docker Cloud such a service's containers got the API's address and a key
// (DOCKERCLOUD_REST_HOST, DOCKERCLOUD_STREAM_HOST, DOCKERCLOUD_AUTH): dockercloud/haproxy and
// its kind ask the API about the stack they run in. Here the API is the façade, and the key is
// the token of a ServiceAccount of the stack's own, whose one Role reads the Stacks of the
// namespace and nothing else.
//
// The token: DOCKERCLOUD_AUTH is an environment variable, read once when the process starts,
// and Kubernetes can put a projected (expiring, rotated) token in a file only. So the variable
// holds the token of a Secret of type kubernetes.io/service-account-token, which Kubernetes'
// token controller fills and which never reaches Longshore (it may create Secrets, not read
// them): valid while the Secret and the ServiceAccount exist, revoked with either, so with the
// stack. The pods also mount the ServiceAccount's projected token (rotated by the kubelet) at
// the usual path, for software that reads it there. See docs/security.md.
import type { V1EnvVar } from '@kubernetes/client-node';
import type { ServiceSpec } from '../model/stack.ts';
import type { StackContext } from './context.ts';
import type { RoleBindingObject, RoleObject, SecretObject, ServiceAccountObject } from './kube-object.ts';
import { stackLabels } from './labels.ts';
import { apiAccessName } from './names.ts';
import { stackOwnerReference } from './owner.ts';

/** Docker Cloud's role that gave a container access to the Docker Cloud API. */
export const GLOBAL_ROLE = 'global';

/** The variable the token Secret's value arrives in; DOCKERCLOUD_AUTH is built from it. */
export const API_TOKEN_VARIABLE = 'LONGSHORE_API_TOKEN';

/** The annotations by which Kubernetes' token controller ties a token Secret to its ServiceAccount. */
export const SERVICE_ACCOUNT_NAME_ANNOTATION = 'kubernetes.io/service-account.name';
export const SERVICE_ACCOUNT_UID_ANNOTATION = 'kubernetes.io/service-account.uid';

export function hasGlobalRole(svc: ServiceSpec): boolean {
  return svc.roles?.includes(GLOBAL_ROLE) ?? false;
}

/** The token Secret's name: the ServiceAccount's, `-token` added. */
export function apiTokenSecretName(stackName: string): string {
  return `${apiAccessName(stackName)}-token`;
}

/**
 * The stack's ServiceAccount, a Role that may read (get, list, watch) the Stacks of the
 * namespace and nothing else, and the RoleBinding that grants it: what a service with the
 * global role runs as.
 */
export function apiAccessObjects(ctx: StackContext): [ServiceAccountObject, RoleObject, RoleBindingObject] {
  const name = apiAccessName(ctx.stackName);
  const metadata = () => ({
    name,
    namespace: ctx.namespace,
    labels: stackLabels(ctx.stackName, 'api-access'),
    ownerReferences: [stackOwnerReference(ctx.stack, ctx.uid)],
  });
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: metadata() },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: metadata(),
      rules: [{ apiGroups: ['longshore.io'], resources: ['stacks'], verbs: ['get', 'list', 'watch'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: metadata(),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace: ctx.namespace }],
    },
  ];
}

/**
 * The Secret Kubernetes' token controller fills with a token of the stack's ServiceAccount.
 * The controller adds the ServiceAccount's uid (SERVICE_ACCOUNT_UID_ANNOTATION) when it
 * creates it, so that the token is only ever one of that very ServiceAccount.
 */
export function apiTokenSecret(ctx: StackContext): SecretObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/service-account-token',
    metadata: {
      name: apiTokenSecretName(ctx.stackName),
      namespace: ctx.namespace,
      labels: stackLabels(ctx.stackName, 'api-access'),
      annotations: { [SERVICE_ACCOUNT_NAME_ANNOTATION]: apiAccessName(ctx.stackName) },
      ownerReferences: [stackOwnerReference(ctx.stack, ctx.uid)],
    },
  };
}

/**
 * The variables of a service with the global role. DOCKERCLOUD_AUTH is `Bearer $(LONGSHORE_API_TOKEN)`:
 * Kubernetes expands a reference to a variable defined before it, and the token comes from
 * the Secret (never in the pod template, where whoever may read Deployments would see it).
 * DOCKERCLOUD_STREAM_HOST points at the façade too, which serves no event stream: otherwise
 * the clients would take their default, Docker's own (gone) host, and send it the token.
 * DOCKERCLOUD_SERVICE_API_URI and DOCKERCLOUD_CONTAINER_API_URI are not set: with them
 * dockercloud/haproxy would read containers and events, which the façade does not serve;
 * without them it balances over its link variables, which Longshore sets.
 */
export function apiEnvironment(ctx: StackContext): V1EnvVar[] {
  return [
    { name: API_TOKEN_VARIABLE, valueFrom: { secretKeyRef: { name: apiTokenSecretName(ctx.stackName), key: 'token' } } },
    { name: 'DOCKERCLOUD_AUTH', value: `Bearer $(${API_TOKEN_VARIABLE})` },
    { name: 'DOCKERCLOUD_REST_HOST', value: ctx.options.facadeUrl },
    { name: 'DOCKERCLOUD_STREAM_HOST', value: ctx.options.facadeUrl.replace(/^http/, 'ws') },
    { name: 'DOCKERCLOUD_NAMESPACE', value: ctx.namespace },
  ];
}
