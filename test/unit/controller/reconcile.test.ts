// reconcile over an in-memory cluster: how failures to apply reach the Stack's status, and
// that a state change's Event is recorded before the status write that shows the change, so
// that a process dying between the two cannot lose it.
import { describe, expect, it } from 'vitest';
import { ApplyFailedError } from '../../../src/controller/report.ts';
import type { Condition, StackStatus } from '../../../src/model/stack.ts';
import { desiredObjects } from '../../../src/translate/desired.ts';
import { defaultTranslateOptions } from '../../../src/translate/options.ts';
import { EMPTY_SURROUNDINGS } from '../../../src/translate/surroundings.ts';
import { service, stack } from '../translate/fixtures.ts';
import { apiError, FakeCluster, type LogEntry } from './support/fake-cluster.ts';

const NS = 'team-a';
const KEY = `${NS}/shop`;
const web = service('web', { containerPorts: [{ innerPort: 80, outerPort: 30080, published: true }] });
const db = service('db');
const PORT_TAKEN =
  'Service "shop-web" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated';
const POD_SECURITY =
  'pods "shop-web-5f7d9c8b6d-abcde" is forbidden: violates PodSecurity "restricted:latest": privileged (container "web" must not set securityContext.privileged=true)';

const condition = (s: StackStatus | undefined, type: string): Condition | undefined =>
  s?.conditions?.find((c) => c.type === type);

function cluster(): FakeCluster {
  const c = new FakeCluster();
  c.addStack(stack([web, db], {}, { namespace: NS }));
  return c;
}

const eventReason = (state: string) => state.replace(/ (\w)/g, (_, ch: string) => ch.toUpperCase());

/**
 * No gap: every state a status write made visible has its Event recorded before that write
 * (after the previous write that showed another state).
 */
function expectEventBeforeEachStateChange(log: readonly LogEntry[]): void {
  let shown: string | undefined;
  let recorded = new Set<string>();
  for (const entry of log) {
    if (entry.what === 'event' && entry.type === 'Normal') recorded.add(entry.reason);
    if (entry.what === 'status' && entry.state !== shown) {
      expect(recorded, `an Event for ${entry.state} before the status write that shows it`).toContain(
        eventReason(entry.state ?? ''),
      );
      shown = entry.state;
      recorded = new Set();
    }
  }
}

