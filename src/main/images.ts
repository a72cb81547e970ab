// Digest resolution and autoredeploy as the settings ask for them: a resolver asking registries
// (none when LONGSHORE_RESOLVE_DIGESTS=false), and a poller for autoredeploy services (none when
// LONGSHORE_AUTOREDEPLOY_POLL_SECONDS=0), run while this process leads.
import type { Logger } from 'pino';
import { ImagePoller } from '../controller/image-poller.ts';
import { ImageResolver } from '../controller/image-resolver.ts';
import type { Stack } from '../model/stack.ts';
import { resolveDigest } from '../registry/client.ts';
import { parseImageReference } from '../registry/reference.ts';
import type { Config } from './config.ts';
import type { Metrics } from './metrics.ts';

export function imageResolver(config: Config, metrics: Pick<Metrics, 'registryRequest'>): ImageResolver | undefined {
  if (!config.LONGSHORE_RESOLVE_DIGESTS) return undefined;
  const options = { insecure: config.LONGSHORE_INSECURE_REGISTRIES, timeoutMs: config.LONGSHORE_REGISTRY_TIMEOUT_SECONDS * 1000 };
  // Pull secrets are not read yet: private registries are asked anonymously (see docs/autoredeploy.md).
  return new ImageResolver({
    resolve: (reference) => resolveDigest(parseImageReference(reference), undefined, options),
    onAnswer: metrics.registryRequest,
  });
}

export function imagePoller(
  config: Config,
  resolver: ImageResolver | undefined,
  stacks: () => readonly Stack[],
  wake: (stacks: readonly Stack[]) => void,
  logger: Logger,
): ImagePoller | undefined {
  if (resolver === undefined || config.LONGSHORE_AUTOREDEPLOY_POLL_SECONDS === 0) return undefined;
  return new ImagePoller({
    resolver,
    stacks,
    wake,
    intervalMs: config.LONGSHORE_AUTOREDEPLOY_POLL_SECONDS * 1000,
    perRegistryPerMinute: config.LONGSHORE_REGISTRY_REQUESTS_PER_MINUTE,
    logger,
  });
}
