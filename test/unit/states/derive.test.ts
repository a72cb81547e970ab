import { describe, expect, it } from 'vitest';
import type { ServiceStatus, Stack, StackStatus } from '../../../src/model/stack.ts';
import { deriveStatus } from '../../../src/states/derive.ts';
import type { StatusInput, WorkloadObservation } from '../../../src/states/input.ts';
import { service, stack } from '../translate/fixtures.ts';

const NOW = new Date('2024-05-01T12:00:00Z');

/** A Deployment that has rolled out `n` ready pods of the current spec. */
function rolledOut(n: number, over: Partial<WorkloadObservation> = {}): WorkloadObservation {
  return {
    kind: 'Deployment',
    exists: true,
    generation: 3,
    observedGeneration: 3,
    specReplicas: n,
    replicas: n,
    readyReplicas: n,
    updatedReplicas: n,
    availableReplicas: n,
    progressDeadlineExceeded: false,
    podTemplateRedeployRevision: '0',
    ...over,
  };
}

function withStatus(s: Stack, status: StackStatus): Stack {
  return { ...s, status };
}

function prev(name: string, state: ServiceStatus['state'], target: number): ServiceStatus {
  return { name, state, targetContainers: target, currentContainers: target, readyContainers: target };
}

function derive(s: Stack, over: Partial<StatusInput> = {}) {
  return deriveStatus({
    stack: s,
    workloads: {},
    pods: {},
    problems: [],
    conflicts: [],
    remainingChildren: 0,
    now: NOW,
    ...over,
  });
}

const condition = (status: ReturnType<typeof derive>, type: string) => status.conditions.find((c) => c.type === type);

const web = service('web', { targetNumContainers: 2 });
const db = service('db');

describe('a stack never started', () => {
  it('is Not Running with its workloads defined at zero pods', () => {
    const s = stack([web, db], { desiredState: undefined });
    const status = derive(s, { workloads: { web: rolledOut(0), db: rolledOut(0) } });
    expect(status.state).toBe('Not Running');
    expect(status.services.map((x) => x.state)).toEqual(['Not running', 'Not running']);
    expect(status.services[0]).toEqual({
      name: 'web',
      state: 'Not running',
      targetContainers: 0,
      currentContainers: 0,
      readyContainers: 0,
    });
    expect(status.servicesReady).toBe('0/2');
    expect(status.synchronized).toBe(true);
    expect(condition(status, 'Ready')).toMatchObject({ status: 'False', reason: 'NotRunning' });
  });

  it('is Stopping while pods are left', () => {
    const status = derive(stack([web], { desiredState: undefined }), { pods: { web: { existing: 1, terminating: 1 } } });
    expect(status.state).toBe('Stopping');
  });
});

