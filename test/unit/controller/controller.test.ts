// The Stack error policy over an in-memory cluster: a reconcile that keeps failing otherwise
// than by a refused apply is written into the Stack's status after one retry; a write conflict
// is retried soon and says nothing.
import { describe, expect, it } from 'vitest';
import type { Translator } from '../../../src/controller/reconcile-deps.ts';
import { desiredObjects } from '../../../src/translate/desired.ts';
import { defaultTranslateOptions } from '../../../src/translate/options.ts';
import { service, stack } from '../translate/fixtures.ts';
import { FakeCluster } from './support/fake-cluster.ts';
import { runStackController } from './support/run-controller.ts';

async function until<T>(what: string, check: () => T | undefined, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('the controller', () => {
  it('writes a persisting reconcile failure into status (Synced=False, Degraded=True), then Synced=True once it passes', async () => {
    const c = new FakeCluster();
    c.addStack(stack([service('web')], {}, { namespace: 'team-a' }));
    let failing = true;
    const translate: Translator = (s, surroundings) => {
      if (failing) throw Object.assign(new Error('services "links" is forbidden: no RBAC'), { code: 403 });
      return desiredObjects(s, defaultTranslateOptions, surroundings);
    };
    const deps = c.deps({ translate });
    const { stop } = runStackController(deps);
    try {
      const failed = await until('Synced=False', () => {
        const synced = c.stack('team-a', 'shop').status?.conditions?.find((x) => x.type === 'Synced');
        return synced?.status === 'False' ? c.stack('team-a', 'shop').status : undefined;
      });
      expect(failed?.conditions?.find((x) => x.type === 'Synced')).toMatchObject({
        reason: 'ReconcileError',
        message: 'HTTP 403: services "links" is forbidden: no RBAC',
      });
      expect(failed?.conditions?.find((x) => x.type === 'Degraded')).toMatchObject({ status: 'True', reason: 'ReconcileError' });
      expect(c.events().some((e) => e.reason === 'ReconcileFailed')).toBe(true);

      failing = false;
      const fixed = await until('Synced=True', () => {
        const synced = c.stack('team-a', 'shop').status?.conditions?.find((x) => x.type === 'Synced');
        return synced?.status === 'True' ? c.stack('team-a', 'shop').status : undefined;
      });
      expect(fixed?.state).toBe('Starting');
      expect(fixed?.conditions?.map((x) => [x.type, x.status])).toEqual([
        ['Ready', 'False'],
        ['Progressing', 'True'],
        ['Degraded', 'False'],
        ['Warnings', 'False'],
        ['Synced', 'True'],
      ]);
    } finally {
      await stop();
    }
  });

  it('retries a write conflict soon, with no ReconcileFailed Event and nothing said in status', async () => {
    const c = new FakeCluster();
    c.addStack(stack([service('web')], {}, { namespace: 'team-a' }));
    let conflicts = 2;
    const translate: Translator = (s, surroundings) => {
      if (conflicts-- > 0) throw Object.assign(new Error('the object has been modified'), { code: 409 });
      return desiredObjects(s, defaultTranslateOptions, surroundings);
    };
    const deps = c.deps({ translate });
    const { stop } = runStackController(deps);
    try {
      await until('Synced=True', () =>
        c.stack('team-a', 'shop').status?.conditions?.some((x) => x.type === 'Synced' && x.status === 'True') ? true : undefined,
      );
      expect(c.events().filter((e) => e.reason === 'ReconcileFailed')).toEqual([]);
      expect(c.statusWrites().some((s) => s.conditions?.some((x) => x.reason === 'ReconcileError'))).toBe(false);
    } finally {
      await stop();
    }
  });
});
