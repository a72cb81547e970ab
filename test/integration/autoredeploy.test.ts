// Image tags resolved to digests, and autoredeploy by polling, against a real OCI registry (the
// local control plane's, or LONGSHORE_TEST_REGISTRY): a service runs `repository@digest` while
// the Stack keeps the tag; a push to the tag moves an autoredeploy service and no other; a
// redeploy moves every service; a registry that cannot be reached leaves services on the digest
// they run, and says why on them; so does a restart of Longshore.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Stack } from '../../src/model/stack.ts';
import { createTestNamespace, kubeConfig } from './support/cluster.ts';
import { runLongshore } from './support/longshore.ts';
import { createFollowingStack, pushImage, registryRelay, runningImage, testRegistry } from './support/registry.ts';
import { StackClient } from './support/stacks.ts';
import { waitFor } from './support/wait.ts';

const registry = await testRegistry();
const reason = 'unavailable' in registry ? registry.unavailable : undefined;
if (reason !== undefined) process.stderr.write(`autoredeploy tests skipped: ${reason}\n`);

describe.skipIf(reason !== undefined)('image digests and autoredeploy against a real registry', async () => {
  const target = 'address' in registry ? registry.address : '';
  // Clients reach the registry through a relay the last test closes: the registry, stopped.
  const relay = await registryRelay(target);
  const kc = kubeConfig();
  const ns = await createTestNamespace('autoredeploy');
  const settings = { LONGSHORE_RESOLVE_DIGESTS: 'true', LONGSHORE_AUTOREDEPLOY_POLL_SECONDS: '1' };
  let longshore = await runLongshore(ns, settings);
  const stacks = new StackClient(kc, ns);
  const repository = `longshore-test/app-${randomBytes(4).toString('hex')}`;
  const image = `${relay.address}/${repository}:v1`;
  const pinned = (digest: string) => `${relay.address}/${repository}@${digest}`;

  const running = (service: string) => runningImage(stacks, 'app', service);
  const imageStatus = (s: Stack | undefined, service: string) => s?.status?.services?.find((x) => x.name === service)?.image;

  let first = '';
  let second = '';
  let third = '';

  it('runs the digest the tag points to, and keeps the tag in the Stack', async () => {
    first = await pushImage(target, repository, 'v1');
    await createFollowingStack(stacks, 'app', image, pinned(first));
    // The status that records the pin is written after the applies that run it.
    const stack = await waitFor('the status to record the digest', 30_000, async () => {
      const s = await stacks.get('app');
      return imageStatus(s, 'follow') !== undefined && s;
    });
    expect(stack?.spec.services.map((s) => s.image)).toEqual([image, image]);
    expect(imageStatus(stack, 'follow')).toMatchObject({ reference: image, digest: first });
  });

  it('moves an autoredeploy service to a new push of its tag, says why in an Event, and leaves the others', async () => {
    second = await pushImage(target, repository, 'v1');
    expect(second).not.toBe(first);
    await waitFor('the autoredeploy service to run the new digest', 60_000, async () =>
      (await running('follow')) === pinned(second) ? true : undefined,
    );
    expect(await running('still')).toBe(pinned(first));
    const events = (await stacks.core.listNamespacedEvent({ namespace: ns })).items.filter(
      (e) => e.involvedObject.kind === 'Stack' && e.reason === 'Autoredeploy',
    );
    expect(events.map((e) => e.message)).toEqual([expect.stringContaining(`service follow: ${image} now points to ${second}`)]);
    expect(events[0]?.message).toContain('seen by polling the registry');
  });

  it('moves every service on a redeploy', async () => {
    await stacks.patchSpec('app', { redeploy: { revision: 1 } });
    await waitFor('the other service to run the new digest', 60_000, async () =>
      (await running('still')) === pinned(second) ? true : undefined,
    );
    expect(await running('follow')).toBe(pinned(second));
  });

  it('keeps every service on the digest it runs across a restart of Longshore', async () => {
    await longshore.stop();
    third = await pushImage(target, repository, 'v1');
    longshore = await runLongshore(ns, settings);
    // The new process follows the tag for the autoredeploy service: once it has, it has
    // reconciled the stack after the push, and the other service is still where it was.
    await waitFor('the autoredeploy service to run the digest pushed while Longshore was down', 60_000, async () =>
      (await running('follow')) === pinned(third) ? true : undefined,
    );
    expect(await running('still')).toBe(pinned(second));
    expect(imageStatus(await stacks.get('app'), 'still')).toMatchObject({ digest: second, revision: 1 });
  });

  it('keeps the digest a service runs when the registry cannot be reached, and says why', async () => {
    await relay.close();
    await pushImage(target, repository, 'v1');
    const stack = await waitFor('the autoredeploy service to say the registry is not reached', 60_000, async () => {
      const s = await stacks.get('app');
      return imageStatus(s, 'follow')?.message?.includes('could not be reached') ? s : undefined;
    });
    expect(await longshore.metrics.registry.metrics()).toMatch(
      /longshore_registry_requests_total\{source="poll",outcome="unreachable"\} [1-9]/,
    );
    expect(imageStatus(stack, 'follow')?.digest).toBe(third);
    expect(await running('follow')).toBe(pinned(third));
    expect(await running('still')).toBe(pinned(second));
  });
});