describe('a running stack', () => {
  const s = stack([web, db]);

  it('is Running when every service has rolled out its target, all ready', () => {
    const status = derive(s, {
      workloads: { web: rolledOut(2), db: rolledOut(1) },
      pods: { web: { existing: 2, terminating: 0 } },
    });
    expect(status.state).toBe('Running');
    expect(status.services).toEqual([
      { name: 'web', state: 'Running', targetContainers: 2, currentContainers: 2, readyContainers: 2 },
      { name: 'db', state: 'Running', targetContainers: 1, currentContainers: 1, readyContainers: 1 },
    ]);
    expect(status.servicesReady).toBe('2/2');
    expect(status.synchronized).toBe(true);
    expect(status.conditions).toEqual([
      { type: 'Ready', status: 'True', reason: 'Running', message: '2/2 services ready', observedGeneration: 1 },
      { type: 'Progressing', status: 'False', reason: 'Running', message: 'stack is Running', observedGeneration: 1 },
      { type: 'Degraded', status: 'False', reason: 'AsExpected', message: 'no problems', observedGeneration: 1 },
      { type: 'Warnings', status: 'False', reason: 'NoWarnings', message: 'nothing to warn about', observedGeneration: 1 },
    ]);
  });

  it('is Starting before its workloads exist, while they have no pods, and while first pods get ready', () => {
    expect(derive(s).state).toBe('Starting');
    expect(
      derive(s, {
        workloads: {
          web: rolledOut(2, { observedGeneration: 2, replicas: 0, readyReplicas: 0, updatedReplicas: 0 }),
          db: rolledOut(1),
        },
      }).state,
    ).toBe('Starting');
    const warming = derive(s, { workloads: { web: rolledOut(2, { readyReplicas: 1 }), db: rolledOut(1) } });
    expect(warming.state).toBe('Starting');
    expect(warming.services[0]?.state).toBe('Starting');
    expect(condition(warming, 'Progressing')).toMatchObject({ status: 'True', reason: 'Starting' });
    expect(condition(warming, 'Ready')?.message).toBe('1/2 services ready; not ready: web Starting (1/2 ready)');
  });

  it('is Redeploying while a redeploy has not reached the pod template, and while old pods remain', () => {
    const redeployed = stack([web, db], { redeploy: { revision: 1 } });
    const previous = withStatus(redeployed, {
      state: 'Running',
      services: [prev('web', 'Running', 2), prev('db', 'Running', 1)],
    });
    const notApplied = derive(previous, { workloads: { web: rolledOut(2), db: rolledOut(1) } });
    expect(notApplied.state).toBe('Redeploying');
    expect(notApplied.synchronized).toBe(false);
    const rolling = derive(previous, {
      workloads: {
        web: rolledOut(2, { podTemplateRedeployRevision: '1', replicas: 3, updatedReplicas: 1, readyReplicas: 2 }),
        db: rolledOut(1, { podTemplateRedeployRevision: '1' }),
      },
    });
    expect(rolling.services.map((x) => x.state)).toEqual(['Redeploying', 'Running']);
    expect(rolling.state).toBe('Redeploying');
    // Pods of the old template still run: not yet synchronized (Docker Cloud's meaning).
    expect(rolling.synchronized).toBe(false);
    const replaced = derive(previous, {
      workloads: {
        web: rolledOut(2, { podTemplateRedeployRevision: '1', readyReplicas: 1 }),
        db: rolledOut(1, { podTemplateRedeployRevision: '1' }),
      },
    });
    expect(replaced.synchronized).toBe(true);
  });

  it('is Redeploying for the one service redeployed alone, until its pod template carries its revision', () => {
    const redeployed = stack([web, db], { redeploy: { revision: 0, services: { web: 1 } } });
    const previous = withStatus(redeployed, {
      state: 'Running',
      services: [prev('web', 'Running', 2), prev('db', 'Running', 1)],
    });
    const notApplied = derive(previous, { workloads: { web: rolledOut(2), db: rolledOut(1) } });
    expect(notApplied.services.map((x) => x.state)).toEqual(['Redeploying', 'Running']);
    const applied = derive(previous, {
      workloads: { web: rolledOut(2, { podTemplateRedeployRevision: '0.1' }), db: rolledOut(1) },
    });
    expect(applied.services.map((x) => x.state)).toEqual(['Running', 'Running']);
  });

  it('stays Redeploying while the last new pods of a rollout get ready, then is Running', () => {
    const redeployed = stack([web], { redeploy: { revision: 1 } });
    const during = withStatus(redeployed, { state: 'Redeploying', services: [prev('web', 'Redeploying', 2)] });
    const last = rolledOut(2, { podTemplateRedeployRevision: '1', readyReplicas: 1 });
    expect(derive(during, { workloads: { web: last } }).state).toBe('Redeploying');
    expect(derive(during, { workloads: { web: rolledOut(2, { podTemplateRedeployRevision: '1' }) } }).state).toBe('Running');
  });

  it('is Redeploying when a changed spec is not yet observed by a workload that has pods', () => {
    const running = withStatus(s, { state: 'Running', services: [prev('web', 'Running', 2), prev('db', 'Running', 1)] });
    const status = derive(running, { workloads: { web: rolledOut(2, { generation: 4 }), db: rolledOut(1) } });
    expect(status.services[0]?.state).toBe('Redeploying');
    expect(status.synchronized).toBe(false);
  });

  it('shows a service whose target changed as Scaling, the stack as Redeploying', () => {
    const scaled = withStatus(stack([service('web', { targetNumContainers: 3 }), db]), {
      state: 'Running',
      services: [prev('web', 'Running', 2), prev('db', 'Running', 1)],
    });
    const status = derive(scaled, { workloads: { web: rolledOut(3, { readyReplicas: 2 }), db: rolledOut(1) } });
    expect(status.services[0]).toMatchObject({ state: 'Scaling', targetContainers: 3, readyContainers: 2 });
    expect(status.state).toBe('Redeploying');
    const down = derive(scaled, { workloads: { web: rolledOut(3), db: rolledOut(1) } });
    expect(down.state).toBe('Running');
  });

  it('is Partly running when a service missed its progress deadline with some containers ready', () => {
    const status = derive(s, {
      workloads: { web: rolledOut(2, { readyReplicas: 1, progressDeadlineExceeded: true }), db: rolledOut(1) },
    });
    expect(status.services[0]).toMatchObject({
      state: 'Partly running',
      message: 'ProgressDeadlineExceeded: no progress within the deadline',
    });
    expect(status.state).toBe('Partly running');
    expect(condition(status, 'Progressing')).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded' });
    expect(condition(status, 'Degraded')).toMatchObject({
      status: 'True',
      reason: 'ProgressDeadlineExceeded',
      message: 'rollout stalled: web',
    });
  });

  it('says why a pod no node takes waits, and names it when the deadline passes', () => {
    const why = "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector.";
    const waiting = derive(s, {
      workloads: { web: rolledOut(2, { readyReplicas: 1 }), db: rolledOut(1) },
      pods: { web: { existing: 2, terminating: 0, ready: 1, unschedulable: why } },
    });
    expect(waiting.services[0]?.message).toBe(`Unschedulable: ${why}`);
    const late = derive(s, {
      workloads: { web: rolledOut(2, { readyReplicas: 1, progressDeadlineExceeded: true }), db: rolledOut(1) },
      pods: { web: { existing: 2, terminating: 0, ready: 1, unschedulable: why } },
    });
    expect(late.services[0]).toMatchObject({
      state: 'Partly running',
      message: `Unschedulable: ${why}; ProgressDeadlineExceeded: no progress within the deadline`,
    });
    expect(condition(late, 'Degraded')?.message).toBe(`rollout stalled: web (web: Unschedulable: ${why})`);
    const done = derive(s, {
      workloads: { web: rolledOut(2), db: rolledOut(1) },
      pods: { web: { existing: 2, terminating: 0, ready: 2, unschedulable: why } },
    });
    expect(done.services[0]?.message).toBeUndefined();
  });

  it('is Partly running when a failed service has no container ready but another service runs', () => {
    const status = derive(s, {
      workloads: { web: rolledOut(2, { readyReplicas: 0, progressDeadlineExceeded: true }), db: rolledOut(1) },
    });
    expect(status.services.map((x) => x.state)).toEqual(['Not running', 'Running']);
    expect(status.state).toBe('Partly running');
  });

  it('is Not Running when rollouts failed and no container at all is ready', () => {
    const status = derive(s, {
      workloads: {
        web: rolledOut(2, { readyReplicas: 0, progressDeadlineExceeded: true }),
        db: rolledOut(1, { readyReplicas: 0, progressDeadlineExceeded: true }),
      },
    });
    expect(status.state).toBe('Not Running');
    expect(condition(status, 'Degraded')).toMatchObject({ status: 'True', reason: 'ProgressDeadlineExceeded' });
  });

  it('stays Starting while another service is still converging, even if one has failed', () => {
    const status = derive(s, { workloads: { web: rolledOut(2, { readyReplicas: 0, progressDeadlineExceeded: true }) } });
    expect(status.state).toBe('Starting');
  });

  it('is Partly running when a running service lost a container that is being replaced', () => {
    const running = withStatus(s, { state: 'Running', services: [prev('web', 'Running', 2), prev('db', 'Running', 1)] });
    const status = derive(running, { workloads: { web: rolledOut(2, { readyReplicas: 1 }), db: rolledOut(1) } });
    expect(status.services[0]?.state).toBe('Partly running');
    expect(status.state).toBe('Partly running');
    expect(condition(status, 'Degraded')).toMatchObject({ status: 'True', reason: 'PartlyRunning' });
  });

  it('counts containers as the pods that exist and are not terminating', () => {
    const status = derive(s, {
      workloads: { web: rolledOut(2), db: rolledOut(1) },
      pods: { web: { existing: 3, terminating: 1, ready: 2 } },
    });
    expect(status.services[0]).toMatchObject({ currentContainers: 2, readyContainers: 2 });
  });

  it('shows a service that cannot be translated as Not running, the stack as not synchronized and Degraded', () => {
    const status = derive(s, {
      workloads: { db: rolledOut(1) },
      problems: [{ service: 'web', field: 'net', message: "the host's network is not allowed" }],
    });
    expect(status.services[0]?.state).toBe('Not running');
    expect(status.state).toBe('Partly running');
    expect(status.synchronized).toBe(false);
    expect(condition(status, 'Degraded')).toMatchObject({
      status: 'True',
      reason: 'UntranslatableService',
      message: "web: net: the host's network is not allowed; not every service runs at its target: web Not running (0/2 ready)",
    });
  });

  it('shows a service whose name is taken by someone else as Not running, Degraded by a name conflict', () => {
    const status = derive(s, {
      workloads: { db: rolledOut(1) },
      conflicts: [{ kind: 'Deployment', name: 'shop-web', service: 'web' }],
    });
    expect(status.services[0]?.state).toBe('Not running');
    expect(condition(status, 'Degraded')).toMatchObject({
      status: 'True',
      reason: 'NameConflict',
      message: expect.stringContaining('owned by someone else: Deployment shop-web;'),
    });
  });

  it('shows a linked stack that does not run as Degraded, without blocking anything', () => {
    const notice = {
      service: 'web',
      field: 'linkedToService[0].toService',
      message: 'links to "db.other", whose stack is Stopped',
    };
    const status = derive(s, { workloads: { web: rolledOut(2), db: rolledOut(1) }, notices: [notice] });
    expect(status.state).toBe('Running');
    expect(condition(status, 'Degraded')).toMatchObject({
      status: 'True',
      reason: 'LinkTargetNotRunning',
      message: 'web: linkedToService[0].toService: links to "db.other", whose stack is Stopped',
    });
  });

  it('reports an invalid spec as Degraded and not synchronized', () => {
    const status = derive(s, {
      workloads: { web: rolledOut(2), db: rolledOut(1) },
      invalid: 'spec.services[0].image: is required',
    });
    expect(status.synchronized).toBe(false);
    expect(condition(status, 'Degraded')).toMatchObject({
      status: 'True',
      reason: 'InvalidSpec',
      message: 'spec.services[0].image: is required',
    });
  });
});

