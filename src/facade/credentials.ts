// The API key is a Kubernetes bearer token. Clients send it as Docker Cloud did, HTTP Basic
// `username:apikey` (the username is ignored: Kubernetes says who the token belongs to), or
// verbatim through DOCKERCLOUD_AUTH, e.g. `Bearer <token>`; Docker Cloud's own
// `ApiKey username:apikey` form is accepted too.

/** The bearer token in an Authorization header, or undefined when there is none. */
export function tokenFromAuthorization(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*(\S+)\s+(.+?)\s*$/.exec(header);
  if (match === null) return undefined;
  const scheme = match[1]!.toLowerCase();
  const value = match[2]!;
  switch (scheme) {
    case 'bearer':
      return value;
    case 'basic': {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const token = colon === -1 ? decoded : decoded.slice(colon + 1);
      return token === '' ? undefined : token;
    }
    case 'apikey': {
      const colon = value.indexOf(':');
      const token = colon === -1 ? value : value.slice(colon + 1);
      return token === '' ? undefined : token;
    }
    default:
      return undefined;
  }
}

const SERVICE_ACCOUNT = /^system:serviceaccount:([^:]+):[^:]+$/;

/** A ServiceAccount's own namespace, from its username; undefined for other users. */
export function serviceAccountNamespace(username: string): string | undefined {
  return SERVICE_ACCOUNT.exec(username)?.[1];
}
