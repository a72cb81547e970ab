import { describe, expect, it } from 'vitest';
import { followedReferences, refreshReferences } from '../../../src/controller/image-poller.ts';
import { ImageResolver } from '../../../src/controller/image-resolver.ts';
import { stackImages } from '../../../src/controller/images.ts';
import type { ServiceSpec, Stack } from '../../../src/model/stack.ts';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;
const IMAGE = 'reg.example/app:v1';

function stackOf(services: ServiceSpec[], status?: Stack['status'], annotations?: Record<string, string>): Stack {
  return {
    apiVersion: 'longshore.io/v1alpha1',
    kind: 'Stack',
    metadata: { name: 's', namespace: 'ns', ...(annotations && { annotations }) },
    spec: { services },
    ...(status && { status }),
  } as Stack;
}

/** A registry whose tags point where `tags` says; counts the questions. */
function registry(tags: Record<string, string>) {
  let asked = 0;
  const resolver = new ImageResolver({
    resolve: async (ref) => {
      asked++;
      const d = tags[ref];
      if (d === undefined) throw new Error('not there');
      return d;
    },
  });
  return { resolver, asked: () => asked };
}

const pinned = (digest: string) => ({ reference: IMAGE, digest, revision: 0 });
const running = (name: string, digest: string) => ({
  name,
  state: 'Running' as const,
  targetContainers: 1,
  currentContainers: 1,
  readyContainers: 1,
  image: pinned(digest),
});

describe('stackImages', () => {
  it('resolves new services once per reference, and leaves images that name a digest', async () => {
    const r = registry({ [IMAGE]: A });
    const got = await stackImages(
      stackOf([
        { name: 'a', image: IMAGE },
        { name: 'b', image: IMAGE },
        { name: 'c', image: `reg.example/app@${B}` },
      ]),
      r.resolver,
    );
    expect(Object.fromEntries(got.pins)).toEqual({ a: pinned(A), b: pinned(A) });
    expect(r.asked()).toBe(1);
    expect(got.moved).toEqual([]);
  });

  it('asks nothing for services already pinned', async () => {
    const r = registry({ [IMAGE]: B });
    const got = await stackImages(stackOf([{ name: 'a', image: IMAGE }], { services: [running('a', A)] }), r.resolver);
    expect(got.pins.get('a')).toEqual(pinned(A));
    expect(r.asked()).toBe(0);
  });

  it('moves an autoredeploy service after a poll found its tag moved, and names the source', async () => {
    const r = registry({ [IMAGE]: B });
    const stack = stackOf(
      [
        { name: 'a', image: IMAGE, autoredeploy: true },
        { name: 'b', image: IMAGE },
      ],
      {
        services: [running('a', A), running('b', A)],
      },
    );
    await refreshReferences(followedReferences([stack]), {
      resolver: r.resolver,
      stacks: () => [stack],
      wake: (woken) => expect(woken).toEqual([stack]),
      gapMs: 0,
      source: 'poll',
    });
    const got = await stackImages(stack, r.resolver);
    expect(got.pins.get('a')?.digest).toBe(B);
    expect(got.pins.get('b')?.digest).toBe(A);
    expect(got.moved).toEqual([{ service: 'a', reference: IMAGE, from: A, to: B, source: 'poll' }]);
  });

  it("asks again after a webhook's push", async () => {
    const r = registry({ [IMAGE]: B });
    const stack = stackOf(
      [{ name: 'a', image: IMAGE, autoredeploy: true }],
      { services: [running('a', A)] },
      {
        'longshore.io/image-pushed-at': new Date().toISOString(),
      },
    );
    const got = await stackImages(stack, r.resolver);
    expect(got.moved).toEqual([{ service: 'a', reference: IMAGE, from: A, to: B, source: 'webhook' }]);
  });

  it('does not believe a push dated far in the future: nothing asked, however often it reconciles', async () => {
    const r = registry({ [IMAGE]: B });
    const stack = stackOf(
      [{ name: 'a', image: IMAGE, autoredeploy: true }],
      { services: [running('a', A)] },
      {
        'longshore.io/image-pushed-at': '2999-01-01T00:00:00Z',
      },
    );
    await stackImages(stack, r.resolver);
    await stackImages(stack, r.resolver);
    expect(r.asked()).toBe(0);
  });

  it('resolves again only the service redeployed alone (spec.redeploy.services), recording its revision', async () => {
    const r = registry({ [IMAGE]: B });
    const stack = stackOf(
      [
        { name: 'a', image: IMAGE },
        { name: 'b', image: IMAGE },
      ],
      { services: [running('a', A), running('b', A)] },
    );
    stack.spec.redeploy = { revision: 0, services: { a: 1 } };
    const got = await stackImages(stack, r.resolver);
    expect(got.pins.get('a')).toEqual({ reference: IMAGE, digest: B, revision: 0, serviceRevision: 1 });
    expect(got.pins.get('b')).toEqual(pinned(A));
  });

  it('reports a failed resolution once, and asks to look again', async () => {
    const r = registry({});
    const stack = stackOf([{ name: 'a', image: IMAGE }], { services: [running('a', A)] });
    stack.spec.redeploy = { revision: 1 };
    const got = await stackImages(stack, r.resolver);
    expect(got.pins.get('a')).toMatchObject({ digest: A, revision: 0, message: expect.stringContaining('not there') });
    expect(got.failed).toEqual([{ service: 'a', message: expect.stringContaining('not there') }]);
    expect(got.retryAfterMs).toBeGreaterThan(0);
  });
});

describe('stackImages with a reference no registry answers for', () => {
  it('says so once and asks nothing', async () => {
    const r = registry({});
    const got = await stackImages(stackOf([{ name: 'a', image: 'Not/Valid' }]), r.resolver);
    expect(got.pins.get('a')).toEqual({
      reference: 'Not/Valid',
      revision: 0,
      message: expect.stringContaining('"Not" is not a repository name component'),
    });
    expect(got.failed).toHaveLength(1);
    expect(got.retryAfterMs).toBeUndefined();
    expect(r.asked()).toBe(0);
  });
});

describe('stackImages of a terminated stack', () => {
  it('keeps the pins and asks nothing', async () => {
    const r = registry({ [IMAGE]: B });
    const stack = stackOf(
      [
        { name: 'a', image: IMAGE, autoredeploy: true },
        { name: 'b', image: 'other:1' },
      ],
      {
        services: [running('a', A)],
      },
    );
    stack.spec.desiredState = 'Terminated';
    const got = await stackImages(stack, r.resolver);
    expect(Object.fromEntries(got.pins)).toEqual({ a: pinned(A) });
    expect(r.asked()).toBe(0);
  });
});

describe('followedReferences', () => {
  it('lists the tags autoredeploy services follow, by registry', () => {
    const stack = stackOf([
      { name: 'a', image: 'reg.example/x:1', autoredeploy: true },
      { name: 'b', image: 'nginx', autoredeploy: true },
      { name: 'c', image: 'reg.example/y:1' },
      { name: 'd', image: `reg.example/z@${A}`, autoredeploy: true },
    ]);
    const scope = { namespace: stack.metadata.namespace, serviceAccount: 'default' };
    expect(Object.fromEntries(followedReferences([stack]))).toEqual({
      'reg.example': [{ reference: 'reg.example/x:1', scope }],
      'docker.io': [{ reference: 'nginx', scope }],
    });
  });
});