describe('an EVERY_NODE service', () => {
  const agent = service('agent', { deploymentStrategy: 'EVERY_NODE' });
  const ds = (over: Partial<WorkloadObservation> = {}) => rolledOut(3, { kind: 'DaemonSet', ...over });

  it('targets one container per eligible node and is Running when all are ready', () => {
    const status = derive(stack([agent]), { workloads: { agent: ds() } });
    expect(status.services[0]).toMatchObject({ state: 'Running', targetContainers: 3 });
  });

  it('counts as failed once the stack has been progressing longer than the deadline', () => {
    const progressingSince = (at: string): Stack =>
      withStatus(stack([agent]), {
        services: [prev('agent', 'Starting', 3)],
        conditions: [
          { type: 'Progressing', status: 'True', reason: 'Starting', message: '', lastTransitionTime: at, observedGeneration: 1 },
        ],
      });
    const stuck = ds({ readyReplicas: 2 });
    expect(derive(progressingSince('2024-05-01T11:55:00Z'), { workloads: { agent: stuck } }).state).toBe('Starting');
    const late = derive(progressingSince('2024-05-01T11:49:00Z'), { workloads: { agent: stuck } });
    expect(late.state).toBe('Partly running');
    expect(condition(late, 'Progressing')).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded' });
    expect(
      derive(progressingSince('2024-05-01T11:55:00Z'), { workloads: { agent: stuck }, progressDeadlineSeconds: 60 }).state,
    ).toBe('Partly running');
  });

  it('stays failed until the spec changes', () => {
    const failed = (generation: number): Stack =>
      withStatus(stack([agent], {}, { generation }), {
        services: [prev('agent', 'Not running', 3)],
        conditions: [
          {
            type: 'Progressing',
            status: 'False',
            reason: 'ProgressDeadlineExceeded',
            message: '',
            lastTransitionTime: '2024-05-01T11:59:00Z',
            observedGeneration: 1,
          },
        ],
      });
    const stuck = { agent: ds({ readyReplicas: 0 }) };
    expect(derive(failed(1), { workloads: stuck }).state).toBe('Not Running');
    expect(derive(failed(2), { workloads: stuck }).state).toBe('Starting');
  });
});

