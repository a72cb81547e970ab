import { describe, expect, it } from 'vitest';
import type { Condition } from '../../../src/model/stack.ts';
import { mergeConditions } from '../../../src/states/conditions.ts';

const EARLIER = '2024-05-01T10:00:00Z';
const NOW = new Date('2024-05-01T12:00:00.789Z');

describe('mergeConditions', () => {
  const old: Condition[] = [
    {
      type: 'Ready',
      status: 'False',
      reason: 'Starting',
      message: '0/1 services ready',
      lastTransitionTime: EARLIER,
      observedGeneration: 1,
    },
    { type: 'Degraded', status: 'False', reason: 'AsExpected', message: 'no problems', lastTransitionTime: EARLIER },
    { type: 'example.com/Audited', status: 'True', reason: 'Checked', message: '', lastTransitionTime: EARLIER },
  ];

  it('keeps the transition time of a condition whose status did not change, taking its new reason and message', () => {
    const [ready] = mergeConditions(
      old,
      [{ type: 'Ready', status: 'False', reason: 'Redeploying', message: 'changed', observedGeneration: 2 }],
      NOW,
    );
    expect(ready).toEqual({
      type: 'Ready',
      status: 'False',
      reason: 'Redeploying',
      message: 'changed',
      lastTransitionTime: EARLIER,
      observedGeneration: 2,
    });
  });

  it('stamps the time, in whole seconds, when the status changes or the condition is new', () => {
    const merged = mergeConditions(
      old,
      [
        { type: 'Degraded', status: 'True', reason: 'NameConflict', message: 'x' },
        { type: 'Progressing', status: 'True', reason: 'Starting', message: 'y' },
      ],
      NOW,
    );
    expect(merged.map((c) => [c.type, c.lastTransitionTime])).toEqual([
      ['Degraded', '2024-05-01T12:00:00Z'],
      ['Progressing', '2024-05-01T12:00:00Z'],
      ['Ready', EARLIER],
      ['example.com/Audited', EARLIER],
    ]);
  });

  it('starts from nothing', () => {
    expect(mergeConditions(undefined, [{ type: 'Ready', status: 'True', reason: 'Running', message: '' }], NOW)).toEqual([
      { type: 'Ready', status: 'True', reason: 'Running', message: '', lastTransitionTime: '2024-05-01T12:00:00Z' },
    ]);
  });
});
