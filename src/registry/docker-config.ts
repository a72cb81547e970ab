// Registry credentials as Docker and the kubelet keep them: a Docker config file
// (`{"auths": {"<registry>": {"auth": base64(user:password)}}}`, what `docker login` writes and
// a kubernetes.io/dockerconfigjson Secret holds) or the older .dockercfg map (the same entries,
// without `auths`). Which entry serves an image is decided as the kubelet decides it
// (k8s.io/kubernetes pkg/credentialprovider keyring.go), so that Longshore asks the registry
// with the credentials the kubelet will pull with. Pure: no I/O.
import type { Credentials } from './client.ts';
import { DOCKER_HUB, type ImageReference } from './reference.ts';

/** One entry of a keyring: where it applies (host[:port][/path], maybe with `*` globs) and what it holds. */
export interface KeyringEntry {
  key: string;
  credentials: Credentials;
}

/** The host the kubelet files Docker Hub's `https://index.docker.io/v1/` entry under. */
const DEFAULT_REGISTRY_HOST = 'index.docker.io';

/**
 * The entries of a Docker config file's text (`auths`, or the .dockercfg map when `legacy`).
 * Throws an Error naming the entry and the rule; `source` says which file or Secret, for that
 * message (it never holds a credential).
 */
export function parseDockerConfig(text: string, source: string, legacy = false): KeyringEntry[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    // Not the parser's message: it quotes the text, which holds credentials.
    throw new Error(`${source}: not JSON`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error(`${source}: must be a JSON object`);
  const auths = legacy ? doc : (doc as { auths?: unknown }).auths;
  if (auths === undefined) return [];
  if (typeof auths !== 'object' || auths === null || Array.isArray(auths))
    throw new Error(`${source}: "auths" must be an object of registries`);
  const entries: KeyringEntry[] = [];
  for (const [registry, value] of Object.entries(auths as Record<string, unknown>)) {
    const credentials = entryCredentials(value, `${source}: auths["${registry}"]`);
    const key = keyringKey(registry);
    if (credentials !== undefined && key !== undefined) entries.push({ key, credentials });
  }
  return entries;
}

/** An entry's user name and password: `auth` (base64 of user:password) wins over `username`/`password`, as in the kubelet. */
function entryCredentials(value: unknown, where: string): Credentials | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${where} must be an object`);
  const v = value as Record<string, unknown>;
  for (const field of ['auth', 'username', 'password'])
    if (v[field] !== undefined && typeof v[field] !== 'string') throw new Error(`${where}.${field} must be a string`);
  const auth = v['auth'] as string | undefined;
  if (auth !== undefined && auth !== '') {
    const decoded = Buffer.from(auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new Error(`${where}.auth must be the base64 of user:password`);
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  const username = (v['username'] as string | undefined) ?? '';
  const password = (v['password'] as string | undefined) ?? '';
  // An entry with neither (an identity token, a credential helper's placeholder) gives nothing to send.
  return username === '' && password === '' ? undefined : { username, password };
}

/**
 * The kubelet's key for an entry: host[:port] and the path, if any, without a scheme and without
 * the `/v1/` or `/v2/` Docker's clients add; Docker Hub's `https://index.docker.io/v1/` is
 * `index.docker.io`. Undefined for an empty host.
 */
export function keyringKey(registry: string): string | undefined {
  const schemeless = registry.trim().replace(/^https?:\/\//i, '');
  const slash = schemeless.indexOf('/');
  const host = (slash < 0 ? schemeless : schemeless.slice(0, slash)).toLowerCase();
  let path = slash < 0 ? '' : schemeless.slice(slash).replace(/[?#].*$/, '');
  if (path.startsWith('/v2/') || path.startsWith('/v1/')) path = path.slice(3);
  if (host === '') return undefined;
  return path.length > 0 && path !== '/' ? `${host}${path}` : host;
}

/** `host[:port]` and path of a schemeless `host[:port][/path]`. */
function split(schemeless: string): { host: string; port: string; path: string } {
  const slash = schemeless.indexOf('/');
  const hostPort = slash < 0 ? schemeless : schemeless.slice(0, slash);
  const path = slash < 0 ? '' : schemeless.slice(slash);
  const colon = hostPort.lastIndexOf(':');
  return colon < 0
    ? { host: hostPort, port: '', path }
    : { host: hostPort.slice(0, colon), port: hostPort.slice(colon + 1), path };
}

/** One host label against one glob label (`*`, `?` and `[...]` as Go's filepath.Match). */
function labelMatches(glob: string, label: string): boolean {
  const pattern = glob
    .replace(/[.+^${}()|\\]/g, '\\$&')
    .replace(/\*/g, '[^.]*')
    .replace(/\?/g, '[^.]');
  try {
    return new RegExp(`^${pattern}$`).test(label);
  } catch {
    return false;
  }
}

/** The kubelet's URLsMatch: same port, same number of host labels each matching its glob, the path a prefix. */
export function keyMatches(key: string, target: string): boolean {
  const k = split(key);
  const t = split(target);
  if (k.port !== t.port) return false;
  const kl = k.host.split('.');
  const tl = t.host.split('.');
  if (kl.length !== tl.length || !kl.every((g, i) => labelMatches(g, tl[i]!))) return false;
  return t.path.startsWith(k.path);
}

/** Whether the kubelet counts the image as Docker Hub's, for the `index.docker.io` entry. */
function onDockerHub(ref: ImageReference): boolean {
  return ref.registry === DOCKER_HUB;
}

/**
 * The credentials the kubelet would try for an image, in its order: the entries whose key
 * matches `registry/repository`, longest key first (reverse lexical order, as the kubelet sorts
 * its index); failing any, Docker Hub's entry for an image on Docker Hub. Empty: anonymous.
 */
export function credentialsFor(entries: readonly KeyringEntry[], ref: ImageReference): Credentials[] {
  const target = `${ref.registry}/${ref.repository}`;
  const keys = [...new Set(entries.map((e) => e.key))].sort().reverse();
  const matched = keys.filter((k) => keyMatches(k, target)).flatMap((k) => entries.filter((e) => e.key === k));
  if (matched.length > 0) return matched.map((e) => e.credentials);
  return onDockerHub(ref) ? entries.filter((e) => e.key === DEFAULT_REGISTRY_HOST).map((e) => e.credentials) : [];
}
