// The translation room's public face: Stack → Kubernetes objects (the Docker Cloud state rules
// are src/states/). Everything here is pure.

export { formatProblem, type Problem } from '../model/problem.ts';
export {
  apiTokenSecretName,
  SERVICE_ACCOUNT_NAME_ANNOTATION,
  SERVICE_ACCOUNT_UID_ANNOTATION,
} from './api-access.ts';
export { blockedServices, desiredObjects, type Translation } from './desired.ts';
export { LABEL_SLICE_MANAGED_BY, LABEL_SLICE_SERVICE, SLICE_MANAGER, stackDomain } from './discovery.ts';
export type {
  DaemonSetObject,
  DeploymentObject,
  EndpointSliceObject,
  JobObject,
  KubeObject,
  PersistentVolumeClaimObject,
  RoleBindingObject,
  RoleObject,
  SecretObject,
  ServiceAccountObject,
  ServiceObject,
} from './kube-object.ts';
export { controlledBy } from './kube-object.ts';
export * from './labels.ts';
export { linkedStackKeys, MAX_PLAIN_LINK_TARGETS, plainLinkNames } from './link-references.ts';
export { apiAccessName, legacyVolumeClaimName, serviceChildName, stackDomainName } from './names.ts';
export {
  defaultTranslateOptions,
  inClusterFacadeUrl,
  PUBLISH_MODES,
  type PublishMode,
  type TranslateOptions,
} from './options.ts';
export {
  DEFAULT_POD_SECURITY_LEVEL,
  isPodSecurityLevel,
  namespaceLevel,
  POD_SECURITY_ENFORCE_LABEL,
  POD_SECURITY_LEVELS,
  type PodSecurityLevel,
  type PodSecurityViolation,
  podSecurityViolations,
} from './pod-security.ts';
export {
  type NodePortHolder,
  nodePortConflicts,
  type PolicyTarget,
  policyProblems,
  refusedByConfiguration,
  requestedNodePorts,
} from './policy.ts';
export { serviceNeedsRecreate } from './service.ts';
export { EMPTY_SURROUNDINGS, type PlainService, plainServiceOf, type Surroundings } from './surroundings.ts';
export { stackWarnings } from './warnings.ts';
