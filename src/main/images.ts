// Digest resolution and autoredeploy as the settings ask for them: a resolver asking registries
// (none when LONGSHORE_RESOLVE_DIGESTS=false) with the credentials configured (an auth file,
// pull secrets: pull-credentials.ts), and a poller for autoredeploy services (none when
// LONGSHORE_AUTOREDEPLOY_POLL_SECONDS=0), run while this process leads.
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { ImagePoller } from '../controller/image-poller.ts';
import { ImageResolver } from '../controller/image-resolver.ts';
import type { Stack } from '../model/stack.ts';
import { resolveDigestWithAny } from '../registry/client.ts';
import { parseImageReference } from '../registry/reference.ts';
import { type Config, ConfigError } from './config.ts';
import type { Metrics } from './metrics.ts';
import { AuthFile, credentialSource, kubePullSecretReader } from './pull-credentials.ts';

/** The resolver; rejects with a ConfigError when the auth file cannot be used. */
export async function imageResolver(
  config: Config,
  metrics: Pick<Metrics, 'registryRequest'>,
  kubeConfig: KubeConfig,
  logger: Logger,
): Promise<ImageResolver | undefined> {
  if (!config.LONGSHORE_RESOLVE_DIGESTS) return undefined;
  const options = { insecure: config.LONGSHORE_INSECURE_REGISTRIES, timeoutMs: config.LONGSHORE_REGISTRY_TIMEOUT_SECONDS * 1000 };
  let authFile: AuthFile | undefined;
  if (config.LONGSHORE_REGISTRY_AUTH_FILE !== undefined) {
    authFile = new AuthFile(config.LONGSHORE_REGISTRY_AUTH_FILE, logger);
    await authFile.load().catch((err: unknown) => {
      throw new ConfigError(`invalid configuration:\n  ${(err as Error).message}`);
    });
  }
  const pullSecrets = config.LONGSHORE_READ_PULL_SECRETS ? kubePullSecretReader(kubeConfig) : undefined;
  return new ImageResolver({
    resolve: (reference, credentials) => resolveDigestWithAny(parseImageReference(reference), credentials, options),
    ...((authFile !== undefined || pullSecrets !== undefined) && {
      credentials: credentialSource({
        ...(authFile !== undefined && { authFile }),
        ...(pullSecrets !== undefined && { pullSecrets }),
      }),
    }),
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
