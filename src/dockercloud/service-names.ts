// Docker Cloud accepted service names such as `pieTracker` or `MariadbGalera`; Kubernetes
// names Deployments and Services with DNS-1123 labels. The rule, applied the same way to a
// service's own name, to link targets and to volumes_from:
//
//  - upper case is folded to lower case. DNS is case-insensitive, so containers that reach
//    `pieTracker` by host name still reach it, and link variables are upper-cased anyway;
//  - any other departure from a DNS-1123 label (`my_db`, `web.1`, more than 63 characters)
//    is refused with a suggested valid name: rewriting it silently would change the host name
//    other containers use, and they would stop finding the service.

import { DNS1123_LABEL } from '../model/stack.ts';
import { fail, ok, type Result } from '../util/result.ts';
import { quote } from '../util/show.ts';

const MAX_LABEL = 63;

/** The closest DNS-1123 label: lower case, runs of other characters as "-", at most 63 characters. */
export function toDns1123Label(raw: string): string {
  return raw
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+/, '')
    .slice(0, MAX_LABEL)
    .replace(/-+$/, '');
}

export function isDns1123Label(name: string): boolean {
  return name.length <= MAX_LABEL && DNS1123_LABEL.test(name);
}

/** The service name Longshore uses for `raw`, or why there is none. */
export function serviceName(raw: string): Result<string> {
  const folded = raw.toLowerCase();
  if (isDns1123Label(folded)) return ok(folded);
  const suggestion = toDns1123Label(raw);
  const hint = suggestion === '' ? '' : `; rename it, for example to ${quote(suggestion)}`;
  return fail(
    `${quote(raw)} is not a valid service name: Kubernetes needs a DNS-1123 label ` +
      `(at most 63 letters, digits and "-", starting and ending with a letter or digit)${hint}`,
  );
}

/** Docker Cloud's default service name: the image's name without registry, namespace, tag or digest. */
export function nameFromImage(image: string): string {
  const withoutDigest = image.split('@')[0] ?? '';
  const last = withoutDigest.split('/').pop() ?? '';
  return last.split(':')[0] ?? '';
}

/**
 * What a link names: a service of this stack or a Kubernetes Service of the namespace (`db`),
 * or a service of another stack of the namespace (`db.other`, Docker Cloud's form). Each part
 * is folded to lower case like a service name (Docker Cloud's stack names had capitals too);
 * whether the target exists is decided where the namespace is known (façade, controller).
 */
export function linkTarget(raw: string): Result<string> {
  if (raw.startsWith('/api/'))
    return fail(`links to ${quote(raw)}, a resource URI: name the service instead ("db", or "db.stack")`);
  const parts = raw.split('.');
  if (parts.length > 2) return fail(`links to ${quote(raw)}: name a service as "service" or "service.stack" (one dot at most)`);
  const names: string[] = [];
  for (const part of parts) {
    const checked = serviceName(part);
    if (!checked.ok) return fail(`links to ${quote(raw)}: ${checked.error}`);
    names.push(checked.value);
  }
  return ok(names.join('.'));
}

/**
 * The sibling service volumes_from names. Docker Cloud also let it name a service of another
 * stack (`svc.stack`); Longshore refuses that: a stack's volumes are claims it owns, mounted
 * by its own pods on one node (ReadWriteOnce), and they go when that stack is terminated.
 */
export function volumesFromService(raw: string): Result<string> {
  if (raw.startsWith('/api/'))
    return fail(`takes volumes from ${quote(raw)}, a resource URI: name a service of this stack instead`);
  const dot = raw.indexOf('.');
  if (dot >= 0) {
    const service = raw.slice(0, dot);
    const stack = raw.slice(dot + 1);
    return fail(
      `takes volumes from service ${quote(service)} of stack ${quote(stack)}: volumes are not shared across stacks ` +
        "(a stack's volumes are claims it owns, mounted on one node, removed with it); put both services in one stack",
    );
  }
  return serviceName(raw);
}
