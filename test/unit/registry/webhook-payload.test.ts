import { describe, expect, it } from 'vitest';
import { parseImageReference } from '../../../src/registry/reference.ts';
import { parsePushes, pushMatches } from '../../../src/registry/webhook-payload.ts';

describe('parsePushes', () => {
  it("reads Docker Hub's payload, official images under library/", () => {
    const hub = (repo_name: string) => ({ push_data: { tag: 'latest', pusher: 'me' }, repository: { repo_name } });
    expect(parsePushes(hub('acme/web'))).toEqual([{ registry: 'docker.io', repository: 'acme/web', tag: 'latest' }]);
    expect(parsePushes(hub('nginx'))).toEqual([{ registry: 'docker.io', repository: 'library/nginx', tag: 'latest' }]);
  });

  it('reads the push events of an OCI distribution notification, and nothing else', () => {
    const body = {
      events: [
        { action: 'push', target: { repository: 'team/app', tag: 'v2', digest: 'sha256:x' }, request: { host: 'reg:5000' } },
        { action: 'push', target: { repository: 'team/app', digest: 'sha256:blob' } },
        { action: 'pull', target: { repository: 'team/app', tag: 'v2' } },
      ],
    };
    expect(parsePushes(body)).toEqual([{ repository: 'team/app', tag: 'v2' }]);
  });

  it('says what it expected of another body', () => {
    expect(() => parsePushes([])).toThrow('not a JSON object');
    expect(() => parsePushes({ hello: 1 })).toThrow('expected a Docker Hub webhook');
  });
});

describe('pushMatches', () => {
  it('matches repository and tag, and the registry when the push names one', () => {
    expect(pushMatches({ repository: 'team/app', tag: 'v2' }, parseImageReference('127.0.0.1:5000/team/app:v2'))).toBe(true);
    expect(pushMatches({ repository: 'team/app', tag: 'v2' }, parseImageReference('127.0.0.1:5000/team/app:v1'))).toBe(false);
    const hub = { registry: 'docker.io', repository: 'library/nginx', tag: 'latest' };
    expect(pushMatches(hub, parseImageReference('nginx'))).toBe(true);
    expect(pushMatches(hub, parseImageReference('ghcr.io/library/nginx'))).toBe(false);
  });
});
