// deployed_datetime and destroyed_datetime follow the state changes as on Docker Cloud.
import { describe, expect, it } from 'vitest';
import { stateTimes } from '../../../src/states/times.ts';

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-02T00:00:00.000Z';

describe('the deployed and destroyed times', () => {
  it('are set when a start or a redeploy begins, and kept while it runs', () => {
    expect(stateTimes({}, 'Starting', T0)).toEqual({ deployedAt: T0, destroyedAt: null });
    expect(stateTimes({ state: 'Starting', deployedAt: T0 }, 'Starting', T1).deployedAt).toBe(T0);
    expect(stateTimes({ state: 'Starting', deployedAt: T0 }, 'Running', T1).deployedAt).toBe(T0);
    expect(stateTimes({ state: 'Running', deployedAt: T0 }, 'Redeploying', T1).deployedAt).toBe(T1);
  });

  it('say a stack first seen Running was deployed then, and keep a stopped one as it was', () => {
    expect(stateTimes({}, 'Running', T0).deployedAt).toBe(T0);
    expect(stateTimes({ state: 'Running', deployedAt: T0 }, 'Stopped', T1)).toEqual({ deployedAt: T0, destroyedAt: null });
  });

  it('mark the destruction once, when termination begins', () => {
    const terminating = stateTimes({ state: 'Running', deployedAt: T0 }, 'Terminating', T1);
    expect(terminating).toEqual({ deployedAt: T0, destroyedAt: T1 });
    expect(stateTimes({ ...terminating, state: 'Terminating' }, 'Terminated', '2026-01-03T00:00:00.000Z').destroyedAt).toBe(T1);
  });
});
