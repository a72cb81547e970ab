// Autoredeploy on a registry's webhook, against a real OCI registry (the local control plane's,
// or LONGSHORE_TEST_REGISTRY), with polling off: an OCI distribution notification posted to the
// façade's webhook URL moves the autoredeploy service following the pushed tag to its new
// digest, and no other; a wrong token is a 404 that changes nothing.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTestNamespace, kubeConfig } from './support/cluster.ts';
import { runLongshore } from './support/longshore.ts';
import { createFollowingStack, pushImage, runningImage, testRegistry } from './support/registry.ts';
import { StackClient } from './support/stacks.ts';
import { waitFor } from './support/wait.ts';

const registry = await testRegistry();
const reason = 'unavailable' in registry ? registry.unavailable : undefined;
if (reason !== undefined) process.stderr.write(`autoredeploy webhook tests skipped: ${reason}\n`);

describe.skipIf(reason !== undefined)('autoredeploy on a registry webhook', async () => {
  const address = 'address' in registry ? registry.address : '';
  const token = randomBytes(24).toString('hex');
  const kc = kubeConfig();
  const ns = await createTestNamespace('webhook');
  const app = await runLongshore(ns, {
    LONGSHORE_RESOLVE_DIGESTS: 'true',
    LONGSHORE_AUTOREDEPLOY_POLL_SECONDS: '0',
    LONGSHORE_WEBHOOK_TOKEN: token,
  });
  const stacks = new StackClient(kc, ns);
  const repository = `longshore-test/hook-${randomBytes(4).toString('hex')}`;
  const image = `${address}/${repository}:latest`;
  const pinned = (digest: string) => `${address}/${repository}@${digest}`;
  const running = (service: string) => runningImage(stacks, 'hooked', service);
  const notify = (withToken: string) =>
    fetch(`${app.facadeUrl}/api/registry/v1/webhook/${withToken}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.docker.distribution.events.v1+json' },
      body: JSON.stringify({ events: [{ action: 'push', target: { repository, tag: 'latest' }, request: { host: address } }] }),
    });

  it('moves the autoredeploy service to the pushed digest, and no other', async () => {
    const first = await pushImage(address, repository, 'latest');
    await createFollowingStack(stacks, 'hooked', image, pinned(first));

    const second = await pushImage(address, repository, 'latest');
    const wrong = await notify('0'.repeat(48));
    expect(wrong.status).toBe(404);
    expect((await stacks.get('hooked'))?.metadata.annotations?.['longshore.io/image-pushed-at']).toBeUndefined();

    const answer = await notify(token);
    expect(answer.status).toBe(202);
    expect(await answer.json()).toMatchObject({ stacks: 1 });
    await waitFor('the autoredeploy service to run the new digest', 60_000, async () =>
      (await running('follow')) === pinned(second) ? true : undefined,
    );
    expect(await running('still')).toBe(pinned(first));
    const events = (await stacks.core.listNamespacedEvent({ namespace: ns })).items.filter(
      (e) => e.involvedObject.kind === 'Stack' && e.reason === 'Autoredeploy',
    );
    expect(events.map((e) => e.message)).toEqual([expect.stringContaining("seen by the registry's webhook")]);
  });
});
