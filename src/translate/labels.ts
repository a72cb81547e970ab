// The labels and annotations Longshore puts on what it creates. Labels say which stack and
// which service an object belongs to (informers and pruning select on them); annotations
// record Docker Cloud settings that have no Kubernetes equivalent, so they are visible rather
// than silently dropped.

export const LABEL_NAME = 'app.kubernetes.io/name';
export const LABEL_INSTANCE = 'app.kubernetes.io/instance';
export const LABEL_COMPONENT = 'app.kubernetes.io/component';
export const LABEL_PART_OF = 'app.kubernetes.io/part-of';
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const LABEL_STACK = 'longshore.io/stack';
export const LABEL_SERVICE = 'longshore.io/service';
/**
 * On the pods of services that share volumes (volumes_from): the group's name, which their one
 * pod-affinity term selects so that the whole group runs on one node.
 */
export const LABEL_VOLUME_GROUP = 'longshore.io/volume-group';
/** Node label no node has: a stopped DaemonSet selects it so that it runs no pods. */
export const LABEL_STOPPED_NODE = 'longshore.io/stopped';

export const MANAGED_BY = 'longshore';
/** The label selector of everything Longshore manages, for the controller's informers. */
export const MANAGED_BY_SELECTOR = `${LABEL_MANAGED_BY}=${MANAGED_BY}`;

/** Prefix of the label and annotation keys Longshore owns; users may not set them. */
export const LONGSHORE_PREFIX = 'longshore.io/';

export const ANNOTATION_REDEPLOY_REVISION = 'longshore.io/redeploy-revision';
export const ANNOTATION_AUTORESTART = 'longshore.io/autorestart';
export const ANNOTATION_AUTODESTROY = 'longshore.io/autodestroy';
export const ANNOTATION_AUTOREDEPLOY = 'longshore.io/autoredeploy';
export const ANNOTATION_TAGS = 'longshore.io/tags';
/**
 * On a Stack: when a registry's webhook last said a tag one of its autoredeploy services follows
 * was pushed (src/facade/routes/registry-webhook.ts); the controller then asks for the digest.
 */
export const ANNOTATION_IMAGE_PUSHED = 'longshore.io/image-pushed-at';
export const ANNOTATION_ROLES = 'longshore.io/roles';
/** On a volume claim: the container path it was made for, for people reading `kubectl get pvc`. */
export const ANNOTATION_CONTAINER_PATH = 'longshore.io/container-path';

/** Labels of every object made for one service of a stack (and of its pods). */
export function serviceLabels(stackName: string, serviceName: string): Record<string, string> {
  return {
    [LABEL_NAME]: serviceName,
    [LABEL_INSTANCE]: stackName,
    [LABEL_COMPONENT]: serviceName,
    [LABEL_PART_OF]: stackName,
    [LABEL_MANAGED_BY]: MANAGED_BY,
    [LABEL_STACK]: stackName,
    [LABEL_SERVICE]: serviceName,
  };
}

/**
 * Labels of the objects made for the stack as a whole (its DNS domain, its API access): no
 * service label, so pruning and blocking treat them as the stack's own.
 */
export function stackLabels(stackName: string, component: 'dns' | 'api-access' = 'dns'): Record<string, string> {
  return {
    [LABEL_NAME]: stackName,
    [LABEL_INSTANCE]: stackName,
    [LABEL_COMPONENT]: component,
    [LABEL_PART_OF]: stackName,
    [LABEL_MANAGED_BY]: MANAGED_BY,
    [LABEL_STACK]: stackName,
  };
}

/**
 * The pod selector of a service's workload and Services. Selectors of Deployments and
 * DaemonSets are immutable, so it holds only what never changes: the stack and the service.
 */
export function serviceSelector(stackName: string, serviceName: string): Record<string, string> {
  return { [LABEL_STACK]: stackName, [LABEL_SERVICE]: serviceName };
}

/** A label selector string for everything Longshore manages for one stack. */
export function stackSelector(stackName: string): string {
  return `${MANAGED_BY_SELECTOR},${LABEL_STACK}=${stackName}`;
}

/** A label selector string for everything Longshore manages for one service of a stack. */
export function serviceSelectorString(stackName: string, serviceName: string): string {
  return `${stackSelector(stackName)},${LABEL_SERVICE}=${serviceName}`;
}
