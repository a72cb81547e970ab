// Issue #9, item 3: a state change's Event is never lost, however often the controller is
// killed (SIGKILL, no clean-up) while it rolls stacks out. Every state a Stack showed (seen by
// a watch on the Stacks) must have a Normal Event of that reason, at least as many times as
// the stack entered it: a duplicate after a kill is allowed, a gap is not.
import { type KubernetesObject, Watch } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { GROUP, PLURAL, type Stack, VERSION } from '../../src/model/stack.ts';
import { createTestNamespace, kubeConfig } from './support/cluster.ts';
import { type LongshoreProcess, spawnLongshore } from './support/process.ts';
import { StackClient } from './support/stacks.ts';
import { waitFor } from './support/wait.ts';

const kc = kubeConfig();
const ns = await createTestNamespace('events');
const stacks = new StackClient(kc, ns);

const reasonOf = (state: string) => state.replace(/ (\w)/g, (_, c: string) => c.toUpperCase());

describe("a state change's Event", () => {
  it('is recorded for every state each stack showed, through SIGKILLs during rollouts', async () => {
    // Every state each Stack shows, in order, as the watch sees the status writes.
    const shown = new Map<string, string[]>();
    const listed = (await stacks.custom.listNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      plural: PLURAL,
      namespace: ns,
    })) as {
      metadata?: { resourceVersion?: string };
    };
    const watch = await new Watch(kc).watch(
      `/apis/${GROUP}/${VERSION}/namespaces/${ns}/${PLURAL}`,
      { resourceVersion: listed.metadata?.resourceVersion ?? '0' },
      (_type: string, obj: Stack & KubernetesObject) => {
        const state = obj.status?.state;
        if (state === undefined) return;
        const seen = shown.get(obj.metadata.name) ?? [];
        shown.set(obj.metadata.name, seen);
        if (seen[seen.length - 1] !== state) seen.push(state);
      },
      () => {},
    );
    try {
      const names = Array.from({ length: 12 }, (_, i) => `ev-${i}`);
      let proc: LongshoreProcess = await spawnLongshore(ns);
      await Promise.all(
        names.map((n) => stacks.create(n, { desiredState: 'Running', services: [{ name: 'web', image: 'nginx:1.27' }] })),
      );
      for (let round = 1; round <= 3; round++) {
        for (const n of names) await stacks.waitForState(n, 'Running', 90_000);
        const before = new Map(names.map((n) => [n, (shown.get(n) ?? []).length]));
        await Promise.all(names.map((n) => stacks.patchSpec(n, { redeploy: { revision: round } })));
        // Kill it as soon as the rollout shows, while it writes the other stacks' states.
        await waitFor(
          'a stack Redeploying',
          30_000,
          () => names.some((n) => (shown.get(n)?.length ?? 0) > (before.get(n) ?? 0)),
          5,
        );
        proc.child.kill('SIGKILL');
        await proc.exited;
        proc = await spawnLongshore(ns);
      }
      for (const n of names) await stacks.waitForState(n, 'Running', 90_000);

      const events = (await stacks.core.listNamespacedEvent({ namespace: ns })).items.filter(
        (e) => e.type === 'Normal' && e.involvedObject.kind === 'Stack',
      );
      const gaps: string[] = [];
      for (const n of names) {
        const entered = new Map<string, number>();
        for (const s of shown.get(n) ?? []) entered.set(reasonOf(s), (entered.get(reasonOf(s)) ?? 0) + 1);
        for (const [reason, times] of entered) {
          const recorded = events
            .filter((e) => e.involvedObject.name === n && e.reason === reason)
            .reduce((sum, e) => sum + (e.count ?? 1), 0);
          if (recorded < times) gaps.push(`${n}: entered ${reason} ${times} times, ${recorded} Events`);
        }
      }
      expect(gaps).toEqual([]);
      // The rollouts were seen: each stack went Redeploying and back at least once.
      expect(names.every((n) => (shown.get(n) ?? []).filter((s) => s === 'Running').length >= 2)).toBe(true);
    } finally {
      watch.abort();
    }
  });
});