describe('a stopped stack', () => {
  const s = stack([web], { desiredState: 'Stopped' });

  it('is Stopping while pods are left, terminating ones included, then Stopped', () => {
    expect(derive(s, { workloads: { web: rolledOut(0) }, pods: { web: { existing: 2, terminating: 2 } } }).state).toBe(
      'Stopping',
    );
    expect(derive(s, { workloads: { web: rolledOut(0, { replicas: 1 }) } }).state).toBe('Stopping');
    const stopped = derive(s, { workloads: { web: rolledOut(0) }, pods: { web: { existing: 0, terminating: 0 } } });
    expect(stopped.state).toBe('Stopped');
    expect(stopped.services[0]?.state).toBe('Stopped');
    expect(condition(stopped, 'Progressing')).toMatchObject({ status: 'False', reason: 'Stopped' });
  });
});

describe('a terminated stack', () => {
  it('is Terminating while owned children or pods are left, then Terminated', () => {
    const s = stack([web], { desiredState: 'Terminated' });
    const going = derive(s, { remainingChildren: 3, workloads: { web: rolledOut(0) } });
    expect(going.state).toBe('Terminating');
    expect(going.services[0]?.state).toBe('Terminating');
    expect(going.synchronized).toBe(false);
    expect(derive(s, { pods: { web: { existing: 1, terminating: 1 } } }).state).toBe('Terminating');
    const gone = derive(s);
    expect(gone.state).toBe('Terminated');
    expect(gone.services[0]?.state).toBe('Terminated');
    expect(gone.synchronized).toBe(true);
  });

  it('is Terminating when the Stack is being deleted, whatever its desired state', () => {
    const s = stack([web], { desiredState: 'Running' }, { deletionTimestamp: '2024-05-01T11:00:00Z' });
    expect(derive(s, { remainingChildren: 1 }).state).toBe('Terminating');
  });
});

