// Two real Longshore processes: only the Lease holder reconciles, both serve the façade and
// their probes; when the leader stops (SIGTERM) it releases the Lease and exits 0, and the
// other takes over at once; when the leader dies without a word, within the lease duration.
import { CoordinationV1Api } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { createTestNamespace, kubeConfig } from './support/cluster.ts';
import { type LongshoreProcess, spawnLongshore } from './support/process.ts';
import { StackClient } from './support/stacks.ts';
import { waitFor } from './support/wait.ts';

const kc = kubeConfig();
const ns = await createTestNamespace('leader');
const stacks = new StackClient(kc, ns);
const leases = kc.makeApiClient(CoordinationV1Api);

const electionEnv = { LONGSHORE_LEADER_ELECTION: 'true', LONGSHORE_LEASE_NAME: 'longshore-test' };
const isLeader = (p: LongshoreProcess) => p.logs.some((l) => l['msg'] === 'became leader');
const holder = async () => (await leases.readNamespacedLease({ namespace: ns, name: 'longshore-test' })).spec?.holderIdentity;

describe('leader election on a Lease', () => {
  it('lets only one of two processes reconcile, and hands over when the leader stops', async () => {
    const a = await spawnLongshore(ns, electionEnv);
    await waitFor('a leads', 20_000, () => isLeader(a));
    const b = await spawnLongshore(ns, electionEnv);
    expect(await holder()).toMatch(new RegExp(`_${a.child.pid}$`));

    // Both are ready and serve; only the leader reconciles.
    for (const p of [a, b]) {
      const ready = await waitFor('readyz', 20_000, async () => ((await fetch(`${p.opsUrl()}/readyz`)).ok ? true : undefined));
      expect(ready).toBe(true);
    }
    await stacks.create('led', { desiredState: 'Running', services: [{ name: 'led-web', image: 'nginx:1.27' }] });
    await stacks.waitForState('led', 'Running');
    const reconcilesOf = async (p: LongshoreProcess) => {
      const text = await (await fetch(`${p.opsUrl()}/metrics`)).text();
      return Number(/^longshore_reconcile_total\{outcome="success"\} (\d+)/m.exec(text)?.[1] ?? 0);
    };
    expect(await reconcilesOf(a)).toBeGreaterThan(0);
    expect(await reconcilesOf(b)).toBe(0);
    expect(isLeader(b)).toBe(false);

    // SIGTERM: a finishes, releases the Lease, exits 0; b takes over well within a lease.
    const stoppedAt = Date.now();
    a.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    expect(a.logs.some((l) => l['msg'] === 'released leadership')).toBe(true);
    await waitFor('b leads', 15_000, () => isLeader(b));
    expect(Date.now() - stoppedAt).toBeLessThan(15_000);
    expect(await holder()).toMatch(new RegExp(`_${b.child.pid}$`));

    // The new leader reconciles.
    await stacks.patchSpec('led', { desiredState: 'Stopped' });
    await stacks.waitForState('led', 'Stopped');
    expect(await reconcilesOf(b)).toBeGreaterThan(0);
  });

  it('takes over within the lease duration when the leader dies without releasing it', async () => {
    const c = await spawnLongshore(ns, { ...electionEnv, LONGSHORE_LEASE_NAME: 'longshore-test-2' });
    await waitFor('c leads', 20_000, () => isLeader(c));
    const d = await spawnLongshore(ns, { ...electionEnv, LONGSHORE_LEASE_NAME: 'longshore-test-2' });
    const killedAt = Date.now();
    c.child.kill('SIGKILL');
    await waitFor('d leads', 25_000, () => isLeader(d), 200);
    // 15 s lease plus at most one 2 s retry period.
    expect(Date.now() - killedAt).toBeLessThan(20_000);
  });
});
