// Docker labels on a service (compose `labels`) as pod metadata: pod ANNOTATIONS of the same
// key, never pod labels. Labels are what selectors match: a Docker label `app: victim` as a pod
// label would put a stack's pods into the endpoints of a Service it does not own (or under a
// Deployment's, a NetworkPolicy's, a PodDisruptionBudget's selector). Annotations take any value,
// stay visible (`kubectl describe pod`) and select nothing. Keys must be Kubernetes qualified
// names, and may not be in the domains Kubernetes and Longshore reserve for themselves
// (`kubernetes.io`, `k8s.io` and their subdomains; `longshore.io`): there an annotation is an
// instruction (AppArmor profiles, say), not a note.

import type { Problem } from '../model/problem.ts';
import type { ServiceSpec } from '../model/stack.ts';
import { LONGSHORE_PREFIX } from './labels.ts';

const NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function isQualifiedName(key: string): boolean {
  const slash = key.indexOf('/');
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (slash >= 0) {
    const prefix = key.slice(0, slash);
    if (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix)) return false;
  }
  return name.length <= 63 && NAME.test(name);
}

/** The domains of keys a Docker label may not use: Kubernetes' own and Longshore's. */
const RESERVED_DOMAINS = ['kubernetes.io', 'k8s.io', LONGSHORE_PREFIX.slice(0, -1)];

/** Whether a key's prefix is a reserved domain or one of its subdomains. */
export function isReservedKey(key: string): boolean {
  const slash = key.indexOf('/');
  if (slash < 0) return false;
  const prefix = key.slice(0, slash).toLowerCase();
  return RESERVED_DOMAINS.some((d) => prefix === d || prefix.endsWith(`.${d}`));
}

export function userPodMetadata(svc: ServiceSpec): {
  annotations: Record<string, string>;
  problems: Problem[];
} {
  const annotations: Record<string, string> = {};
  const problems: Problem[] = [];
  for (const key of Object.keys(svc.labels ?? {}).sort()) {
    const value = svc.labels?.[key] ?? '';
    const field = `labels[${JSON.stringify(key)}]`;
    if (isReservedKey(key)) {
      problems.push({
        service: svc.name,
        field,
        message: `"${key}" is in a domain Kubernetes or Longshore reserves (kubernetes.io, k8s.io, longshore.io): Docker labels become pod annotations, and these would be instructions`,
      });
    } else if (!isQualifiedName(key)) {
      problems.push({
        service: svc.name,
        field,
        message: `"${key}" is not a valid Kubernetes annotation key (an optional DNS-subdomain prefix and "/", then up to 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit)`,
      });
    } else {
      annotations[key] = value;
    }
  }
  return { annotations, problems };
}
