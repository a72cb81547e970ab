// Names of the objects Longshore derives from a stack, beyond the one-to-one service names.
// All are DNS-1123 labels (at most 63 characters), valid as object names and label values.
import { createHash } from 'node:crypto';
import { DNS1123_LABEL } from '../model/stack.ts';

const MAX_LABEL = 63;

export function isDns1123Label(name: string): boolean {
  return name.length <= MAX_LABEL && DNS1123_LABEL.test(name);
}

/** Eight hex digits of SHA-256: stable across releases and machines, short enough for names. */
export function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

/** A DNS-1035 label: what a Service's name must be (a letter first). */
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** `head-<hash of whole>` cut to a 63-character label; `whole` itself when it fits. */
function fitLabel(whole: string): string {
  if (whole.length <= MAX_LABEL) return whole;
  const suffix = `-${shortHash(whole)}`;
  return `${whole.slice(0, MAX_LABEL - suffix.length).replace(/-+$/, '')}${suffix}`;
}

/**
 * The name of a stack's DNS domain: its headless Service, under which each service name and
 * link alias of the stack resolves (`web.<stack>.<namespace>.svc.<cluster domain>`), so that
 * another stack reaches it as `web.<stack>`, Docker Cloud's form. A Service's name must start
 * with a letter; a Stack's may start with a digit, and then gets the prefix "stack-" (its
 * services are then reached across stacks by that name).
 */
export function stackDomainName(stackName: string): string {
  return DNS1035_LABEL.test(stackName) ? stackName : fitLabel(`stack-${stackName}`);
}

/**
 * The name of every child made for one service of a stack (workload, Service): the stack's
 * domain name and the service name, `<stack>-<service>`, cut with a hash of the whole when
 * longer than a label. Scoped by stack, so any number of stacks in a namespace may have a
 * `web`. Deterministic: the same stack and service give the same name on every release.
 */
export function serviceChildName(stackName: string, serviceName: string): string {
  return fitLabel(`${stackDomainName(stackName)}-${serviceName}`);
}

/**
 * The name of a stack's API access (roles: [global]): its ServiceAccount, the Role that lets it
 * read the namespace's Stacks and the RoleBinding between them, `<stack>-api-access`; the
 * token Secret adds `-token`. Stack-scoped like every child.
 */
export function apiAccessName(stackName: string): string {
  return fitLabel(`${stackDomainName(stackName)}-api-access`);
}

/**
 * The claim for a service's volume at containerPath, in a volumes generation:
 * `<stack>-<service>-<hash>-v<revision>`. The hash covers stack, service and path, so a path
 * keeps its claim across redeploys that reuse volumes, and a new volumesRevision gives every
 * path a new claim. A long head is cut so the whole stays a 63-character label.
 */
export function volumeClaimName(stackName: string, serviceName: string, containerPath: string, volumesRevision: number): string {
  const suffix = `-${shortHash(`${stackName}\0${serviceName}\0${containerPath}`)}-v${volumesRevision}`;
  const head = serviceChildName(stackName, serviceName)
    .slice(0, MAX_LABEL - suffix.length)
    .replace(/-+$/, '');
  return `${head}${suffix}`;
}

/**
 * The name releases before stack-scoped names gave the same claim: `<service>-<hash>-v<n>`.
 * A stack made then keeps its claims (a claim cannot be renamed, and its data must not be
 * lost), so the translation uses this name wherever the stack already owns such a claim.
 */
export function legacyVolumeClaimName(serviceName: string, containerPath: string, volumesRevision: number): string {
  const suffix = `-${shortHash(`${serviceName}\0${containerPath}`)}-v${volumesRevision}`;
  const head = serviceName.slice(0, MAX_LABEL - suffix.length).replace(/-+$/, '');
  return `${head}${suffix}`;
}

/** The pod volume name of a host path (pod volume names are labels, paths are not). */
export function hostPathVolumeName(hostPath: string): string {
  return `host-${shortHash(hostPath)}`;
}

/**
 * The host name a link alias resolves as: lowercase, "_" as "-" (DNS has no "_" and is
 * case-insensitive). May still not be a DNS-1123 label; the caller checks.
 */
export function aliasHostName(alias: string): string {
  return alias.toLowerCase().replaceAll('_', '-');
}

/** A Service port's name: unique per port and protocol, at most 15 characters ("udp-65535"). */
export function servicePortName(port: number, protocol: 'tcp' | 'udp'): string {
  return `${protocol}-${port}`;
}

/** The name every namespace's pods reach the Kubernetes API server by (`kubernetes.default`). */
export const KUBERNETES_SERVICE_NAME = 'kubernetes';

/**
 * Why `name` cannot be one of the stack's DNS names (a service name or a link alias), or
 * undefined when it can. A stack's names shadow, for its own pods, everything else of that
 * name: so none may be the API server's Service (`kubernetes`) or the name of one of the
 * stack's own objects (its domain `<stack>`, a service's `<stack>-<service>`), which would
 * then answer for something else. A service may be named like its stack (`postgres` in stack
 * `postgres`, Docker Cloud's usual one-service stack): inside the stack that name then means
 * that service, which is what its pods ask for; an alias may not.
 */
export function reservedNameReason(
  name: string,
  kind: 'service' | 'alias',
  stackName: string,
  serviceNames: readonly string[],
  /** For a service: its own name (its own child name is no clash). */
  self?: string,
): string | undefined {
  if (name === KUBERNETES_SERVICE_NAME)
    return `"${name}" is reserved: it is the name of the Kubernetes API server's Service, which the stack's pods would no longer reach by it`;
  if (kind === 'alias' && (name === stackName || name === stackDomainName(stackName)))
    return `"${name}" is reserved: it is the stack's own name (its DNS domain's Service "${stackDomainName(stackName)}")`;
  const owner = serviceNames.find((s) => s !== self && serviceChildName(stackName, s) === name);
  if (owner !== undefined)
    return `"${name}" is reserved: it is the name of the Service and workload of this stack's service "${owner}"`;
  return undefined;
}
