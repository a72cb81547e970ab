// Digests asked with the pull secrets a service's pods would use, against a real registry made
// private: a small Basic-auth proxy (this file's) in front of the local control plane's registry,
// which itself asks nothing. The namespace's `default` ServiceAccount names a
// kubernetes.io/dockerconfigjson Secret for the proxy: a service running as it resolves its tag
// to the digest; a service of roles: [global], running as the stack's own ServiceAccount (no pull
// secrets), is refused and says so; credentials the registry stops taking are reported, and the
// service keeps the digest it runs. An administrator's auth file serves every namespace.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { Stack } from '../../src/model/stack.ts';
import { atEnd } from './support/cleanup.ts';
import { createTestNamespace, kubeConfig } from './support/cluster.ts';
import { runLongshore } from './support/longshore.ts';
import { basicAuthProxy, pushImage, runningImage, testRegistry } from './support/registry.ts';
import { StackClient } from './support/stacks.ts';
import { waitFor } from './support/wait.ts';

const registry = await testRegistry();
const reason = 'unavailable' in registry ? registry.unavailable : undefined;
if (reason !== undefined) process.stderr.write(`registry credential tests skipped: ${reason}\n`);

describe.skipIf(reason !== undefined)('registry credentials from pull secrets', async () => {
  const target = 'address' in registry ? registry.address : '';
  const password = randomBytes(12).toString('hex');
  const proxy = await basicAuthProxy(target, 'puller', password);
  const kc = kubeConfig();
  const core = kc.makeApiClient(CoreV1Api);
  const ns = await createTestNamespace('pullcreds');
  const stacks = new StackClient(kc, ns);
  const repository = `longshore-test/private-${randomBytes(4).toString('hex')}`;
  const image = `${proxy.address}/${repository}:v1`;
  const pinned = (digest: string) => `${proxy.address}/${repository}@${digest}`;
  const imageStatus = (s: Stack | undefined, service: string) => s?.status?.services?.find((x) => x.name === service)?.image;
  let first = '';

  // What an administrator does for a private registry: a pull secret, named by the namespace's
  // default ServiceAccount (which the cluster may not have made yet: made here then).
  const auth = Buffer.from(`puller:${password}`).toString('base64');
  await core.createNamespacedSecret({
    namespace: ns,
    body: {
      metadata: { name: 'regcred' },
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': Buffer.from(JSON.stringify({ auths: { [proxy.address]: { auth } } })).toString('base64') },
    },
  });
  await waitFor('the default ServiceAccount to name the pull secret', 30_000, async () => {
    const account = await core.readNamespacedServiceAccount({ namespace: ns, name: 'default' }).catch(() => undefined);
    const body = { metadata: { name: 'default' }, imagePullSecrets: [{ name: 'regcred' }] };
    if (account === undefined) await core.createNamespacedServiceAccount({ namespace: ns, body }).catch(() => undefined);
    else
      await core
        .replaceNamespacedServiceAccount({
          namespace: ns,
          name: 'default',
          body: { ...account, ...body, metadata: account.metadata },
        })
        .catch(() => undefined);
    const now = await core.readNamespacedServiceAccount({ namespace: ns, name: 'default' }).catch(() => undefined);
    return now?.imagePullSecrets?.some((s) => s.name === 'regcred') ? true : undefined;
  });

  const longshore = await runLongshore(ns, { LONGSHORE_RESOLVE_DIGESTS: 'true', LONGSHORE_READ_PULL_SECRETS: 'true' });

  it('resolves the tag of a private registry with the pull secret of the ServiceAccount the pods run as', async () => {
    first = await pushImage(target, repository, 'v1');
    await stacks.create('private', { desiredState: 'Running', services: [{ name: 'web', image }] });
    await waitFor('the service to run the digest', 60_000, async () =>
      (await runningImage(stacks, 'private', 'web')) === pinned(first) ? true : undefined,
    );
    expect(proxy.forwarded).toBeGreaterThan(0);
    // The status that records the pin is written after the applies that run it.
    const recorded = await waitFor('the status to record the digest', 30_000, async () =>
      imageStatus(await stacks.get('private'), 'web'),
    );
    expect(recorded).toEqual({ reference: image, digest: first, revision: 0 });
  });

  it('is refused without them (roles: [global] runs as the stack own ServiceAccount), and says so on the service', async () => {
    await stacks.create('stranger', { desiredState: 'Running', services: [{ name: 'api', image, roles: ['global'] }] });
    const stack = await waitFor('the service to say the registry refused', 60_000, async () => {
      const s = await stacks.get('stranger');
      return imageStatus(s, 'api')?.message !== undefined ? s : undefined;
    });
    expect(imageStatus(stack, 'api')?.message).toBe(
      `${image}: the registry asks for a user name and password, and none is given`,
    );
    expect(imageStatus(stack, 'api')?.digest).toBeUndefined();
    // Run as written: the kubelet pulls (or fails to) with what it has.
    expect(await runningImage(stacks, 'stranger', 'api')).toBe(image);
  });

  it('reports credentials the registry no longer takes, keeping the last good digest, and never shows them', async () => {
    proxy.password = randomBytes(12).toString('hex');
    await pushImage(target, repository, 'v1');
    await stacks.patchSpec('private', { redeploy: { revision: 1 } });
    const stack = await waitFor('the service to say its credentials were refused', 60_000, async () => {
      const s = await stacks.get('private');
      return imageStatus(s, 'web')?.message !== undefined ? s : undefined;
    });
    expect(imageStatus(stack, 'web')).toEqual({
      reference: image,
      digest: first,
      revision: 0,
      message: `${image}: the registry refused the credentials given (HTTP 401)`,
    });
    expect(await runningImage(stacks, 'private', 'web')).toBe(pinned(first));
    const events = (await core.listNamespacedEvent({ namespace: ns })).items.filter((e) => e.reason === 'ImageNotResolved');
    expect(events.map((e) => e.message).join('\n')).toContain('refused the credentials given');
    const shown = JSON.stringify([stack, events]);
    expect(shown).not.toContain(password);
    expect(shown).not.toContain(auth);
    expect(await longshore.metrics.registry.metrics()).toMatch(
      /longshore_registry_requests_total\{source="reconcile",outcome="refused"\} [1-9]/,
    );
  });
});

