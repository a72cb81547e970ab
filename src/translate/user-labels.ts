// Docker labels on a service (compose `labels`) as pod metadata. A Docker label is free text;
// a Kubernetes label value is not (63 characters of letters, digits, "-", "_", "."). So a label
// Kubernetes accepts becomes a pod label (selectable with `kubectl -l`), and one whose value
// it does not accept becomes a pod annotation of the same key, which takes any value. Keys
// must be Kubernetes qualified names either way, and may not be the keys Longshore sets.
import type { ServiceSpec } from '../model/stack.ts';
import { LONGSHORE_PREFIX, RESERVED_LABEL_KEYS } from './labels.ts';
import type { Problem } from './problem.ts';

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

export function isLabelValue(value: string): boolean {
  return value === '' || (value.length <= 63 && NAME.test(value));
}

export function userPodMetadata(svc: ServiceSpec): {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  problems: Problem[];
} {
  const labels: Record<string, string> = {};
  const annotations: Record<string, string> = {};
  const problems: Problem[] = [];
  for (const key of Object.keys(svc.labels ?? {}).sort()) {
    const value = svc.labels?.[key] ?? '';
    const field = `labels[${JSON.stringify(key)}]`;
    if (key.startsWith(LONGSHORE_PREFIX) || RESERVED_LABEL_KEYS.includes(key)) {
      problems.push({ service: svc.name, field, message: `"${key}" is a label Longshore sets itself` });
    } else if (!isQualifiedName(key)) {
      problems.push({
        service: svc.name,
        field,
        message: `"${key}" is not a valid Kubernetes label key (an optional DNS-subdomain prefix and "/", then up to 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit)`,
      });
    } else if (isLabelValue(value)) {
      labels[key] = value;
    } else {
      annotations[key] = value;
    }
  }
  return { labels, annotations, problems };
}
