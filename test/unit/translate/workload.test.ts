import { describe, expect, it } from 'vitest';
import {
  ANNOTATION_REDEPLOY_REVISION,
  MANAGED_BY_SELECTOR,
  serviceSelectorString,
  stackSelector,
} from '../../../src/translate/labels.ts';
import { pick, service, stack, translate, translateOne } from './fixtures.ts';

describe('workloads', () => {
  it('run each service as a Deployment named <stack>-<service>, in the stack namespace, owned by the Stack', () => {
    const { deployment } = translateOne(service('web'));
    expect(deployment?.metadata).toEqual({
      name: 'shop-web',
      namespace: 'team-a',
      labels: {
        'app.kubernetes.io/name': 'web',
        'app.kubernetes.io/instance': 'shop',
        'app.kubernetes.io/component': 'web',
        'app.kubernetes.io/part-of': 'shop',
        'app.kubernetes.io/managed-by': 'longshore',
        'longshore.io/stack': 'shop',
        'longshore.io/service': 'web',
      },
      ownerReferences: [
        {
          apiVersion: 'longshore.io/v1alpha1',
          kind: 'Stack',
          name: 'shop',
          uid: '1b4e28ba-2fa1-11d2-883f-0016d3cca427',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    });
  });

  it('select pods by stack and service only, and label the pods like the Deployment', () => {
    const { deployment, template } = translateOne(service('web'));
    expect(deployment?.spec?.selector).toEqual({ matchLabels: { 'longshore.io/stack': 'shop', 'longshore.io/service': 'web' } });
    expect(template?.metadata?.labels).toEqual(deployment?.metadata.labels);
  });

  it('offer label selectors for the controller', () => {
    expect(MANAGED_BY_SELECTOR).toBe('app.kubernetes.io/managed-by=longshore');
    expect(stackSelector('shop')).toBe('app.kubernetes.io/managed-by=longshore,longshore.io/stack=shop');
    expect(serviceSelectorString('shop', 'web')).toBe(
      'app.kubernetes.io/managed-by=longshore,longshore.io/stack=shop,longshore.io/service=web',
    );
  });

  it('run targetNumContainers replicas, one when not given', () => {
    expect(translateOne(service('web')).deployment?.spec?.replicas).toBe(1);
    expect(translateOne(service('web', { targetNumContainers: 4 })).deployment?.spec?.replicas).toBe(4);
    expect(translateOne(service('web', { targetNumContainers: 0 })).deployment?.spec?.replicas).toBe(0);
  });

  it('carry the configured progress deadline', () => {
    expect(translateOne(service('web'), { progressDeadlineSeconds: 120 }).deployment?.spec?.progressDeadlineSeconds).toBe(120);
  });

  it('replace one pod at a time, never above target, for sequentialDeployment', () => {
    expect(translateOne(service('web', { sequentialDeployment: true })).deployment?.spec?.strategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: 0, maxUnavailable: 1 },
    });
    expect(translateOne(service('web', { sequentialDeployment: false })).deployment?.spec?.strategy).toBeUndefined();
  });

  it('run EVERY_NODE services as a DaemonSet, with no Deployment', () => {
    const {
      deployment,
      daemonSet,
      service: svc,
    } = translateOne(service('agent', { deploymentStrategy: 'EVERY_NODE', targetNumContainers: 3 }));
    expect(deployment).toBeUndefined();
    expect(daemonSet?.spec?.selector).toEqual({ matchLabels: { 'longshore.io/stack': 'shop', 'longshore.io/service': 'agent' } });
    expect(daemonSet?.spec?.template.spec?.nodeSelector).toBeUndefined();
    expect(svc).toBeDefined();
  });

  it('spread HIGH_AVAILABILITY services over nodes and zones without refusing to schedule', () => {
    const { podSpec } = translateOne(service('web', { deploymentStrategy: 'HIGH_AVAILABILITY' }));
    expect(podSpec?.topologySpreadConstraints).toEqual(
      ['kubernetes.io/hostname', 'topology.kubernetes.io/zone'].map((topologyKey) => ({
        maxSkew: 1,
        topologyKey,
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: { matchLabels: { 'longshore.io/stack': 'shop', 'longshore.io/service': 'web' } },
      })),
    );
    expect(
      translateOne(service('web', { deploymentStrategy: 'EMPTIEST_NODE' })).podSpec?.topologySpreadConstraints,
    ).toBeUndefined();
  });

  it('stamp the redeploy revision into the pod template, so a redeploy rolls fresh pods', () => {
    const before = pick(translate(stack([service('web')])).objects, 'web').template;
    const after = pick(translate(stack([service('web')], { redeploy: { revision: 3 } })).objects, 'web').template;
    expect(before?.metadata?.annotations?.[ANNOTATION_REDEPLOY_REVISION]).toBe('0');
    expect(after?.metadata?.annotations?.[ANNOTATION_REDEPLOY_REVISION]).toBe('3');
  });

  it("stamp a service's own redeploy into its pod template only, so it alone rolls", () => {
    const t = translate(stack([service('web'), service('db')], { redeploy: { revision: 3, services: { web: 2, db: 0 } } }));
    expect(pick(t.objects, 'web').template?.metadata?.annotations?.[ANNOTATION_REDEPLOY_REVISION]).toBe('3.2');
    expect(pick(t.objects, 'db').template?.metadata?.annotations?.[ANNOTATION_REDEPLOY_REVISION]).toBe('3');
  });
});