describe.skipIf(reason !== undefined)('registry credentials from an auth file', async () => {
  const target = 'address' in registry ? registry.address : '';
  const password = randomBytes(12).toString('hex');
  const proxy = await basicAuthProxy(target, 'admin', password);
  const kc = kubeConfig();
  const ns = await createTestNamespace('authfile');
  const stacks = new StackClient(kc, ns);
  const repository = `longshore-test/private-${randomBytes(4).toString('hex')}`;
  const image = `${proxy.address}/${repository}:v1`;
  // What an administrator mounts from a Secret of longshore-system: no right needed, and no
  // pull secret in the stacks' namespace.
  const dir = await mkdtemp(join(tmpdir(), 'longshore-registry-auth-'));
  atEnd(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'config.json');
  await writeFile(file, JSON.stringify({ auths: { [`http://${proxy.address}/v2/`]: { username: 'admin', password } } }));
  await runLongshore(ns, { LONGSHORE_RESOLVE_DIGESTS: 'true', LONGSHORE_REGISTRY_AUTH_FILE: file });

  it("resolves every namespace's tags of the registries the file names", async () => {
    const digest = await pushImage(target, repository, 'v1');
    await stacks.create('private', { desiredState: 'Running', services: [{ name: 'web', image, roles: ['global'] }] });
    await waitFor('the service to run the digest', 60_000, async () =>
      (await runningImage(stacks, 'private', 'web')) === `${proxy.address}/${repository}@${digest}` ? true : undefined,
    );
    expect(proxy.forwarded).toBeGreaterThan(0);
  });

  it('refuses to start on a file it cannot use, naming it', async () => {
    const broken = join(dir, 'broken.json');
    await writeFile(broken, '{"auths": ');
    await expect(runLongshore(ns, { LONGSHORE_RESOLVE_DIGESTS: 'true', LONGSHORE_REGISTRY_AUTH_FILE: broken })).rejects.toThrow(
      `LONGSHORE_REGISTRY_AUTH_FILE=${broken}: not JSON`,
    );
  });
});
