// Docker Cloud accepted service names such as `pieTracker` or `MariadbGalera`; Kubernetes
// names Deployments and Services with DNS-1123 labels. The rule, applied the same way to a
// service's own name, to link targets and to volumes_from:
//
//  - upper case is folded to lower case. DNS is case-insensitive, so containers that reach
//    `pieTracker` by host name still reach it, and link variables are upper-cased anyway;
//  - any other departure from a DNS-1123 label (`my_db`, `web.1`, more than 63 characters)
//    is refused with a suggested valid name: rewriting it silently would change the host name
//    other containers use, and they would stop finding the service.
import { DNS1123_LABEL } from './stack.ts';

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
export function serviceName(raw: string): { ok: true; name: string } | { ok: false; message: string } {
  const folded = raw.toLowerCase();
  if (isDns1123Label(folded)) return { ok: true, name: folded };
  const suggestion = toDns1123Label(raw);
  const hint = suggestion === '' ? '' : `; rename it, for example to "${suggestion}"`;
  return {
    ok: false,
    message:
      `"${raw}" is not a valid service name: Kubernetes needs a DNS-1123 label ` +
      `(at most 63 letters, digits and "-", starting and ending with a letter or digit)${hint}`,
  };
}

/** Docker Cloud's default service name: the image's name without registry, namespace, tag or digest. */
export function nameFromImage(image: string): string {
  const withoutDigest = image.split('@')[0] ?? '';
  const last = withoutDigest.split('/').pop() ?? '';
  return last.split(':')[0] ?? '';
}

/**
 * The sibling service a link or volumes_from names. Docker Cloud also let these name a service
 * of another stack (`svc.stack`); Longshore refuses that rather than guess which Kubernetes
 * object stands for the other stack's service: a Stack owns its services, and a reference that
 * silently resolved to nothing would be harder to find than an error now.
 */
export function siblingService(raw: string, verb: string): { ok: true; name: string } | { ok: false; message: string } {
  if (raw.startsWith('/api/'))
    return { ok: false, message: `${verb} "${raw}", a resource URI: name a service of this stack instead` };
  const dot = raw.indexOf('.');
  if (dot >= 0) {
    const service = raw.slice(0, dot);
    const stack = raw.slice(dot + 1);
    return {
      ok: false,
      message:
        `${verb} service "${service}" of stack "${stack}": references to other stacks are not supported ` +
        '(a Stack only reaches its own services); put both services in one stack',
    };
  }
  return serviceName(raw);
}
