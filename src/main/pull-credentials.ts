// The credentials Longshore asks a registry with, the ones the kubelet will pull with, from two
// sources an administrator chooses (docs/autoredeploy.md, docs/security.md):
//
// - LONGSHORE_REGISTRY_AUTH_FILE: a Docker config file (`auths`), typically a Secret the
//   administrator mounts into Longshore's pod; Longshore needs no right for it. Read again when
//   the file changes (the kubelet updates a mounted Secret in place).
// - LONGSHORE_READ_PULL_SECRETS=true: the imagePullSecrets of the ServiceAccount a service's pods
//   run as, read through the API (`get` on serviceaccounts and secrets: the optional
//   manifests/rbac-pull-secrets.yaml). Off by default: Longshore otherwise never reads a Secret.
//
// As the kubelet: the pull secrets' entries first, then the node's (here: the auth file's). The
// credentials never leave this process except towards the registry they are for: never logged,
// never in status or Events (errors name the Secret or file, not what it holds).
import { readFile, stat } from 'node:fs/promises';
import { CoreV1Api, type KubeConfig, type V1Secret } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { PullScope } from '../controller/image-resolver.ts';
import { TtlCache } from '../facade/ttl-cache.ts';
import type { Credentials } from '../registry/client.ts';
import { credentialsFor, type KeyringEntry, parseDockerConfig } from '../registry/docker-config.ts';
import { parseImageReference } from '../registry/reference.ts';
import { statusOf } from '../runtime/api-error.ts';

export type CredentialSource = (reference: string, scope: PullScope | undefined) => Promise<readonly Credentials[]>;

/** Reads a ServiceAccount's imagePullSecrets and the Secrets they name; undefined: not there. */
export interface PullSecretReader {
  serviceAccount(namespace: string, name: string): Promise<{ imagePullSecrets?: { name?: string }[] } | undefined>;
  secret(namespace: string, name: string): Promise<V1Secret | undefined>;
}

/** The entries of a pull secret: kubernetes.io/dockerconfigjson, or the older kubernetes.io/dockercfg. */
export function pullSecretEntries(secret: V1Secret): KeyringEntry[] {
  const where = `Secret ${secret.metadata?.namespace}/${secret.metadata?.name}`;
  const data = secret.data ?? {};
  const decode = (key: string) => Buffer.from(data[key] ?? '', 'base64').toString('utf8');
  if (secret.type === 'kubernetes.io/dockerconfigjson' && data['.dockerconfigjson'])
    return parseDockerConfig(decode('.dockerconfigjson'), `${where} (.dockerconfigjson)`);
  if (secret.type === 'kubernetes.io/dockercfg' && data['.dockercfg'])
    return parseDockerConfig(decode('.dockercfg'), `${where} (.dockercfg)`, true);
  // The kubelet skips a pull secret of another type: so does Longshore.
  return [];
}

/**
 * The auth file's entries, read again when its modification time changes. A file that breaks
 * later keeps the last good entries (and says so in the log once); read at start with `load`,
 * so that a bad file stops the process with the reason.
 */
export class AuthFile {
  private entries: KeyringEntry[] = [];
  private mtimeMs = -1;
  private readonly path: string;
  private readonly logger: Pick<Logger, 'warn'>;

  constructor(path: string, logger: Pick<Logger, 'warn'>) {
    this.path = path;
    this.logger = logger;
  }

  /** Reads the file; throws an Error naming the file and what is wrong. */
  async load(): Promise<void> {
    let text: string;
    let mtimeMs: number;
    try {
      mtimeMs = (await stat(this.path)).mtimeMs;
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      throw new Error(
        `LONGSHORE_REGISTRY_AUTH_FILE=${this.path}: cannot be read (${(err as NodeJS.ErrnoException).code ?? err})`,
      );
    }
    this.entries = parseDockerConfig(text, `LONGSHORE_REGISTRY_AUTH_FILE=${this.path}`);
    this.mtimeMs = mtimeMs;
  }