describe('a child the API server refuses', () => {
  it('is reported on the stack (Synced=False, Degraded=True) and on its service, the rest applied, and retried', async () => {
    const c = cluster();
    c.refuse.set('Service/shop-web', { error: apiError(422, PORT_TAKEN), persist: true });
    const reconciler = c.reconciler();

    const failed = reconciler.reconcile(KEY);
    await expect(failed).rejects.toBeInstanceOf(ApplyFailedError);
    await expect(failed).rejects.toThrow(`not applied: web: Service shop-web: HTTP 422: ${PORT_TAKEN}`);

    // Everything else was applied.
    const applied = c.log.flatMap((e) => (e.what === 'apply' ? [`${e.kind}/${e.name}`] : []));
    expect(applied).toEqual(expect.arrayContaining(['Deployment/shop-web', 'Deployment/shop-db', 'Service/shop-db']));
    expect(applied).not.toContain('Service/shop-web');

    const status = c.stack(NS, 'shop').status;
    expect(condition(status, 'Synced')).toMatchObject({
      status: 'False',
      reason: 'ReconcileError',
      message: `web: Service shop-web: HTTP 422: ${PORT_TAKEN}`,
    });
    expect(condition(status, 'Degraded')).toMatchObject({
      status: 'True',
      reason: 'ApplyFailed',
      message: expect.stringContaining(PORT_TAKEN),
    });
    expect(status?.services?.[0]).toMatchObject({
      name: 'web',
      state: 'Not running',
      message: `Service shop-web: HTTP 422: ${PORT_TAKEN}`,
    });
    expect(status?.synchronized).toBe(false);

    // Its pods run, but not as specified (no published port): never Running, nor Degraded=False.
    c.rollOut(KEY);
    await expect(reconciler.reconcile(KEY, { retries: 1 })).rejects.toBeInstanceOf(ApplyFailedError);
    const later = c.stack(NS, 'shop').status;
    expect(later?.state).toBe('Partly running');
    expect(later?.services?.map((s) => s.state)).toEqual(['Partly running', 'Running']);
    expect(condition(later, 'Degraded')).toMatchObject({ status: 'True', reason: 'ApplyFailed' });

    // Retried (the reconcile fails again) without writing the same status again.
    const writes = c.statusWrites().length;
    await expect(reconciler.reconcile(KEY, { retries: 2 })).rejects.toBeInstanceOf(ApplyFailedError);
    await expect(reconciler.reconcile(KEY, { retries: 3 })).rejects.toBeInstanceOf(ApplyFailedError);
    expect(c.statusWrites().length).toBe(writes);
  });

  it('never says Degraded=False on a spec change while the refusal persists', async () => {
    const c = cluster();
    c.refuse.set('Service/shop-web', { error: apiError(422, PORT_TAKEN), persist: true });
    const reconciler = c.reconciler();
    await expect(reconciler.reconcile(KEY)).rejects.toBeInstanceOf(ApplyFailedError);
    c.rollOut(KEY);
    await expect(reconciler.reconcile(KEY, { retries: 1 })).rejects.toBeInstanceOf(ApplyFailedError);
    const s = c.stack(NS, 'shop');
    c.stacks.put({
      ...s,
      spec: { ...s.spec, redeploy: { revision: 1 } },
      metadata: { ...s.metadata, generation: 2 },
    } as never);
    const before = c.statusWrites().length;
    await expect(reconciler.reconcile(KEY, { retries: 2 })).rejects.toBeInstanceOf(ApplyFailedError);
    const written = c.statusWrites().slice(before);
    expect(written.length).toBe(1); // no transitional status before the verdict
    for (const w of written) expect(condition(w, 'Degraded')?.status).toBe('True');
    expect(written[0]?.observedGeneration).toBe(2);
  });

  it('reports a workload refused by an admission webhook (403) as Not running', async () => {
    const c = cluster();
    const denied = 'admission webhook "images.example.com" denied the request: images must come from registry.example.com';
    c.refuse.set('Deployment/shop-db', { error: apiError(403, denied), persist: true });
    await expect(c.reconciler().reconcile(KEY)).rejects.toBeInstanceOf(ApplyFailedError);
    const status = c.stack(NS, 'shop').status;
    expect(status?.services?.[1]).toMatchObject({ name: 'db', state: 'Not running' });
    expect(condition(status, 'Synced')?.message).toBe(`db: Deployment shop-db: HTTP 403: ${denied}`);
    expect(condition(status, 'Degraded')).toMatchObject({ status: 'True', reason: 'ApplyFailed' });
  });

  it('says Synced=True and Degraded=False once the apply succeeds', async () => {
    const c = cluster();
    c.refuse.set('Service/shop-web', { error: apiError(422, PORT_TAKEN), persist: true });
    const reconciler = c.reconciler();
    await expect(reconciler.reconcile(KEY)).rejects.toBeInstanceOf(ApplyFailedError);
    c.refuse.clear();
    c.rollOut(KEY);
    await reconciler.reconcile(KEY);
    const status = c.stack(NS, 'shop').status;
    expect(condition(status, 'Synced')).toMatchObject({ status: 'True', reason: 'ReconcileSuccess' });
    expect(condition(status, 'Degraded')).toMatchObject({ status: 'False', reason: 'AsExpected' });
    expect(status?.state).toBe('Running');
    expect(status?.services?.map((s) => s.state)).toEqual(['Running', 'Running']);
    expect(status?.services?.[0]).not.toHaveProperty('message');
    // Converged: another reconcile writes nothing.
    const writes = c.log.length;
    await reconciler.reconcile(KEY);
    expect(c.log.slice(writes)).toEqual([]);
  });
});

describe('a cache behind our own status write', () => {
  it('defers the reconcile (not a success: a failing key keeps its count of failures)', async () => {
    const c = cluster();
    const reconciler = c.reconciler();
    const before = c.stack(NS, 'shop');
    await reconciler.reconcile(KEY);
    c.stacks.put(before as never); // the watch event of our write has not arrived yet
    const writes = c.log.length;
    expect(await reconciler.reconcile(KEY, { retries: 3 })).toEqual({ deferred: true });
    expect(c.log.length).toBe(writes);
  });
});

