// A container's environment: Docker's link variables, then the service's own variables, which
// win over a link variable of the same name (as a user's -e wins in Docker).
import type { V1EnvVar } from '@kubernetes/client-node';
import type { ServiceSpec } from '../model/stack.ts';
import { linkAlias } from './defaults.ts';
import { escapeKubernetesExpansion } from './escape.ts';
import { lastValueWins, linkEnvironment } from './links.ts';
import { aliasServiceName } from './names.ts';
import type { Problem } from './problem.ts';

/** What Kubernetes accepts as a variable name: printable ASCII but "=" (relaxed validation, GA in 1.34). */
const ENV_NAME = /^[\x20-\x3c\x3e-\x7e]+$/;

export function containerEnvironment(
  svc: ServiceSpec,
  services: ReadonlyMap<string, ServiceSpec>,
): { env: V1EnvVar[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const fromLinks = new Map<string, string>();
  svc.linkedToService?.forEach((link, i) => {
    const target = services.get(link.toService);
    if (target === undefined) return; // reported by planLinkAliases
    const alias = linkAlias(link);
    for (const [name, value] of linkEnvironment(svc.name, alias, aliasServiceName(alias), target)) {
      if (!ENV_NAME.test(name)) {
        problems.push({
          service: svc.name,
          field: `linkedToService[${i}]`,
          message: `the link variable "${name}" is not a valid environment variable name on Kubernetes`,
        });
        continue;
      }
      fromLinks.set(name, value);
    }
  });

  const own = lastValueWins(svc.containerEnvvars ?? []);
  svc.containerEnvvars?.forEach((v, i) => {
    if (!ENV_NAME.test(v.key))
      problems.push({
        service: svc.name,
        field: `containerEnvvars[${i}].key`,
        message: `"${v.key}" is not a valid environment variable name on Kubernetes (printable ASCII, no "=")`,
      });
  });

  const env: V1EnvVar[] = [];
  for (const [name, value] of fromLinks) if (!own.has(name)) env.push({ name, value: escapeKubernetesExpansion(value) });
  for (const [name, value] of own) if (ENV_NAME.test(name)) env.push({ name, value: escapeKubernetesExpansion(value) });
  return { env, problems };
}