describe('deriveStatus', () => {
  it('gives the same status for the same inputs', () => {
    const s = stack([web, db]);
    const input = { workloads: { web: rolledOut(2, { readyReplicas: 1 }) }, pods: { web: { existing: 2, terminating: 0 } } };
    expect(JSON.stringify(derive(s, input))).toBe(JSON.stringify(derive(s, input)));
  });
});

describe('the Warnings condition', () => {
  it('lists what cannot be known from the spec, True, without making the stack Degraded', () => {
    const s = stack([service('web'), service('db')]);
    const warnings = [
      { service: 'web', field: 'linkedToService[0]', message: '"db" lists no ports' },
      { service: 'web', field: 'bindings[0].volumesFrom', message: '"data" declares no volumes' },
    ];
    const status = derive(s, { workloads: { web: rolledOut(1), db: rolledOut(1) }, warnings });
    expect(status.state).toBe('Running');
    expect(status.conditions.find((c) => c.type === 'Degraded')?.status).toBe('False');
    expect(status.conditions.find((c) => c.type === 'Warnings')).toEqual({
      type: 'Warnings',
      status: 'True',
      reason: 'CannotBeKnown',
      message: 'web: linkedToService[0]: "db" lists no ports; web: bindings[0].volumesFrom: "data" declares no volumes',
      observedGeneration: 1,
    });
  });
});

