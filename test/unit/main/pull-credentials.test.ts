// Where Longshore's registry credentials come from: the administrator's auth file and, opted
// in, the pull secrets of the ServiceAccount the pods run as (read through a fake reader: the
// API server's side is covered by test/integration/registry-credentials.test.ts).
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { V1Secret } from '@kubernetes/client-node';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuthFile, credentialSource, type PullSecretReader, pullSecretEntries } from '../../../src/main/pull-credentials.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const dockerConfig = (registry: string, user: string) => JSON.stringify({ auths: { [registry]: { auth: b64(`${user}:pw`) } } });
const secretOf = (name: string, registry: string, user: string, type = 'kubernetes.io/dockerconfigjson'): V1Secret => ({
  metadata: { namespace: 'ns', name },
  type,
  data: { '.dockerconfigjson': b64(dockerConfig(registry, user)) },
});
const scope = { namespace: 'ns', serviceAccount: 'default' };
const users = (creds: readonly { username: string }[]) => creds.map((c) => c.username);

function reader(secrets: V1Secret[], pullSecretNames: string[], counts = { reads: 0 }): PullSecretReader {
  return {
    serviceAccount: async (namespace, name) => {
      counts.reads++;
      return namespace === 'ns' && name === 'default'
        ? { imagePullSecrets: pullSecretNames.map((n) => ({ name: n })) }
        : undefined;
    },
    secret: async (_namespace, name) => secrets.find((s) => s.metadata?.name === name),
  };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'longshore-auth-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('pullSecretEntries', () => {
  it('reads dockerconfigjson and dockercfg Secrets, and skips other types as the kubelet does', () => {
    expect(pullSecretEntries(secretOf('a', 'r.example', 'u'))).toHaveLength(1);
    expect(
      pullSecretEntries({
        metadata: { namespace: 'ns', name: 'old' },
        type: 'kubernetes.io/dockercfg',
        data: { '.dockercfg': b64(JSON.stringify({ 'r.example': { auth: b64('u:p') } })) },
      }),
    ).toHaveLength(1);
    expect(pullSecretEntries({ ...secretOf('a', 'r.example', 'u'), type: 'Opaque' })).toEqual([]);
  });

  it('names the Secret, not its contents, when it is not a Docker config', () => {
    const broken = {
      metadata: { namespace: 'ns', name: 'bad' },
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': b64('{nope') },
    };
    expect(() => pullSecretEntries(broken)).toThrow('Secret ns/bad (.dockerconfigjson): not JSON');
  });
});

describe('credentialSource', () => {
  it("gives the pull secrets' credentials first, then the auth file's, for the image's registry only", async () => {
    const path = join(dir, 'config.json');
    await writeFile(path, dockerConfig('r.example', 'from-file'));
    const authFile = new AuthFile(path, pino({ level: 'silent' }));
    await authFile.load();
    const source = credentialSource({
      authFile,
      pullSecrets: reader([secretOf('creds', 'r.example', 'from-secret')], ['creds', 'gone']),
    });
    expect(users(await source('r.example/app:1', scope))).toEqual(['from-secret', 'from-file']);
    expect(users(await source('other.example/app:1', scope))).toEqual([]);
    // No scope (no ServiceAccount known): the file alone.
    expect(users(await source('r.example/app:1', undefined))).toEqual(['from-file']);
  });

  it('reads a ServiceAccount once for many questions, until the cache ages', async () => {
    let now = 0;
    const counts = { reads: 0 };
    const source = credentialSource({
      pullSecrets: reader([secretOf('creds', 'r.example', 'u')], ['creds'], counts),
      now: () => now,
    });
    await Promise.all([source('r.example/a:1', scope), source('r.example/b:1', scope)]);
    await source('r.example/c:1', scope);
    expect(counts.reads).toBe(1);
    now += 31_000;
    await source('r.example/c:1', scope);
    expect(counts.reads).toBe(2);
  });

  it('says which Secret could not be read, and how to allow it', async () => {
    const source = credentialSource({
      pullSecrets: {
        serviceAccount: async () => ({ imagePullSecrets: [{ name: 'creds' }] }),
        secret: async () => {
          throw Object.assign(new Error('HTTP-Code: 403'), { code: 403 });
        },
      },
    });
    await expect(source('r.example/a:1', scope)).rejects.toThrow(
      'cannot read pull secret ns/creds (forbidden: grant manifests/rbac-pull-secrets.yaml, or set LONGSHORE_READ_PULL_SECRETS=false)',
    );
  });
});

describe('AuthFile', () => {
  it('stops the start with the file and the rule when it cannot be used', async () => {
    await expect(new AuthFile(join(dir, 'missing.json'), pino({ level: 'silent' })).load()).rejects.toThrow(
      `LONGSHORE_REGISTRY_AUTH_FILE=${join(dir, 'missing.json')}: cannot be read (ENOENT)`,
    );
    const path = join(dir, 'bad.json');
    await writeFile(path, '[]');
    await expect(new AuthFile(path, pino({ level: 'silent' })).load()).rejects.toThrow('must be a JSON object');
  });

  it('reads the file again when it changes (a mounted Secret updated), keeping the last good one when it breaks', async () => {
    const path = join(dir, 'config.json');
    await writeFile(path, dockerConfig('r.example', 'first'));
    const file = new AuthFile(path, pino({ level: 'silent' }));
    await file.load();
    await writeFile(path, dockerConfig('r.example', 'second'));
    await utimes(path, new Date(), new Date(Date.now() + 5_000));
    expect((await file.current()).map((e) => e.credentials.username)).toEqual(['second']);
    await writeFile(path, '{broken');
    await utimes(path, new Date(), new Date(Date.now() + 10_000));
    expect((await file.current()).map((e) => e.credentials.username)).toEqual(['second']);
  });
});
