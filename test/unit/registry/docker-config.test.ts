// Which credential of a Docker config serves an image: the kubelet's rules (keyring.go), so
// that the digest is asked with what the kubelet will pull with.
import { describe, expect, it } from 'vitest';
import { credentialsFor, keyMatches, keyringKey, parseDockerConfig } from '../../../src/registry/docker-config.ts';
import { parseImageReference } from '../../../src/registry/reference.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const config = (auths: Record<string, unknown>) => JSON.stringify({ auths });
const users = (image: string, text: string) =>
  credentialsFor(parseDockerConfig(text, 'test'), parseImageReference(image)).map((c) => c.username);

describe('parseDockerConfig', () => {
  it('reads auth (base64 user:password) before username and password, as the kubelet does', () => {
    expect(
      parseDockerConfig(config({ 'r.example': { auth: b64('a:p:with:colons'), username: 'b', password: 'q' } }), 'test'),
    ).toEqual([{ key: 'r.example', credentials: { username: 'a', password: 'p:with:colons' } }]);
    expect(parseDockerConfig(config({ 'r.example': { username: 'b', password: 'q' } }), 'test')[0]?.credentials).toEqual({
      username: 'b',
      password: 'q',
    });
  });

  it('reads the older .dockercfg map (no auths)', () => {
    expect(parseDockerConfig(JSON.stringify({ 'r.example': { auth: b64('u:p') } }), 'test', true)).toHaveLength(1);
  });

  it('skips entries with nothing to send (identity tokens, credential helpers)', () => {
    expect(parseDockerConfig(config({ 'r.example': { identitytoken: 'x' } }), 'test')).toEqual([]);
    expect(parseDockerConfig(JSON.stringify({ credsStore: 'desktop' }), 'test')).toEqual([]);
  });

  it('names the source and the entry when something is wrong, never a credential', () => {
    expect(() => parseDockerConfig('{', '/etc/auth.json')).toThrow('/etc/auth.json: not JSON');
    expect(() => parseDockerConfig('{"auths": {"r": {"auth": "c2VjcmV0"}}', 'f')).toThrow(/^f: not JSON$/);
    expect(() => parseDockerConfig(JSON.stringify({ auths: [] }), 'f')).toThrow('f: "auths" must be an object of registries');
    expect(() => parseDockerConfig(config({ 'r.example': { auth: b64('nocolon') } }), 'f')).toThrow(
      'f: auths["r.example"].auth must be the base64 of user:password',
    );
    expect(() => parseDockerConfig(config({ 'r.example': { password: 5 } }), 'f')).toThrow(
      'auths["r.example"].password must be a string',
    );
  });
});

describe('keyringKey and keyMatches', () => {
  it('drops the scheme and the /v1/ or /v2/ Docker clients add, keeps a path', () => {
    expect(keyringKey('https://index.docker.io/v1/')).toBe('index.docker.io');
    expect(keyringKey('http://Registry.Example:5000/v2/')).toBe('registry.example:5000');
    expect(keyringKey('registry.example/team')).toBe('registry.example/team');
  });

  it('matches globs label by label, ports exactly, paths as prefixes', () => {
    expect(keyMatches('*.example.com', 'r.example.com/a')).toBe(true);
    expect(keyMatches('*.example.com', 'a.r.example.com/a')).toBe(false);
    expect(keyMatches('r.example.com', 'r.example.com:5000/a')).toBe(false);
    expect(keyMatches('r.example.com:5000', 'r.example.com:5000/a')).toBe(true);
    expect(keyMatches('r.example.com/team', 'r.example.com/team/app')).toBe(true);
    expect(keyMatches('r.example.com/team', 'r.example.com/other/app')).toBe(false);
  });
});

describe('credentialsFor', () => {
  const text = config({
    'r.example.com': { auth: b64('host:p') },
    'r.example.com/team': { auth: b64('team:p') },
    '*.corp.example': { auth: b64('glob:p') },
    'https://index.docker.io/v1/': { auth: b64('hub:p') },
    '127.0.0.1:5000': { auth: b64('local:p') },
  });

  it('tries the most specific entry first, then the others matching', () => {
    expect(users('r.example.com/team/app:1', text)).toEqual(['team', 'host']);
    expect(users('r.example.com/other/app:1', text)).toEqual(['host']);
  });

  it('serves Docker Hub images, short names included, from the index.docker.io entry', () => {
    expect(users('nginx:1.27', text)).toEqual(['hub']);
    expect(users('docker.io/acme/web', text)).toEqual(['hub']);
  });

  it('matches ports and globs, and gives none for another registry (anonymous)', () => {
    expect(users('127.0.0.1:5000/app:1', text)).toEqual(['local']);
    expect(users('git.corp.example/app', text)).toEqual(['glob']);
    expect(users('ghcr.io/acme/web:main', text)).toEqual([]);
    expect(users('127.0.0.1:5001/app:1', text)).toEqual([]);
  });
});
