// The registry client against a small in-process HTTP server speaking the distribution API's
// manifest and token endpoints, as Docker Hub (Bearer), a private registry (Basic) and an
// open one (no authentication) do.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseChallenge, resolveDigest, resolveDigestWithAny } from '../../../src/registry/client.ts';
import { parseImageReference } from '../../../src/registry/reference.ts';

const MANIFEST = '{"schemaVersion":2}';
const DIGEST = `sha256:${createHash('sha256').update(MANIFEST).digest('hex')}`;
const basicOf = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

let server: Server;
let host: string;

function route(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', `http://${host}`);
  const auth = req.headers.authorization;
  const reply = (status: number, headers: Record<string, string> = {}, body?: string) => {
    res.writeHead(status, headers);
    res.end(body);
  };
  const manifest = (withHeader: boolean) =>
    reply(
      200,
      { 'content-type': 'application/vnd.oci.image.manifest.v1+json', ...(withHeader && { 'docker-content-digest': DIGEST }) },
      req.method === 'GET' ? MANIFEST : undefined,
    );
  const m = /^\/v2\/(.+)\/manifests\/(.+)$/.exec(url.pathname);
  const [, repo, tag] = m ?? [];
  const scope = url.searchParams.get('scope') ?? '';
  if (url.pathname === '/token') {
    if (!/^repository:(public|private)\/app:pull$/.test(scope)) reply(400);
    else if (auth !== undefined && auth !== basicOf('me', 'secret')) reply(401);
    else reply(200, { 'content-type': 'application/json' }, JSON.stringify({ token: auth ? 'user-token' : 'anon-token' }));
  } else if (!m) reply(404);
  else if (!req.headers.accept?.includes('application/vnd.oci.image.index.v1+json')) reply(406);
  else if (repo === 'open/app') tag === 'v1' ? manifest(true) : reply(404);
  else if (repo === 'noheader/app') manifest(false);
  else if (repo === 'moved/app') reply(307, { location: `/v2/open/app/manifests/${tag}` });
  else if (repo === 'away/app') reply(302, { location: 'http://169.254.169.254/latest/meta-data/' });
  else if (repo === 'huge/app') reply(200, {}, req.method === 'GET' ? 'x'.repeat(5 * 1024 * 1024) : undefined);
  else if (repo === 'plainrealm/app') reply(401, { 'www-authenticate': 'Bearer realm="http://auth.example.internal/token"' });
  else if (repo === 'basic/app')
    auth === basicOf('me', 'secret') ? manifest(true) : reply(401, { 'www-authenticate': 'Basic realm="registry"' });
  else if (repo === 'public/app' && auth === 'Bearer anon-token') manifest(true);
  else if (repo === 'private/app' && auth === 'Bearer user-token') manifest(true);
  else reply(401, { 'www-authenticate': `Bearer realm="http://${host}/token",service="test",scope="repository:${repo}:pull"` });
}

beforeAll(async () => {
  server = createServer(route);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  host = `127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const ref = (path: string) => parseImageReference(`${host}/${path}`);

describe('resolveDigest', () => {
  it('reads the digest of an open registry from Docker-Content-Digest', async () => {
    expect(await resolveDigest(ref('open/app:v1'))).toBe(DIGEST);
  });

  it('hashes the manifest when HEAD gives no digest header', async () => {
    expect(await resolveDigest(ref('noheader/app:x'))).toBe(DIGEST);
  });

  it('goes only where the image says: same-host redirects followed, others refused', async () => {
    expect(await resolveDigest(ref('moved/app:v1'))).toBe(DIGEST);
    await expect(resolveDigest(ref('away/app:v1'))).rejects.toThrow(
      'redirected to "169.254.169.254", which Longshore does not follow',
    );
  });

  it('reads a bounded answer, and asks a token service over HTTPS only unless its host may be plain', async () => {
    await expect(resolveDigest(ref('huge/app:v1'))).rejects.toThrow('the manifest is larger than 4194304 bytes');
    await expect(resolveDigest(ref('plainrealm/app:v1'))).rejects.toThrow(
      'names a token service that is not HTTPS ("http://auth.example.internal")',
    );
  });

  it('fetches an anonymous Bearer token from the realm the registry names', async () => {
    expect(await resolveDigest(ref('public/app:1'))).toBe(DIGEST);
  });

  it('fetches a Bearer token with credentials, and says when there are none', async () => {
    expect(await resolveDigest(ref('private/app:1'), { username: 'me', password: 'secret' })).toBe(DIGEST);
    await expect(resolveDigest(ref('private/app:1'))).rejects.toThrow('the registry refused anonymous access (HTTP 401)');
  });

  it('answers Basic authentication with the credentials', async () => {
    expect(await resolveDigest(ref('basic/app:1'), { username: 'me', password: 'secret' })).toBe(DIGEST);
    await expect(resolveDigest(ref('basic/app:1'))).rejects.toThrow('asks for a user name and password, and none is given');
    await expect(resolveDigest(ref('basic/app:1'), { username: 'me', password: 'wrong' })).rejects.toThrow(
      'the registry refused the credentials given (HTTP 401)',
    );
  });

  it('says when the tag is not there', async () => {
    await expect(resolveDigest(ref('open/app:v2'))).rejects.toThrow(`${host}/open/app:v2: no such image or tag`);
  });

  it('fails with the network error when the registry is not reached', async () => {
    await expect(resolveDigest(parseImageReference('127.0.0.1:1/a:b'), undefined, { timeoutMs: 2_000 })).rejects.toThrow();
  });

  it('needs no request for a reference pinned already', async () => {
    const pinned = `sha256:${'b'.repeat(64)}`;
    expect(await resolveDigest(parseImageReference(`127.0.0.1:1/a@${pinned}`))).toBe(pinned);
  });
});

describe('resolveDigestWithAny', () => {
  const good = { username: 'me', password: 'secret' };
  const bad = { username: 'me', password: 'wrong' };

  it('tries the credentials in turn, as the kubelet does, past one the registry refuses', async () => {
    expect(await resolveDigestWithAny(ref('basic/app:1'), [bad, good])).toBe(DIGEST);
    expect(await resolveDigestWithAny(ref('private/app:1'), [bad, good])).toBe(DIGEST);
  });

  it('reports the refusal when every credential is refused, at the registry or at its token service', async () => {
    await expect(resolveDigestWithAny(ref('basic/app:1'), [bad])).rejects.toThrow('refused the credentials given (HTTP 401)');
    await expect(resolveDigestWithAny(ref('private/app:1'), [bad])).rejects.toThrow('token service http://127.0.0.1');
  });

  it('asks anonymously when no credential applies', async () => {
    expect(await resolveDigestWithAny(ref('public/app:1'), [])).toBe(DIGEST);
  });

  it('does not try another credential when the tag is missing', async () => {
    await expect(resolveDigestWithAny(ref('open/app:v2'), [bad, good])).rejects.toThrow('no such image or tag');
  });
});

describe('parseChallenge', () => {
  it('reads quoted and bare parameters', () => {
    expect(parseChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope=x')).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'x' },
    });
  });
});