describe('failures told in status', () => {
  const s = stack([web, db]);
  const portTaken = {
    service: 'web',
    kind: 'Service',
    name: 'shop-web',
    code: 422,
    message: 'Service "shop-web" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated',
  };
  const refused = {
    service: 'db',
    kind: 'Deployment',
    name: 'shop-db',
    code: 403,
    message: 'admission webhook "policy.example.com" denied the request: images must come from registry.example.com',
  };
  const podSecurity =
    'pods "shop-web-7d9c6b5f4-x2x9z" is forbidden: violates PodSecurity "restricted:latest": privileged (container "web" must not set securityContext.privileged=true)';

  it('says Synced=True ReconcileSuccess when the reconcile applied everything', () => {
    const status = derive(s, { workloads: { web: rolledOut(2), db: rolledOut(1) }, applyFailures: [] });
    expect(status.state).toBe('Running');
    expect(status.conditions.map((c) => c.type)).toEqual(['Ready', 'Progressing', 'Degraded', 'Warnings', 'Synced']);
    expect(condition(status, 'Synced')).toEqual({
      type: 'Synced',
      status: 'True',
      reason: 'ReconcileSuccess',
      message: 'every child applied',
      observedGeneration: 1,
    });
    expect(condition(status, 'Degraded')).toMatchObject({ status: 'False', reason: 'AsExpected' });
  });

  it('leaves Synced out (the old one is kept) when nothing was applied yet', () => {
    const status = derive(s, { workloads: { web: rolledOut(2), db: rolledOut(1) } });
    expect(condition(status, 'Synced')).toBeUndefined();
  });

  it('reports a child refused with 422 (a NodePort already allocated) on the stack and on its service', () => {
    const status = derive(s, { workloads: { web: rolledOut(2), db: rolledOut(1) }, applyFailures: [portTaken] });
    expect(condition(status, 'Synced')).toMatchObject({
      status: 'False',
      reason: 'ReconcileError',
      message: `web: Service shop-web: HTTP 422: ${portTaken.message}`,
    });
    expect(condition(status, 'Degraded')).toMatchObject({
      status: 'True',
      reason: 'ApplyFailed',
      message: expect.stringContaining(`not applied: web: Service shop-web: HTTP 422: ${portTaken.message}`),
    });
    // Its pods run, but not as specified (no published port): not Running.
    expect(status.services[0]).toMatchObject({
      name: 'web',
      state: 'Partly running',
      message: `Service shop-web: HTTP 422: ${portTaken.message}`,
    });
    expect(status.services[1]).toEqual({
      name: 'db',
      state: 'Running',
      targetContainers: 1,
      currentContainers: 1,
      readyContainers: 1,
    });
    expect(status.state).toBe('Partly running');
    expect(status.synchronized).toBe(false);
    expect(condition(status, 'Ready')).toMatchObject({ status: 'False' });
  });

  it('reports a workload refused with 403 (an admission webhook) as Not running, never Starting', () => {
    const status = derive(s, { workloads: { web: rolledOut(2) }, applyFailures: [refused] });
    expect(status.services[1]).toMatchObject({
      name: 'db',
      state: 'Not running',
      message: `Deployment shop-db: HTTP 403: ${refused.message}`,
    });
    expect(status.state).toBe('Partly running');
    expect(condition(status, 'Synced')).toMatchObject({
      status: 'False',
      reason: 'ReconcileError',
      message: expect.stringContaining('db: Deployment shop-db: HTTP 403: admission webhook "policy.example.com" denied'),
    });
    expect(condition(status, 'Degraded')).toMatchObject({ status: 'True', reason: 'ApplyFailed' });
    const alone = derive(stack([db]), { applyFailures: [refused] });
    expect(alone.state).toBe('Not Running');
    expect(condition(alone, 'Degraded')).toMatchObject({ status: 'True', reason: 'ApplyFailed' });
  });

  it("reports a Deployment whose Pods are refused (ReplicaFailure FailedCreate) at once, with the API server's message", () => {
    const failing = rolledOut(2, {
      replicas: 0,
      readyReplicas: 0,
      updatedReplicas: 0,
      availableReplicas: 0,
      replicaFailure: { reason: 'FailedCreate', message: podSecurity },
    });
    const status = derive(s, { workloads: { web: failing, db: rolledOut(1) }, applyFailures: [] });
    expect(status.services[0]).toMatchObject({ state: 'Not running', message: `FailedCreate: ${podSecurity}` });
    expect(status.state).toBe('Partly running');
    expect(condition(status, 'Degraded')).toMatchObject({
      status: 'True',
      reason: 'ReplicaFailure',
      message: expect.stringContaining(`web: FailedCreate: ${podSecurity}`),
    });
    // Everything was applied: the failure is the cluster's, not the reconcile's.
    expect(condition(status, 'Synced')).toMatchObject({ status: 'True', reason: 'ReconcileSuccess' });
    // A single service whose pods are refused: the stack does not sit in Starting.
    const alone = derive(stack([web]), { workloads: { web: failing } });
    expect(alone.state).toBe('Not Running');
    expect(condition(alone, 'Degraded')).toMatchObject({ status: 'True', reason: 'ReplicaFailure' });
  });

  it('shows a rollout whose new Pods are refused as Partly running while old Pods serve', () => {
    const running = withStatus(s, { state: 'Running', services: [prev('web', 'Running', 2), prev('db', 'Running', 1)] });
    const rolling = rolledOut(2, {
      generation: 4,
      observedGeneration: 4,
      updatedReplicas: 0,
      replicaFailure: { reason: 'FailedCreate', message: podSecurity },
    });
    const status = derive(running, { workloads: { web: rolling, db: rolledOut(1) } });
    expect(status.services[0]?.state).toBe('Partly running');
    expect(condition(status, 'Degraded')).toMatchObject({ status: 'True', reason: 'ReplicaFailure' });
  });

  it('ignores a ReplicaFailure left over once the rollout is complete', () => {
    const status = derive(s, {
      workloads: { web: rolledOut(2, { replicaFailure: { reason: 'FailedDelete', message: 'x' } }), db: rolledOut(1) },
      applyFailures: [],
    });
    expect(status.state).toBe('Running');
    expect(status.services[0]).not.toHaveProperty('message');
    expect(condition(status, 'Degraded')).toMatchObject({ status: 'False', reason: 'AsExpected' });
  });

  it('says Synced=True again, and Degraded=False, once a failed apply succeeds', () => {
    const failed = derive(s, { workloads: { web: rolledOut(2), db: rolledOut(1) }, applyFailures: [portTaken] });
    const after = withStatus(s, {
      state: failed.state,
      services: failed.services,
      conditions: failed.conditions.map((c) => ({ ...c, lastTransitionTime: '2024-05-01T11:00:00Z' })),
    });
    const status = derive(after, { workloads: { web: rolledOut(2), db: rolledOut(1) }, applyFailures: [] });
    expect(status.state).toBe('Running');
    expect(status.services[0]).toEqual(prev('web', 'Running', 2));
    expect(condition(status, 'Synced')).toMatchObject({ status: 'True', reason: 'ReconcileSuccess' });
    expect(condition(status, 'Degraded')).toMatchObject({ status: 'False', reason: 'AsExpected', message: 'no problems' });
  });

  it('says only Synced=False for a failure still being retried (it may pass by itself)', () => {
    const blip = { ...portTaken, code: 503, message: 'etcdserver: leader changed', retrying: true };
    const status = derive(s, { workloads: { web: rolledOut(2), db: rolledOut(1) }, applyFailures: [blip] });
    expect(condition(status, 'Synced')).toMatchObject({
      status: 'False',
      reason: 'ReconcileError',
      message: 'web: Service shop-web: HTTP 503: etcdserver: leader changed',
    });
    expect(condition(status, 'Degraded')).toMatchObject({ status: 'False', reason: 'AsExpected' });
    expect(status.services.map((x) => x.state)).toEqual(['Running', 'Running']);
    expect(status.synchronized).toBe(false);
  });

  it('counts translation problems, name conflicts and an invalid spec as not synced', () => {
    const problem = derive(s, {
      workloads: { db: rolledOut(1) },
      problems: [{ service: 'web', field: 'net', message: "the host's network is not allowed" }],
      applyFailures: [],
    });
    expect(condition(problem, 'Synced')).toMatchObject({
      status: 'False',
      reason: 'ReconcileError',
      message: "web: net: the host's network is not allowed (not applied)",
    });
    const conflict = derive(s, { conflicts: [{ kind: 'Deployment', name: 'shop-web', service: 'web' }], applyFailures: [] });
    expect(condition(conflict, 'Synced')?.message).toBe('Deployment shop-web is owned by someone else (not applied)');
    const invalid = derive(s, { invalid: 'spec.services[0].image: is required' });
    expect(condition(invalid, 'Synced')).toMatchObject({ status: 'False', message: 'spec.services[0].image: is required' });
  });

  it('never says Degraded=False while a child is refused or its Pods cannot be created', () => {
    const failure = { reason: 'FailedCreate', message: podSecurity };
    const cases: Partial<StatusInput>[] = [
      { applyFailures: [portTaken] },
      { applyFailures: [refused], workloads: { web: rolledOut(2), db: rolledOut(1) } },
      { applyFailures: [{ ...portTaken, service: '', kind: 'EndpointSlice', name: 'shop' }] },
      { workloads: { web: rolledOut(2, { readyReplicas: 0, replicaFailure: failure }), db: rolledOut(1) } },
      { workloads: { web: rolledOut(2, { readyReplicas: 1, replicaFailure: failure }) } },
    ];
    for (const c of cases) {
      const status = derive(s, c);
      expect(condition(status, 'Degraded')?.status).toBe('True');
      expect(status.state).not.toBe('Running');
    }
  });
});

