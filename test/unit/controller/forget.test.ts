// What the controller keeps per Stack and per child goes when they are deleted: a cluster that
// creates and deletes stacks all day must not grow the controller's heap.
import { describe, expect, it } from 'vitest';
import { eventFolder } from '../../../src/controller/events.ts';
import { CHILD_KINDS } from '../../../src/kube/children.ts';
import { service, stack } from '../translate/fixtures.ts';
import { FakeCluster } from './support/fake-cluster.ts';
import { runStackController } from './support/run-controller.ts';

async function until(what: string, check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('the controller forgets deleted objects', () => {
  it('drops applied generations of deleted children and the status version of a deleted stack', async () => {
    const c = new FakeCluster();
    for (let i = 0; i < 20; i++) c.addStack(stack([service('web')], {}, { namespace: 'team-a', name: `s${i}` }));
    const deps = c.deps();
    const { controller, stop } = runStackController(deps, 2);
    try {
      await until('every stack reconciled', () => c.statusWrites().length >= 20 && controller.queue.inFlight === 0);
      expect(controller.reconciler.remembered().children).toBeGreaterThan(0);
      expect(controller.reconciler.remembered().stacks).toBeGreaterThan(0);
      // The stacks go; the garbage collector takes their children (watch DELETED events).
      for (const key of [...c.stacks.objects.keys()]) c.stacks.remove(key);
      for (const kind of CHILD_KINDS) for (const key of [...c.children[kind].objects.keys()]) c.children[kind].remove(key);
      await until('queue drained', () => controller.queue.depth === 0 && controller.queue.inFlight === 0);
      expect(controller.reconciler.remembered()).toEqual({ children: 0, stacks: 0 });
    } finally {
      await stop();
    }
  });
});

describe('the event folder', () => {
  it('folds an identical event within the window, and forgets events past it', () => {
    const fold = eventFolder(60_000, 100);
    expect(fold('ns/a/Normal/Started/x', 0)).toBe(false);
    expect(fold('ns/a/Normal/Started/x', 59_999)).toBe(true);
    for (let i = 0; i < 50; i++) fold(`ns/s${i}/Normal/Started/x`, 1_000);
    expect(fold.size()).toBe(51);
    // A window later, one more event sweeps out those of stacks long gone.
    expect(fold('ns/other/Normal/Started/x', 61_000)).toBe(false);
    expect(fold.size()).toBe(1);
  });

  it('holds at most max events, even within the window', () => {
    const fold = eventFolder(60_000, 10);
    for (let i = 0; i < 1000; i++) fold(`ns/s${i}/Warning/Failed/x`, i);
    expect(fold.size()).toBe(10);
    expect(fold('ns/s999/Warning/Failed/x', 1000)).toBe(true);
  });
});
