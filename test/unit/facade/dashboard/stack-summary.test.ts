import { describe, expect, it } from 'vitest';
import { stackSummary } from '../../../../src/facade/dashboard/stack-summary.ts';
import { API_VERSION, KIND, type Stack } from '../../../../src/model/stack.ts';

const stack = (over: Partial<Stack> = {}): Stack => ({
  apiVersion: API_VERSION,
  kind: KIND,
  metadata: { name: 'shop', namespace: 'team-a', uid: 'u-1', generation: 2 },
  spec: {
    desiredState: 'Running',
    services: [
      { name: 'web', image: 'nginx:1.27', containerPorts: [{ innerPort: 80, published: true, outerPort: 8080 }] },
      { name: 'db', image: 'redis:7', linkedToService: [{ toService: 'web', name: 'front' }] },
    ],
  },
  status: {
    observedGeneration: 2,
    state: 'Partly running',
    servicesReady: '1/2',
    services: [
      { name: 'web', state: 'Running', targetContainers: 1, currentContainers: 1, readyContainers: 1 },
      { name: 'db', state: 'Starting', targetContainers: 1, currentContainers: 1, readyContainers: 0 },
    ],
    conditions: [{ type: 'Degraded', status: 'True', reason: 'ProgressDeadlineExceeded', message: 'db', lastTransitionTime: '' }],
  },
  ...over,
});

describe('a stack as the dashboard shows it', () => {
  it("counts the services ready and carries each one's containers, ports and links", () => {
    const s = stackSummary(stack());
    expect(s.servicesReady).toBe('1/2');
    // The controller's count, as kubectl shows it: a finished one-shot counts as ready.
    const done = stack({ status: { ...stack().status, servicesReady: '2/2' } });
    expect(stackSummary(done).servicesReady).toBe('2/2');
    expect(stackSummary(stack({ status: {} })).servicesReady).toBe('0/2');
    expect(s.services_detail[0]).toMatchObject({ name: 'web', readyContainers: 1, targetContainers: 1 });
    expect(s.services_detail[0]?.ports).toEqual([
      { port: 80, protocol: 'tcp', inside: 'web.shop.team-a.svc:80', published: true, outerPort: 8080 },
    ]);
    expect(s.services_detail[1]?.links).toEqual([{ to: 'web', alias: 'front' }]);
    expect(s.conditions[0]?.type).toBe('Degraded');
  });

  it('allows the actions states/actions.ts allows in the state shown', () => {
    expect(stackSummary(stack()).allowedActions).toEqual(['stop', 'redeploy', 'terminate', 'update']);
    const neverStarted = stack({ spec: { services: [{ name: 'web', image: 'nginx' }] }, status: { state: 'Not Running' } });
    expect(stackSummary(neverStarted).allowedActions).toEqual(['start', 'terminate', 'update']);
    expect(stackSummary(stack({ status: { state: 'Terminated', observedGeneration: 2 } })).allowedActions).toEqual([]);
  });
});
