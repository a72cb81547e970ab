// The one question Longshore asks a registry: which digest does this tag point to now? Asked
// through the OCI distribution API (HEAD /v2/<repository>/manifests/<tag>, the manifest's
// digest in Docker-Content-Digest), with the authentication a registry asks for in its
// WWW-Authenticate answer: none, Basic, or a Bearer token from the realm it names (Docker Hub,
// GHCR, Harbor...), anonymous or with the credentials given.
//
// The host comes from an image a stack editor wrote, and so do the registry's answers: every
// request goes only where the image (or the realm it names) says, redirects are followed on the
// same host only, a realm is asked over HTTPS unless its host may be plain HTTP, and what is
// read back is bounded (a manifest's 4 MiB, a token answer's 64 KiB). docs/security.md.
import { createHash } from 'node:crypto';
import { quote } from '../util/show.ts';
import { apiHost, type ImageReference } from './reference.ts';

/** Every manifest kind a runtime may pull: a multi-platform index first. */
const MANIFEST_ACCEPT = [
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

/** Whether a host (`host:port`) may be asked over plain HTTP. */
const plainHttpAllowed = (host: string, insecure: readonly string[], registry = host) =>
  LOOPBACK.test(host) || insecure.includes(host) || insecure.includes(registry);

function registryBaseUrl(registry: string, insecure: readonly string[] = []): string {
  const host = apiHost(registry);
  return `${plainHttpAllowed(host, insecure, registry) ? 'http' : 'https'}://${host}`;
}

/** The most of a manifest read (the OCI distribution spec's limit), and of a token answer. */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const MAX_TOKEN_BYTES = 64 * 1024;
/** Same-host redirects followed (a registry behind a path prefix, a trailing slash). */
const MAX_REDIRECTS = 3;

/**
 * fetch, following redirects only to the same host (a registry's answer cannot send Longshore
 * elsewhere, nor its credentials).
 */
async function fetchSameHost(doFetch: typeof fetch, url: URL, init: RequestInit): Promise<Response> {
  let at = url;
  for (let hop = 0; ; hop++) {
    const res = await doFetch(at, { ...init, redirect: 'manual' });
    const location = res.status >= 300 && res.status < 400 ? res.headers.get('location') : null;
    if (location === null) return res;
    const next = new URL(location, at);
    if (next.host !== url.host || hop >= MAX_REDIRECTS)
      throw new RegistryError(`${url.host} redirected to ${quote(next.host)}, which Longshore does not follow`, res.status);
    at = next;
  }
}

/** The body's bytes, refused past `max` while reading (a registry cannot fill the memory). */
async function readBounded(res: Response, max: number, what: string): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body ?? []) {
    size += chunk.byteLength;
    if (size > max) throw new RegistryError(`${what} is larger than ${max} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
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
  const url = new URL(`${registryBaseUrl(ref.registry, opts.insecure)}/v2/${ref.repository}/manifests/${ref.tag ?? 'latest'}`);
  const where = `${ref.registry}/${ref.repository}:${ref.tag ?? 'latest'}`;
  const ask = (method: 'HEAD' | 'GET', authorization?: string) =>
    fetchSameHost(doFetch, url, {
      method,
      headers: { accept: MANIFEST_ACCEPT, ...(authorization !== undefined && { authorization }) },
      signal: AbortSignal.timeout(timeoutMs),
    });

  let authorization: string | undefined;
  let res = await ask('HEAD');
  if (res.status === 401) {
    authorization = await authorize(
      res.headers.get('www-authenticate') ?? '',
      credentials,
      where,
      doFetch,
      timeoutMs,
      opts.insecure,
    );
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
      .update(await readBounded(full, MAX_MANIFEST_BYTES, `${where}: the manifest`))
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
  insecure: readonly string[] = [],
): Promise<string | undefined> {
  const { scheme, params } = parseChallenge(header);
  if (scheme === 'basic') {
    if (!credentials) throw new RegistryError(`${where}: the registry asks for a user name and password, and none is given`, 401);
    return basic(credentials);
  }
  if (scheme !== 'bearer' || !params['realm'])
    throw new RegistryError(`${where}: the registry asks for authentication Longshore does not speak (${quote(header)})`, 401);
  const token = parseRealm(params['realm'], where);
  if (token.protocol !== 'https:' && !(token.protocol === 'http:' && plainHttpAllowed(token.host, insecure)))
    throw new RegistryError(`${where}: the registry names a token service that is not HTTPS (${quote(token.origin)})`, 401);
  if (params['service']) token.searchParams.set('service', params['service']);
  if (params['scope']) token.searchParams.set('scope', params['scope']);
  const res = await fetchSameHost(doFetch, token, {
    headers: credentials ? { authorization: basic(credentials) } : {},
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!res.ok)
    throw new RegistryError(`${where}: the registry's token service ${token.origin} answered HTTP ${res.status}`, res.status);
  let body: { token?: unknown; access_token?: unknown };
  try {
    body = JSON.parse((await readBounded(res, MAX_TOKEN_BYTES, `${where}: the token answer`)).toString('utf8'));
  } catch (err) {
    if (err instanceof RegistryError) throw err;
    throw new RegistryError(`${where}: the registry's token service ${token.origin} answered with no JSON`);
  }
  const value = body?.token ?? body?.access_token;
  if (typeof value !== 'string' || value === '')
    throw new RegistryError(`${where}: the registry's token service ${token.origin} gave no token`);
  return `Bearer ${value}`;
}

function parseRealm(realm: string, where: string): URL {
  try {
    return new URL(realm);
  } catch {
    throw new RegistryError(`${where}: the registry names a token service that is no URL (${quote(realm)})`, 401);
  }
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
