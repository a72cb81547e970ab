// The one question Longshore asks a registry: which digest does this tag point to now? Asked
// through the OCI distribution API (HEAD /v2/<repository>/manifests/<tag>, the manifest's
// digest in Docker-Content-Digest), with the authentication a registry asks for in its
// WWW-Authenticate answer: none, Basic, or a Bearer token from the realm it names (Docker Hub,
// GHCR, Harbor...), anonymous or with the credentials given.
import { createHash } from 'node:crypto';
import { apiHost, type ImageReference } from './reference.ts';

/** Every manifest kind a runtime may pull: a multi-platform index first. */
export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

export interface Credentials {
  username: string;
  password: string;
}

export interface ClientOptions {
  /** Registries reached over plain HTTP (`host:port`); loopback addresses always are. */
  insecure?: readonly string[];
  /** Per request. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** A registry that answered, but not with a digest: the message says what it answered. */
export class RegistryError extends Error {
  readonly status: number | undefined;
  constructor(message: string, status?: number) {
    super(message);
    this.name = 'RegistryError';
    this.status = status;
  }
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d+)?$/;

export function registryBaseUrl(registry: string, insecure: readonly string[] = []): string {
  const host = apiHost(registry);
  const plain = LOOPBACK.test(host) || insecure.includes(host) || insecure.includes(registry);
  return `${plain ? 'http' : 'https'}://${host}`;
}

/** The parameters of a `WWW-Authenticate: Bearer realm="...",service="...",scope="..."` header. */
export function parseChallenge(header: string): { scheme: string; params: Record<string, string> } {
  const space = header.indexOf(' ');
  const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
  const params: Record<string, string> = {};
  for (const m of (space < 0 ? '' : header.slice(space + 1)).matchAll(/([a-zA-Z_]+)=(?:"([^"]*)"|([^,\s]*))/g))
    params[m[1]!.toLowerCase()] = m[2] ?? m[3] ?? '';
  return { scheme, params };
}

const basic = (c: Credentials) => `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;

/**
 * The digest the reference's tag points to. Rejects with a RegistryError (the registry said
 * no: unknown tag, refused credentials) or the network's error (not reached).
 */
export async function resolveDigest(ref: ImageReference, credentials?: Credentials, opts: ClientOptions = {}): Promise<string> {
  if (ref.digest !== undefined) return ref.digest;
  const doFetch = opts.fetch ?? fetch;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const url = `${registryBaseUrl(ref.registry, opts.insecure)}/v2/${ref.repository}/manifests/${ref.tag ?? 'latest'}`;
  const where = `${ref.registry}/${ref.repository}:${ref.tag ?? 'latest'}`;
  const ask = (method: 'HEAD' | 'GET', authorization?: string) =>
    doFetch(url, {
      method,
      headers: { accept: MANIFEST_ACCEPT, ...(authorization !== undefined && { authorization }) },
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'follow',
    });

  let authorization: string | undefined;
  let res = await ask('HEAD');
  if (res.status === 401) {
    authorization = await authorize(res.headers.get('www-authenticate') ?? '', credentials, where, doFetch, timeoutMs);
    res = await ask('HEAD', authorization);
  }
  if (res.status === 401 || res.status === 403)
    throw new RegistryError(
      `${where}: the registry refused ${credentials ? 'the credentials given' : 'anonymous access'} (HTTP ${res.status})`,
      res.status,
    );
  if (res.status === 404) throw new RegistryError(`${where}: no such image or tag in the registry (HTTP 404)`, 404);
  if (!res.ok) throw new RegistryError(`${where}: the registry answered HTTP ${res.status}`, res.status);
  const header = res.headers.get('docker-content-digest');
  if (header) return header;
  // Some registries leave the header out of HEAD answers: the digest of the manifest's bytes.
  const full = await ask('GET', authorization);
  if (!full.ok) throw new RegistryError(`${where}: the registry answered HTTP ${full.status}`, full.status);
  return (
    full.headers.get('docker-content-digest') ??
    `sha256:${createHash('sha256')
      .update(Buffer.from(await full.arrayBuffer()))
      .digest('hex')}`
  );
}

/** The Authorization header the challenge asks for. */
async function authorize(
  header: string,
  credentials: Credentials | undefined,
  where: string,
  doFetch: typeof fetch,
  timeoutMs: number,
): Promise<string | undefined> {
  const { scheme, params } = parseChallenge(header);
  if (scheme === 'basic') {
    if (!credentials) throw new RegistryError(`${where}: the registry asks for a user name and password, and none is given`, 401);
    return basic(credentials);
  }
  if (scheme !== 'bearer' || !params['realm'])
    throw new RegistryError(`${where}: the registry asks for authentication Longshore does not speak ("${header}")`, 401);
  const token = new URL(params['realm']);
  if (params['service']) token.searchParams.set('service', params['service']);
  if (params['scope']) token.searchParams.set('scope', params['scope']);
  const res = await doFetch(token, {
    headers: credentials ? { authorization: basic(credentials) } : {},
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!res.ok)
    throw new RegistryError(`${where}: the registry's token service ${token.origin} answered HTTP ${res.status}`, res.status);
  const body = (await res.json()) as { token?: string; access_token?: string };
  const value = body.token ?? body.access_token;
  if (!value) throw new RegistryError(`${where}: the registry's token service ${token.origin} gave no token`);
  return `Bearer ${value}`;
}

/**
 * The digest, asked with each of the credentials the kubelet would try in turn (the next one
 * when the registry refuses one), or anonymously when none applies, as the kubelet pulls.
 */
export async function resolveDigestWithAny(
  ref: ImageReference,
  candidates: readonly Credentials[],
  opts: ClientOptions = {},
): Promise<string> {
  if (candidates.length === 0) return resolveDigest(ref, undefined, opts);
  let refusal: unknown;
  for (const credentials of candidates) {
    try {
      return await resolveDigest(ref, credentials, opts);
    } catch (err) {
      if (!(err instanceof RegistryError && (err.status === 401 || err.status === 403))) throw err;
      refusal = err;
    }
  }
  throw refusal;
}
