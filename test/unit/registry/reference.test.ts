import { describe, expect, it } from 'vitest';
import { parseImageReference, pinnedReference } from '../../../src/registry/reference.ts';

const D = `sha256:${'a'.repeat(64)}`;

describe('parseImageReference', () => {
  it('reads Docker Hub names as Docker does', () => {
    expect(parseImageReference('nginx')).toEqual({ registry: 'docker.io', repository: 'library/nginx', tag: 'latest' });
    expect(parseImageReference('acme/web:2')).toEqual({ registry: 'docker.io', repository: 'acme/web', tag: '2' });
    expect(parseImageReference('index.docker.io/library/redis:7')).toEqual({
      registry: 'docker.io',
      repository: 'library/redis',
      tag: '7',
    });
  });

  it('takes a first component with a dot, a port or localhost as the registry', () => {
    expect(parseImageReference('127.0.0.1:5000/app:v1')).toEqual({ registry: '127.0.0.1:5000', repository: 'app', tag: 'v1' });
    expect(parseImageReference('localhost/a/b')).toEqual({ registry: 'localhost', repository: 'a/b', tag: 'latest' });
    expect(parseImageReference('ghcr.io/o/r@' + D)).toEqual({ registry: 'ghcr.io', repository: 'o/r', digest: D });
    expect(parseImageReference('ghcr.io/o/r:1@' + D)).toEqual({ registry: 'ghcr.io', repository: 'o/r', tag: '1', digest: D });
  });

  it('names the part that is wrong', () => {
    expect(() => parseImageReference('Nginx')).toThrow('"Nginx" is not a repository name component');
    expect(() => parseImageReference('nginx@sha256:xyz')).toThrow('is not a digest');
    expect(() => parseImageReference('nginx:-bad')).toThrow('"-bad" is not a tag');
  });
});

describe('pinnedReference', () => {
  it('replaces the tag by the digest and keeps the name as written', () => {
    expect(pinnedReference('nginx:1.27', D)).toBe(`nginx@${D}`);
    expect(pinnedReference('nginx', D)).toBe(`nginx@${D}`);
    expect(pinnedReference('127.0.0.1:5000/app:v1', D)).toBe(`127.0.0.1:5000/app@${D}`);
    expect(pinnedReference('localhost:5000/app', D)).toBe(`localhost:5000/app@${D}`);
  });
});