describe('lifecycle', () => {
  const services = [
    service('web', { targetNumContainers: 2, bindings: [{ containerPath: '/data' }] }),
    service('agent', { deploymentStrategy: 'EVERY_NODE' }),
  ];
  const kinds = (desiredState?: 'Running' | 'Stopped' | 'Terminated') =>
    translate(stack(services, desiredState === undefined ? { desiredState: undefined } : { desiredState })).objects.map(
      (o) => `${o.kind}/${o.metadata.name}`,
    );

  it('defines everything but runs no pods for a stack never started', () => {
    const t = translate(stack(services, { desiredState: undefined }));
    expect(pick(t.objects, 'web').deployment?.spec?.replicas).toBe(0);
    expect(pick(t.objects, 'agent').podSpec?.nodeSelector).toEqual({ 'longshore.io/stopped': 'true' });
    expect(kinds(undefined)).toEqual(kinds('Running'));
  });

  it('runs the target when Running and keeps the definitions, at no pods, when Stopped', () => {
    const running = translate(stack(services, { desiredState: 'Running' }));
    const stopped = translate(stack(services, { desiredState: 'Stopped' }));
    expect(pick(running.objects, 'web').deployment?.spec?.replicas).toBe(2);
    expect(pick(stopped.objects, 'web').deployment?.spec?.replicas).toBe(0);
    expect(pick(stopped.objects, 'agent').podSpec?.nodeSelector).toEqual({ 'longshore.io/stopped': 'true' });
    expect(kinds('Stopped')).toEqual(kinds('Running'));
  });

  it('wants nothing at all, volumes included, when Terminated or being deleted', () => {
    expect(translate(stack(services, { desiredState: 'Terminated' }))).toEqual({
      objects: [],
      problems: [],
      notices: [],
      warnings: [],
    });
    expect(translate(stack(services, {}, { deletionTimestamp: '2024-01-01T00:00:00Z' }))).toEqual({
      objects: [],
      problems: [],
      notices: [],
      warnings: [],
    });
  });
});

describe('services whose containers may end (autorestart OFF or ON_FAILURE)', () => {
  it('run once as an Indexed Job, one index per container, never restarted in place, for OFF', () => {
    const { job, deployment, podSpec } = translateOne(service('certs', { autorestart: 'OFF', targetNumContainers: 3 }));
    expect(deployment).toBeUndefined();
    expect(job?.metadata.name).toBe('shop-certs');
    expect(job?.spec).toMatchObject({
      completionMode: 'Indexed',
      completions: 3,
      parallelism: 3,
      backoffLimitPerIndex: 0,
    });
    expect(podSpec?.restartPolicy).toBe('Never');
    expect(job?.spec?.template.metadata?.labels?.['longshore.io/service']).toBe('certs');
  });

  it('retry each failed container on its own, without a limit, for ON_FAILURE', () => {
    const { job } = translateOne(service('migrate', { autorestart: 'ON_FAILURE' }));
    expect(job?.spec?.backoffLimitPerIndex).toBe(2_147_483_647);
    expect(job?.spec?.completions).toBe(1);
  });

  it('retry a failed container at most N times for ON_FAILURE with a limit (on-failure:N)', () => {
    const { job } = translateOne(service('migrate', { autorestart: 'ON_FAILURE', autorestartRetries: 3 }));
    expect(job?.spec?.backoffLimitPerIndex).toBe(3);
  });

  it('treat a service that says no autorestart but asks to be removed when it ends as OFF, Docker Cloud’s default', () => {
    expect(translateOne(service('once', { autodestroy: 'ALWAYS' })).job?.spec?.backoffLimitPerIndex).toBe(0);
    expect(translateOne(service('once', { autodestroy: 'ON_SUCCESS' })).job).toBeDefined();
    expect(translateOne(service('web', { autodestroy: 'OFF' })).deployment).toBeDefined();
    expect(translateOne(service('web', { autorestart: 'ALWAYS', autodestroy: 'ALWAYS' })).deployment).toBeDefined();
    expect(translateOne(service('web')).deployment).toBeDefined();
  });

  it('exist only while the stack is meant to run: stopping ends the run, starting is a fresh one', () => {
    const services = [service('once', { autorestart: 'OFF' })];
    for (const desiredState of [undefined, 'Stopped', 'Terminated'] as const)
      expect(pick(translate(stack(services, { desiredState })).objects, 'once').job).toBeUndefined();
    const stopped = translate(stack(services, { desiredState: 'Stopped' }));
    expect(pick(stopped.objects, 'once').service).toBeDefined();
  });

  it('carry the redeploy revision, so a redeploy is a fresh run', () => {
    const t = translate(stack([service('once', { autorestart: 'OFF' })], { redeploy: { revision: 4 } }));
    expect(pick(t.objects, 'once').template?.metadata?.annotations?.[ANNOTATION_REDEPLOY_REVISION]).toBe('4');
  });

  it('have nothing to run at a target of 0', () => {
    expect(translateOne(service('once', { autorestart: 'OFF', targetNumContainers: 0 })).job).toBeUndefined();
  });

  it('run once on every schedulable node with EVERY_NODE: one container per node, each on a node of its own', () => {
    const keys = service('keys', { autodestroy: 'ALWAYS', deploymentStrategy: 'EVERY_NODE', targetNumContainers: 5 });
    const { job, podSpec } = translateOne(keys, {}, [], { schedulableNodes: 3 });
    expect(job?.spec).toMatchObject({ completions: 3, parallelism: 3, backoffLimitPerIndex: 0 });
    expect(podSpec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution).toEqual([
      {
        labelSelector: { matchLabels: { 'longshore.io/stack': 'shop', 'longshore.io/service': 'keys' } },
        topologyKey: 'kubernetes.io/hostname',
      },
    ]);
    // Nodes not known yet (or none): nothing to run yet.
    expect(translateOne(keys).job).toBeUndefined();
    expect(translateOne(keys, {}, [], { schedulableNodes: 0 }).job).toBeUndefined();
  });
});