describe('a service some of whose children are refused', () => {
  it('keeps its old children (old volumes) until the new ones are in place', async () => {
    const c = new FakeCluster();
    const data = service('data', { bindings: [{ containerPath: '/data' }] });
    c.addStack(stack([data], {}, { namespace: NS }));
    const reconciler = c.reconciler();
    await reconciler.reconcile(KEY);
    const claims = () => [...c.children.PersistentVolumeClaim.list()].map((o) => o.metadata?.name);
    const [old] = claims();
    expect(old).toBeDefined();

    // Fresh volumes asked for; the new claim exceeds the namespace's quota.
    const s = c.stack(NS, 'shop');
    const fresh = stack([data], { redeploy: { revision: 1, volumesRevision: 1 } }, { namespace: NS, generation: 2 });
    c.stacks.put({ ...s, spec: fresh.spec, metadata: { ...s.metadata, generation: 2 } } as never);
    const wanted = desiredObjects(fresh, defaultTranslateOptions, EMPTY_SURROUNDINGS)
      .objects.filter((o) => o.kind === 'PersistentVolumeClaim')
      .map((o) => o.metadata.name);
    expect(wanted).not.toContain(old);
    const quota = 'persistentvolumeclaims "x" is forbidden: exceeded quota: storage, requested: requests.storage=1Gi';
    for (const name of wanted) c.refuse.set(`PersistentVolumeClaim/${name}`, { error: apiError(403, quota), persist: true });
    await expect(reconciler.reconcile(KEY)).rejects.toBeInstanceOf(ApplyFailedError);
    expect(claims()).toContain(old);
    expect(condition(c.stack(NS, 'shop').status, 'Synced')?.message).toContain(`HTTP 403: ${quota}`);

    c.refuse.clear();
    await reconciler.reconcile(KEY);
    expect(claims()).not.toContain(old);
  });
});

describe('a failure that may pass by itself (5xx, 429, network)', () => {
  it('fails the reconcile as before at first, says Synced=False once it persists past one retry, Degraded once it lasts', async () => {
    const c = cluster();
    c.refuse.set('Deployment/shop-web', { error: apiError(503, 'etcdserver: leader changed'), persist: true });
    const reconciler = c.reconciler();

    await expect(reconciler.reconcile(KEY, { retries: 0 })).rejects.toMatchObject({ code: 503 });
    // Nothing written yet: the failure may pass, and a new stack is not announced before its
    // first applies.
    expect(c.statusWrites()).toEqual([]);
    expect(condition(c.stack(NS, 'shop').status, 'Synced')).toBeUndefined();

    await expect(reconciler.reconcile(KEY, { retries: 1 })).rejects.toBeInstanceOf(ApplyFailedError);
    const status = c.stack(NS, 'shop').status;
    expect(condition(status, 'Synced')).toMatchObject({
      status: 'False',
      reason: 'ReconcileError',
      message: 'web: Deployment shop-web: HTTP 503: etcdserver: leader changed',
    });
    // A blip of the API server does not fail the stack: no Degraded, the service's state kept.
    expect(condition(status, 'Degraded')).toMatchObject({ status: 'False' });
    expect(status?.services?.[0]).toMatchObject({ name: 'web', state: 'Starting' });
    expect(status?.services?.[0]).not.toHaveProperty('message');

    // Further retries write nothing while the failure stays the same.
    const writes = c.statusWrites().length;
    await expect(reconciler.reconcile(KEY, { retries: 2 })).rejects.toBeInstanceOf(ApplyFailedError);
    await expect(reconciler.reconcile(KEY, { retries: 0 })).rejects.toMatchObject({ code: 503 });
    expect(c.statusWrites().length).toBe(writes);

    // Lasting (about a minute of backoff): a failure of the service like a refusal.
    await expect(reconciler.reconcile(KEY, { retries: 10 })).rejects.toBeInstanceOf(ApplyFailedError);
    const lasting = c.stack(NS, 'shop').status;
    expect(condition(lasting, 'Degraded')).toMatchObject({ status: 'True', reason: 'ApplyFailed' });
    expect(lasting?.services?.[0]).toMatchObject({
      name: 'web',
      state: 'Not running',
      message: 'Deployment shop-web: HTTP 503: etcdserver: leader changed',
    });

    c.refuse.clear();
    await reconciler.reconcile(KEY);
    expect(condition(c.stack(NS, 'shop').status, 'Synced')).toMatchObject({ status: 'True', reason: 'ReconcileSuccess' });
  });
});