  async current(): Promise<readonly KeyringEntry[]> {
    const mtimeMs = await stat(this.path).then(
      (s) => s.mtimeMs,
      () => this.mtimeMs,
    );
    if (mtimeMs !== this.mtimeMs)
      await this.load().catch((err: unknown) => {
        this.mtimeMs = mtimeMs;
        this.logger.warn(
          { err: (err as Error).message },
          'the registry auth file changed and cannot be used; keeping its last good entries',
        );
      });
    return this.entries;
  }
}

export interface CredentialSourceOptions {
  authFile?: AuthFile;
  pullSecrets?: PullSecretReader;
  /** How long a ServiceAccount's pull secrets are kept before being read again. */
  cacheMs?: number;
  now?: () => number;
}

/** The credentials for a reference, pull secrets' first; none from sources not configured. */
export function credentialSource(o: CredentialSourceOptions): CredentialSource {
  const cache = new TtlCache<KeyringEntry[]>(o.cacheMs ?? 30_000, 10_000, o.now ?? Date.now);
  const reading = new Map<string, Promise<KeyringEntry[]>>();
  const secretEntries = async (reader: PullSecretReader, scope: PullScope): Promise<KeyringEntry[]> => {
    const key = `${scope.namespace}/${scope.serviceAccount}`;
    const cached = cache.get(key);
    if (cached !== undefined) return cached;
    // A stack's services ask together: one read for them all. A failure is not kept.
    let pending = reading.get(key);
    if (pending === undefined) {
      pending = readPullSecrets(reader, scope)
        .then((entries) => {
          cache.set(key, entries);
          return entries;
        })
        .finally(() => reading.delete(key));
      reading.set(key, pending);
    }
    return pending;
  };
  return async (reference, scope) => {
    const ref = parseImageReference(reference);
    const fromSecrets =
      o.pullSecrets !== undefined && scope !== undefined ? credentialsFor(await secretEntries(o.pullSecrets, scope), ref) : [];
    const fromFile = o.authFile !== undefined ? credentialsFor(await o.authFile.current(), ref) : [];
    return [...fromSecrets, ...fromFile];
  };
}

async function readPullSecrets(reader: PullSecretReader, scope: PullScope): Promise<KeyringEntry[]> {
  const { namespace, serviceAccount } = scope;
  const account = await reader.serviceAccount(namespace, serviceAccount).catch((err: unknown) => {
    throw new Error(`cannot read ServiceAccount ${namespace}/${serviceAccount} for its imagePullSecrets (${describe(err)})`);
  });
  const entries: KeyringEntry[] = [];
  for (const { name } of account?.imagePullSecrets ?? []) {
    if (!name) continue;
    const secret = await reader.secret(namespace, name).catch((err: unknown) => {
      throw new Error(`cannot read pull secret ${namespace}/${name} (${describe(err)})`);
    });
    // A pull secret that does not exist is skipped, as the kubelet skips it.
    if (secret !== undefined) entries.push(...pullSecretEntries(secret));
  }
  return entries;
}

function describe(err: unknown): string {
  if (statusOf(err) === 403) return 'forbidden: grant manifests/rbac-pull-secrets.yaml, or set LONGSHORE_READ_PULL_SECRETS=false';
  const status = statusOf(err);
  return status !== undefined ? `HTTP ${status}` : ((err as Error)?.message ?? String(err));
}

/** Reads through the API server; a 404 is "not there". */
export function kubePullSecretReader(kc: KubeConfig): PullSecretReader {
  const core = kc.makeApiClient(CoreV1Api);
  const orNone = <T>(p: Promise<T>) =>
    p.catch((err: unknown) => {
      if (statusOf(err) === 404) return undefined;
      throw err;
    });
  return {
    serviceAccount: (namespace, name) => orNone(core.readNamespacedServiceAccount({ namespace, name })),
    secret: (namespace, name) => orNone(core.readNamespacedSecret({ namespace, name })),
  };
}
