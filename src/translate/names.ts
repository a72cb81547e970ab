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

/**
 * The claim for a service's volume at containerPath, in a volumes generation:
 * `<service>-<hash>-v<revision>`. The hash covers service and path, so a path keeps its claim
 * across redeploys that reuse volumes, and a new volumesRevision gives every path a new claim.
 * A long service name is cut so the whole stays a 63-character label.
 */
export function volumeClaimName(serviceName: string, containerPath: string, volumesRevision: number): string {
  const suffix = `-${shortHash(`${serviceName}\0${containerPath}`)}-v${volumesRevision}`;
  const head = serviceName.slice(0, MAX_LABEL - suffix.length).replace(/-+$/, '');
  return `${head}${suffix}`;
}

/** The pod volume name of a host path (pod volume names are labels, paths are not). */
export function hostPathVolumeName(hostPath: string): string {
  return `host-${shortHash(hostPath)}`;
}

/**
 * The Service name a link alias resolves as: lowercase, "_" as "-" (DNS has no "_" and is
 * case-insensitive). May still not be a DNS-1123 label; the caller checks.
 */
export function aliasServiceName(alias: string): string {
  return alias.toLowerCase().replaceAll('_', '-');
}

/** A Service port's name: unique per port and protocol, at most 15 characters ("udp-65535"). */
export function servicePortName(port: number, protocol: 'tcp' | 'udp'): string {
  return `${protocol}-${port}`;
}