describe('a Deployment whose Pods are refused (ReplicaFailure FailedCreate)', () => {
  it('makes the stack Degraded with the API server message, the service Not running', async () => {
    const c = cluster();
    const reconciler = c.reconciler();
    await reconciler.reconcile(KEY);
    c.rollOut(KEY);
    const d = c.children.Deployment.get(`${NS}/shop-web`);
    c.setWorkloadStatus('Deployment', NS, 'shop-web', {
      observedGeneration: d?.metadata?.generation,
      replicas: 0,
      conditions: [
        {
          type: 'Available',
          status: 'False',
          reason: 'MinimumReplicasUnavailable',
          message: 'Deployment does not have minimum availability.',
        },
        { type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: POD_SECURITY },
        { type: 'Progressing', status: 'True', reason: 'NewReplicaSetCreated', message: 'Created new replica set' },
      ],
    });
    await reconciler.reconcile(KEY);
    const status = c.stack(NS, 'shop').status;
    expect(condition(status, 'Degraded')).toMatchObject({
      status: 'True',
      reason: 'ReplicaFailure',
      message: expect.stringContaining(`web: FailedCreate: ${POD_SECURITY}`),
    });
    expect(status?.services?.[0]).toMatchObject({ state: 'Not running', message: `FailedCreate: ${POD_SECURITY}` });
    expect(status?.state).toBe('Partly running');
    // Everything was applied: the refusal is the Pods'.
    expect(condition(status, 'Synced')).toMatchObject({ status: 'True', reason: 'ReconcileSuccess' });
  });
});

describe("a state change's Event", () => {
  it('is recorded before the status write that shows the change', async () => {
    const c = cluster();
    const reconciler = c.reconciler();
    await reconciler.reconcile(KEY);
    c.rollOut(KEY);
    await reconciler.reconcile(KEY);
    expect(c.stack(NS, 'shop').status?.state).toBe('Running');
    expect(c.events().filter((e) => e.message.startsWith('stack is'))).toEqual([
      { reason: 'Starting', message: 'stack is Starting' },
      { reason: 'Running', message: 'stack is Running' },
    ]);
    expectEventBeforeEachStateChange(c.log);
  });

  it('is recorded again, not lost, when the process dies before the status write', async () => {
    const c = cluster();
    c.beforeStatusWrite = () => {
      c.beforeStatusWrite = undefined;
      throw new Error('SIGKILL');
    };
    await expect(c.reconciler().reconcile(KEY)).rejects.toThrow('SIGKILL');
    expect(c.statusWrites()).toEqual([]);
    // A new process, no memory of the old one's.
    await c.reconciler().reconcile(KEY);
    expect(c.stack(NS, 'shop').status?.state).toBe('Starting');
    expect(c.events().filter((e) => e.reason === 'Starting').length).toBe(2); // a duplicate, not a gap
    expectEventBeforeEachStateChange(c.log);
  });

  it('is already recorded when the process dies right after the status write', async () => {
    const c = cluster();
    const reconciler = c.reconciler();
    await reconciler.reconcile(KEY);
    c.rollOut(KEY);
    c.afterStatusWrite = () => {
      c.afterStatusWrite = undefined;
      throw new Error('SIGKILL');
    };
    await expect(reconciler.reconcile(KEY)).rejects.toThrow('SIGKILL');
    expect(c.stack(NS, 'shop').status?.state).toBe('Running');
    expect(c.events().map((e) => e.reason)).toContain('Running');
    // The new process finds the change made and recorded: nothing more to say.
    const before = c.log.length;
    await c.reconciler().reconcile(KEY);
    expect(c.log.slice(before).filter((e) => e.what !== 'apply')).toEqual([]);
    expectEventBeforeEachStateChange(c.log);
  });

  it('is never lost whichever write a process dies at, across a lifecycle', async () => {
    // Die at the n-th status write (before or after it lands), restart, and go on to Running,
    // then Stopped: every state shown has its Event before it.
    for (let n = 1; n <= 4; n++) {
      for (const when of ['before', 'after'] as const) {
        const c = cluster();
        let writes = 0;
        const die = () => {
          writes++;
          if (writes === n) throw new Error('SIGKILL');
        };
        if (when === 'before') c.beforeStatusWrite = die;
        else c.afterStatusWrite = die;
        const run = async () => {
          for (let attempt = 0; attempt < 3; attempt++) {
            try {
              await c.reconciler().reconcile(KEY);
              return;
            } catch {
              // the process died: a new one starts
            }
          }
        };
        await run();
        c.rollOut(KEY);
        await run();
        const s = c.stack(NS, 'shop');
        c.stacks.put({ ...s, spec: { ...s.spec, desiredState: 'Stopped' }, metadata: { ...s.metadata, generation: 2 } } as never);
        await run();
        for (const d of c.children.Deployment.byIndex('stack', KEY))
          c.setWorkloadStatus('Deployment', NS, d.metadata?.name ?? '', {});
        await run();
        expect(c.stack(NS, 'shop').status?.state).toBe('Stopped');
        expectEventBeforeEachStateChange(c.log);
      }
    }
  });
});

