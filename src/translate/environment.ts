// A container's environment: the API's variables of a service with the global role, Docker's
// link variables, then the service's own variables, which win over a variable of the same name
// (as a user's -e wins in Docker).
import type { V1EnvVar } from '@kubernetes/client-node';
import type { Problem } from '../model/problem.ts';
import type { ServiceSpec } from '../model/stack.ts';
import { escapeKubernetesExpansion } from './escape.ts';
import { lastValueWins, linkEnvironment, linkPeer, type ResolvedLink } from './links.ts';

/** What Kubernetes accepts as a variable name: printable ASCII but "=" (relaxed validation, GA in 1.34). */
const ENV_NAME = /^[\x20-\x3c\x3e-\x7e]+$/;

/**
 * `links`: the service's resolved links (planLinks); links that could not be resolved are absent.
 * `api`: the API's variables (apiEnvironment), first, so that DOCKERCLOUD_AUTH can refer to
 * the token variable before it; none of them is escaped.
 */
export function containerEnvironment(
  svc: ServiceSpec,
  links: readonly ResolvedLink[],
  api: readonly V1EnvVar[] = [],
): { env: V1EnvVar[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const fromLinks = new Map<string, string>();
  for (const link of links) {
    for (const [name, value] of linkEnvironment(svc.name, link.alias, link.host, linkPeer(link.target))) {
      if (!ENV_NAME.test(name)) {
        problems.push({
          service: svc.name,
          field: `linkedToService[${link.index}]`,
          message: `the link variable "${name}" is not a valid environment variable name on Kubernetes`,
        });
        continue;
      }
      fromLinks.set(name, value);
    }
  }

  const own = lastValueWins(svc.containerEnvvars ?? []);
  svc.containerEnvvars?.forEach((v, i) => {
    if (!ENV_NAME.test(v.key))
      problems.push({
        service: svc.name,
        field: `containerEnvvars[${i}].key`,
        message: `"${v.key}" is not a valid environment variable name on Kubernetes (printable ASCII, no "=")`,
      });
  });

  const apiNames = new Set(api.map((v) => v.name));
  const env: V1EnvVar[] = api.filter((v) => !own.has(v.name));
  for (const [name, value] of fromLinks)
    if (!own.has(name) && !apiNames.has(name)) env.push({ name, value: escapeKubernetesExpansion(value) });
  for (const [name, value] of own) if (ENV_NAME.test(name)) env.push({ name, value: escapeKubernetesExpansion(value) });
  return { env, problems };
}
