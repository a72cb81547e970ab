// `convert`'s warnings about published ports the cluster will not publish on the requested
// number. The publishing mode is the operator's setting (LONGSHORE_PUBLISHED_SERVICE_TYPE),
// which convert cannot see: it reads the same variable from the caller's environment, and
// assumes the operator's default (NodePort) without it.
import type { ServiceSpec } from '../model/stack.ts';
import { PUBLISH_MODES, type PublishMode } from '../translate/options.ts';
import { portWarnings } from '../translate/published-ports.ts';

export function convertPortWarnings(
  services: readonly ServiceSpec[],
  env: Readonly<Record<string, string | undefined>>,
): { service: string; field: string; message: string }[] {
  const given = env['LONGSHORE_PUBLISHED_SERVICE_TYPE'];
  const mode: PublishMode = PUBLISH_MODES.find((m) => m === given) ?? 'NodePort';
  return portWarnings(services, { publishMode: mode }).map((w) => ({
    ...w,
    message: `${w.message} [assuming LONGSHORE_PUBLISHED_SERVICE_TYPE=${mode}]`,
  }));
}