describe('a service whose containers may end (run as a Job)', () => {
  const once = service('certs', { autorestart: 'OFF' });
  const s = stack([web, once]);
  /** A Job of `n` containers: `active` running (all ready), `succeeded` and `failed` ended. */
  const job = (
    n: number,
    ended: { active?: number; succeeded?: number; failed?: number },
    over: Partial<WorkloadObservation> = {},
  ) =>
    rolledOut(n, {
      kind: 'Job',
      replicas: ended.active ?? 0,
      readyReplicas: ended.active ?? 0,
      updatedReplicas: ended.active ?? 0,
      ended: { succeeded: ended.succeeded ?? 0, failed: ended.failed ?? 0 },
      ...over,
    });

  it('counts as running while its containers run, and the stack is Running', () => {
    const status = derive(s, { workloads: { web: rolledOut(2), certs: job(1, { active: 1 }) } });
    expect(status.services[1]?.state).toBe('Running');
    expect(status.state).toBe('Running');
  });

  it('is Stopped once every container exited successfully, and the stack is Running, every service ready', () => {
    const status = derive(s, {
      workloads: { web: rolledOut(2), certs: job(1, { succeeded: 1 }) },
      pods: { web: { existing: 2, terminating: 0, ready: 2 }, certs: { existing: 1, terminating: 0, ready: 0, ended: 1 } },
    });
    expect(status.services[1]).toEqual({
      name: 'certs',
      state: 'Stopped',
      targetContainers: 1,
      currentContainers: 1,
      readyContainers: 0,
      endedContainers: 1,
    });
    expect(status.state).toBe('Running');
    expect(status.servicesReady).toBe('2/2');
    expect(status.synchronized).toBe(true);
    expect(condition(status, 'Ready')).toMatchObject({ status: 'True' });
    expect(condition(status, 'Degraded')).toMatchObject({ status: 'False' });
  });

  it('is Stopped with its ended containers removed (autodestroy): the Job keeps the count', () => {
    const status = derive(stack([service('certs', { autodestroy: 'ALWAYS' })]), {
      workloads: { certs: job(1, { succeeded: 1 }) },
    });
    expect(status.services[0]).toMatchObject({ state: 'Stopped', currentContainers: 0 });
    expect(status.state).toBe('Running');
  });

  it('is Starting before its Job exists and while its containers start', () => {
    expect(derive(s, { workloads: { web: rolledOut(2) } }).state).toBe('Starting');
    const starting = derive(s, { workloads: { web: rolledOut(2), certs: job(2, {}) } });
    expect(starting.services[1]?.state).toBe('Starting');
    expect(starting.state).toBe('Starting');
  });

  it('makes the stack Partly running when a container failed for good, with the reason on the service and in Degraded', () => {
    const status = derive(s, {
      workloads: { web: rolledOut(2), certs: job(1, { failed: 1 }) },
      pods: { certs: { existing: 1, terminating: 0, ready: 0, exitCodes: [1] } },
    });
    expect(status.services[1]).toMatchObject({
      state: 'Not running',
      message: '1 of 1 containers exited with an error (exit code 1) and are not restarted (autorestart OFF)',
    });
    expect(status.state).toBe('Partly running');
    expect(condition(status, 'Degraded')).toMatchObject({
      status: 'True',
      reason: 'ContainersFailed',
      message: expect.stringContaining('certs: 1 of 1 containers exited with an error (exit code 1)'),
    });
    expect(status.servicesReady).toBe('1/2');
  });

  it('is Partly running itself when some of its containers run and another failed; Not Running alone', () => {
    const partly = derive(stack([service('w', { autorestart: 'ON_FAILURE', targetNumContainers: 3 })]), {
      workloads: { w: job(3, { active: 2, failed: 1 }) },
    });
    expect(partly.services[0]).toMatchObject({
      state: 'Partly running',
      message: '1 of 3 containers exited with an error and have no retry left',
    });
    expect(partly.state).toBe('Partly running');
    const limited = derive(stack([service('m', { autorestart: 'ON_FAILURE', autorestartRetries: 2 })]), {
      workloads: { m: job(1, { failed: 1 }) },
    });
    expect(limited.services[0]?.message).toBe('1 of 1 containers exited with an error and have no retry left (on-failure:2)');
    const alone = derive(stack([once]), { workloads: { certs: job(1, { failed: 1 }) } });
    expect(alone.state).toBe('Not Running');
  });

  it('is Redeploying while the Job of the last run is still there, and the fresh run starts', () => {
    const redeploy = stack([web, once], { redeploy: { revision: 1 } });
    const old = derive(redeploy, {
      workloads: { web: rolledOut(2, { podTemplateRedeployRevision: '1' }), certs: job(1, { succeeded: 1 }) },
    });
    expect(old.services[1]?.state).toBe('Redeploying');
    expect(old.state).toBe('Redeploying');
    const fresh = derive(withStatus(redeploy, { services: [prev('web', 'Running', 2), prev('certs', 'Redeploying', 1)] }), {
      workloads: {
        web: rolledOut(2, { podTemplateRedeployRevision: '1' }),
        certs: job(1, {}, { podTemplateRedeployRevision: '1' }),
      },
    });
    expect(fresh.services[1]?.state).toBe('Redeploying');
    const done = derive(redeploy, {
      workloads: {
        web: rolledOut(2, { podTemplateRedeployRevision: '1' }),
        certs: job(1, { succeeded: 1 }, { podTemplateRedeployRevision: '1' }),
      },
    });
    expect(done.state).toBe('Running');
  });

  it('runs once on every node with EVERY_NODE: Starting until its Job exists, done once every node ran it', () => {
    const keys = service('keys', { autodestroy: 'ALWAYS', deploymentStrategy: 'EVERY_NODE' });
    const none = derive(stack([keys]));
    expect(none.services[0]).toMatchObject({ state: 'Starting' });
    const half = derive(stack([keys]), { workloads: { keys: job(2, { succeeded: 1 }) } });
    expect(half.services[0]).toMatchObject({ state: 'Starting', targetContainers: 2 });
    const all = derive(stack([keys]), { workloads: { keys: job(2, { succeeded: 2 }) } });
    expect(all.services[0]).toMatchObject({ state: 'Stopped', targetContainers: 2 });
    expect(all.state).toBe('Running');
  });

  it('is Stopping, then Stopped, when the stack stops (the run is deleted, its pods with it)', () => {
    const stopped = stack([once], { desiredState: 'Stopped' });
    expect(derive(stopped, { pods: { certs: { existing: 1, terminating: 1 } } }).state).toBe('Stopping');
    // The run itself is not gone yet: a start must not take it for a fresh one.
    expect(derive(stopped, { workloads: { certs: job(1, { succeeded: 1 }) } }).state).toBe('Stopping');
    expect(derive(stopped).state).toBe('Stopped');
  });
});