describe('published ports in status', () => {
  it('are listed while the stack is asked to run, and no longer once it is stopped', async () => {
    const c = cluster();
    const reconciler = c.reconciler({ rules: { progressDeadlineSeconds: 600, publishing: { publishMode: 'NodePort' } } });
    await reconciler.reconcile(KEY);
    const ports = () => c.stack(NS, 'shop').status?.services?.find((x) => x.name === 'web')?.publishedPorts;
    expect(ports()).toEqual([expect.objectContaining({ innerPort: 80, requestedOuterPort: 30080, via: 'NodePort' })]);
    const s = c.stack(NS, 'shop');
    c.stacks.put({ ...s, spec: { ...s.spec, desiredState: 'Stopped' }, metadata: { ...s.metadata, generation: 2 } } as never);
    await reconciler.reconcile(KEY);
    expect(ports()).toBeUndefined();
  });
});

describe('the warnings of a stack', () => {
  const linked = service('web', { linkedToService: [{ toService: 'db' }] });
  const WARNING =
    'web: linkedToService[0]: "db" lists no ports, so the link sets no DB_PORT_* variables (Docker set them for the ports its image EXPOSEs, which Longshore cannot read): list the ports "db" listens on (expose) if its users read those variables';

  it('are shown in the Warnings condition and recorded as Events once, not at every reconcile', async () => {
    const c = new FakeCluster();
    c.addStack(stack([linked, db], {}, { namespace: NS }));
    const reconciler = c.reconciler();
    await reconciler.reconcile(KEY);
    expect(condition(c.stack(NS, 'shop').status, 'Warnings')).toMatchObject({
      status: 'True',
      reason: 'CannotBeKnown',
      message: WARNING,
    });
    c.rollOut(KEY);
    await reconciler.reconcile(KEY);
    await reconciler.reconcile(KEY);
    expect(c.stack(NS, 'shop').status?.state).toBe('Running');
    expect(c.events().filter((e) => e.reason === 'CannotBeKnown')).toEqual([{ reason: 'CannotBeKnown', message: WARNING }]);
    // Recorded before the status write that shows them, so a crash in between cannot lose them.
    const firstEvent = c.log.findIndex((e) => e.what === 'event' && e.reason === 'CannotBeKnown');
    const firstStatus = c.log.findIndex((e) => e.what === 'status');
    expect(firstEvent).toBeLessThan(firstStatus);
  });

  it('go away with their cause: Warnings=False once the sibling lists its port', async () => {
    const c = new FakeCluster();
    c.addStack(stack([linked, db], {}, { namespace: NS }));
    const reconciler = c.reconciler();
    await reconciler.reconcile(KEY);
    c.addStack({
      ...c.stack(NS, 'shop'),
      spec: { desiredState: 'Running', services: [linked, service('db', { containerPorts: [{ innerPort: 5432 }] })] },
      metadata: { ...c.stack(NS, 'shop').metadata, generation: 2 },
    });
    await reconciler.reconcile(KEY);
    expect(condition(c.stack(NS, 'shop').status, 'Warnings')).toMatchObject({ status: 'False', reason: 'NoWarnings' });
  });
});
