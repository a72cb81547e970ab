// Image references as Docker reads them: `[host[:port]/]path[:tag][@digest]`. A first component
// with a dot, a colon or named `localhost` is a registry host; otherwise the image is on Docker
// Hub, whose one-component names live under `library/`. Pure: no I/O.

export interface ImageReference {
  /** The registry as written or implied: `docker.io`, `ghcr.io`, `127.0.0.1:5000`. */
  registry: string;
  /** The repository inside it: `library/nginx`, `acme/web`. */
  repository: string;
  /** The tag: as written, or `latest` when neither a tag nor a digest is given. */
  tag?: string;
  /** `sha256:<hex>`, when the reference is pinned already. */
  digest?: string;
}

export const DOCKER_HUB = 'docker.io';

const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

/** Parses a reference; throws an Error saying which part is wrong. */
export function parseImageReference(text: string): ImageReference {
  let rest = text.trim();
  if (rest === '') throw new Error('an image reference is empty');
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw new Error(`"${text}": "${digest}" is not a digest (algorithm:hex)`);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw new Error(`"${text}": "${tag}" is not a tag (letters, digits, _ . -; at most 128)`);
  }
  const parts = rest.split('/');
  const first = parts[0] ?? '';
  let registry = DOCKER_HUB;
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    registry = first;
    parts.shift();
  }
  if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = DOCKER_HUB;
  if (registry === DOCKER_HUB && parts.length === 1) parts.unshift('library');
  for (const p of parts)
    if (!PATH_COMPONENT.test(p))
      throw new Error(`"${text}": "${p}" is not a repository name component (lowercase letters, digits, separators)`);
  return {
    registry,
    repository: parts.join('/'),
    ...(tag === undefined && digest === undefined ? { tag: 'latest' } : tag !== undefined ? { tag } : {}),
    ...(digest !== undefined && { digest }),
  };
}

/**
 * The reference pinned to a digest, keeping how the user named the repository (`nginx`, not
 * `docker.io/library/nginx`): `nginx:1.27` → `nginx@sha256:...`.
 */
export function pinnedReference(text: string, digest: string): string {
  let name = text.trim();
  const at = name.indexOf('@');
  if (at >= 0) name = name.slice(0, at);
  const colon = name.lastIndexOf(':');
  if (colon > name.lastIndexOf('/')) name = name.slice(0, colon);
  return `${name}@${digest}`;
}

/** The host the registry's HTTP API answers on: Docker Hub's API is not at docker.io. */
export function apiHost(registry: string): string {
  return registry === DOCKER_HUB ? 'registry-1.docker.io' : registry;
}
